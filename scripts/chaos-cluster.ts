import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiTestServer } from '../lib/testing/index.js';
import type { Fault, FaultHandle, FaultMatch } from '../lib/testing/index.js';

/**
 * The chaos run's API server: a `KubeApiTestServer` on 127.0.0.1 with TLS and one bearer token
 * per replica slot (a restarted replica keeps its slot's token), so a fault can target one
 * replica. Each slot gets a kubeconfig file carrying the test CA: nothing skips TLS verification.
 * Unlike the demo's cluster it hands out the server itself, for fault injection.
 */
export class ChaosCluster {
  private constructor(
    readonly server: KubeApiTestServer,
    private readonly dir: string,
    private readonly files: ReadonlyMap<string, string>,
    readonly namespace: string,
  ) {}

  static async start(slots: readonly string[], namespace = 'default'): Promise<ChaosCluster> {
    const server = new KubeApiTestServer({ tls: true });
    await server.start();
    let dir: string | undefined;
    try {
      dir = await mkdtemp(join(tmpdir(), 'nle-chaos-'));
      const files = new Map<string, string>();
      for (const slot of slots) {
        const file = join(dir, `${slot}.kubeconfig`);
        await writeFile(file, server.kubeConfigYaml(slot, { namespace }), { mode: 0o600 });
        await chmod(file, 0o600);
        files.set(slot, file);
      }
      return new ChaosCluster(server, dir, files, namespace);
    } catch (err) {
      await server.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The folder of the kubeconfig files (removed by `close()`). */
  get tempDir(): string {
    return this.dir;
  }

  get url(): string {
    return this.server.url;
  }

  kubeconfigFor(slot: string): string {
    const file = this.files.get(slot);
    if (!file) throw new Error(`no kubeconfig for ${JSON.stringify(slot)}: not a replica slot`);
    return file;
  }

  /** For the chaos run's own look at the Lease; its token is never the target of a fault. */
  observerConfig(): KubeConfig {
    return this.server.kubeConfig('chaos-observer', { namespace: this.namespace });
  }

  /** Installs `fault` for the requests of each slot in `slots` (extra `match` fields narrow it). */
  fault(
    fault: Fault,
    slots: readonly string[],
    match: Omit<FaultMatch, 'token'> = {},
  ): FaultHandle {
    const handles = slots.map((token) => this.server.fault(fault, { match: { ...match, token } }));
    return { clear: () => handles.forEach((h) => h.clear()) };
  }

  requestCount(slot: string): number {
    const counts = this.server.counters().byToken[slot];
    return counts ? Object.values(counts).reduce((a, b) => a + b, 0) : 0;
  }

  async close(): Promise<void> {
    await this.server.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort (process exit): removes the kubeconfig files, nothing else. */
  closeNow(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
