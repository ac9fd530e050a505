/**
 * Sequential Lease PUT latency over TLS on loopback, with and without connection reuse (not a
 * test: a measurement for the record, run by hand).
 *
 *   npm run build && node dist/scripts/keepalive-latency.js [--puts 500] [--http]
 *
 * For each mode it writes the Lease `--puts` times in a row through a real LeaseLock (client-node
 * over HTTPS, the test CA in the kubeconfig) against an in-process KubeApiTestServer, and prints
 * p50 / p95 / mean per PUT and how many connections the client opened.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { CoordinationV1Api } from '@kubernetes/client-node';
import type { LeaderElectionRecord } from '../lib/core/leader-election-record.js';
import { LeaseLock } from '../lib/core/locks/lease-lock.js';
import { KubeApiTestServer } from '../lib/testing/index.js';

const WARMUP = 20;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} needs a positive integer, got ${process.argv[at + 1] ?? 'nothing'}`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const sockets = new Set<unknown>();
diagnostics.subscribe('http.client.response.finish', (message) => {
  sockets.add((message as { request: ClientRequest }).request.socket);
});

async function measure(server: KubeApiTestServer, keepAlive: boolean, puts: number, round: number) {
  const kubeConfig = server.kubeConfig();
  const lock = new LeaseLock({
    name: `latency-${round}`,
    namespace: 'default',
    identity: 'bench',
    kubeConfig,
    keepAlive,
    coordinationApi: kubeConfig.makeApiClient(CoordinationV1Api),
  });
  const record = (i: number): LeaderElectionRecord => ({
    holderIdentity: 'bench',
    leaseDurationSeconds: 15,
    acquireTime: new Date(0),
    renewTime: new Date(1_000 + i),
    leaderTransitions: 0,
  });
  await lock.create(record(0));
  for (let i = 1; i <= WARMUP; i++) await lock.update(record(i));
  sockets.clear();
  const times: number[] = [];
  for (let i = 1; i <= puts; i++) {
    const start = performance.now();
    await lock.update(record(WARMUP + i));
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    mean,
    connections: sockets.size,
  };
}

async function main(): Promise<void> {
  const puts = option('--puts', 500);
  const tls = !process.argv.includes('--http');
  const server = new KubeApiTestServer({ tls, bookmarkInterval: 0 });
  await server.start();
  try {
    console.log(
      `${puts} sequential Lease PUTs over ${tls ? 'HTTPS' : 'HTTP'} on loopback (after ${WARMUP} warm-up PUTs), Node ${process.version}`,
    );
    // Fresh first, then reuse, then fresh again: a drift in machine load shows as a difference
    // between the two fresh rows.
    const modes = [false, true, false, true];
    for (const [round, keepAlive] of modes.entries()) {
      const r = await measure(server, keepAlive, puts, round);
      console.log(
        `${keepAlive ? 'keep-alive (reused)  ' : 'new connection each '}  p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  mean ${r.mean.toFixed(2)} ms  connections opened ${r.connections}`,
      );
    }
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
