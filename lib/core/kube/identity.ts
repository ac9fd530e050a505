import { hostname as osHostname } from 'node:os';

/**
 * A replica identity as Kubernetes components build it (`<hostname>_<uuid>`): the pod name
 * from the downward API (`POD_NAME`) or the hostname (which is the pod name by default), then
 * a random suffix so a restarted process never reuses the previous holder's identity.
 */
export function defaultIdentity(
  env: NodeJS.ProcessEnv = process.env,
  hostname: string = osHostname(),
  random: () => number = Math.random,
): string {
  const podName = env['POD_NAME']?.trim();
  const base = podName || hostname.trim() || 'unknown-host';
  return `${base}_${randomUuid(random)}`;
}

/** A version-4 UUID from an injectable source of randomness. */
function randomUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16) & 15);
  hex[12] = 4;
  hex[16] = ((hex[16] ?? 0) & 3) | 8;
  const s = hex.map((n) => n.toString(16)).join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
