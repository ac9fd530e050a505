import { missingEnv } from './bench.messages.js';

/** Helpers for the bench's child entry points (never imported by the parent's measurement code). */

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(missingEnv(name));
  return value;
}

export function numberEnv(name: string): number {
  const value = Number(requireEnv(name));
  if (!Number.isFinite(value))
    throw new Error(`${name} must be a number, got ${process.env[name]}`);
  return value;
}

export function sendToParent(message: Record<string, unknown>): void {
  if (process.connected) process.send?.(message);
}

export function onParentMessage(handler: (message: Record<string, unknown>) => void): void {
  process.on('message', (message) => handler(message as Record<string, unknown>));
}

/**
 * A child must never outlive the bench: it exits when the IPC channel closes (the parent died or
 * killed it) and after a hard lifetime cap, whichever comes first.
 */
export function tieLifetimeToParent(maxLifetimeMs: number): void {
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => process.exit(3), maxLifetimeMs).unref();
}

const MiB = 1024 * 1024;

/**
 * The idle section's measurement: after a full GC, this process's own CPU time over `ms` of
 * wall time, and its memory at the end, as the `result` message fields (without `leading`).
 */
export async function measureIdleWindow(ms: number): Promise<Record<string, number>> {
  (globalThis as { gc?: () => void }).gc?.();
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - t0;
  const memory = process.memoryUsage();
  return {
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    wallMs,
    rssMiB: memory.rss / MiB,
    heapUsedMiB: memory.heapUsed / MiB,
  };
}

export function reportFatal(error: unknown): never {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${text}\n`);
  process.exit(1);
}
