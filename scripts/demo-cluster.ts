import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiTestServer } from '../lib/testing/index.js';
import type { DemoOptions } from './demo-options.js';

/** Where the demo's Lease lives: the embedded API server, or a real cluster. */
export interface DemoCluster {
  mode: 'embedded' | 'cluster';
  /** One line for the banner. */
  description: string;
  namespace: string;
  /** For the demo's own observation of the Lease. */
  observerConfig: KubeConfig;
  /** Path of the kubeconfig file a replica gets as KUBECONFIG. */
  kubeconfigFor(replica: string): string;
  /** Temporary folder of this run (embedded mode), removed by the replicas if the demo dies. */
  tmpDir?: string;
  /** API requests made by a replica so far (embedded mode only). */
  requestCount(replica: string): number | undefined;
  close(): Promise<void>;
  /** Synchronous last resort (process exit): removes temporary files, nothing else. */
  closeNow(): void;
}

/**
 * Embedded: a KubeApiTestServer on 127.0.0.1 with TLS and one bearer token per replica; each
 * replica gets a kubeconfig with the server's CA embedded, so nothing skips TLS verification.
 */
export async function startEmbeddedCluster(options: DemoOptions): Promise<DemoCluster> {
  const namespace = options.namespace ?? 'default';
  const server = new KubeApiTestServer({ tls: true });
  await server.start();
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'nle-demo-'));
    const files = new Map<string, string>();
    for (let i = 1; i <= options.replicas; i++) {
      const replica = `replica-${i}`;
      const file = join(dir, `${replica}.kubeconfig`);
      await writeFile(file, server.kubeConfigYaml(replica, { namespace }), { mode: 0o600 });
      await chmod(file, 0o600);
      files.set(replica, file);
    }
    const tmp = dir;
    return {
      mode: 'embedded',
      description: `embedded KubeApiTestServer at ${server.url} (TLS with its own CA, one token per replica)`,
      namespace,
      tmpDir: tmp,
      observerConfig: server.kubeConfig('demo-observer', { namespace }),
      kubeconfigFor: (replica) => files.get(replica)!,
      requestCount: (replica) => {
        const counts = server.counters().byToken[replica];
        return counts ? Object.values(counts).reduce((a: number, b) => a + Number(b), 0) : 0;
      },
      close: async () => {
        await server.stop();
        await rm(tmp, { recursive: true, force: true });
      },
      closeNow: () => rmSync(tmp, { recursive: true, force: true }),
    };
  } catch (err) {
    await server.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Real cluster: every replica and the observer use the user's kubeconfig as it is. */
export function useRealCluster(options: DemoOptions & { kubeconfig: string }): DemoCluster {
  const kc = new KubeConfig();
  try {
    // KUBECONFIG may list several files (a:b); loadFromDefault merges them as kubectl does.
    if (options.kubeconfigSource === 'KUBECONFIG') kc.loadFromDefault();
    else kc.loadFromFile(options.kubeconfig);
  } catch (err) {
    throw new Error(
      `cannot load the kubeconfig ${JSON.stringify(options.kubeconfig)} (from ${options.kubeconfigSource}): ` +
        `${err instanceof Error ? err.message : String(err)}. Fix the path, or pass --embedded to use the embedded server`,
      { cause: err },
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error(
      `the kubeconfig ${JSON.stringify(options.kubeconfig)} has no cluster for its current context ` +
        `${JSON.stringify(kc.getCurrentContext())}: run kubectl config use-context <name>, or pass --embedded`,
    );
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  const namespace = options.namespace ?? context?.namespace ?? 'default';
  return {
    mode: 'cluster',
    description: `real cluster ${cluster.server} (context ${JSON.stringify(kc.getCurrentContext())}, kubeconfig from ${options.kubeconfigSource})`,
    namespace,
    observerConfig: kc,
    kubeconfigFor: () => options.kubeconfig,
    requestCount: () => undefined,
    close: async () => undefined,
    closeNow: () => undefined,
  };
}
