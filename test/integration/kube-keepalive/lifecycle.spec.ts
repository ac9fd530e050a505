/**
 * Pooled connections never keep a process alive and do not pile up:
 * - after an elector stops, the test process has no active TCP handle left although the pool
 *   still holds an open idle connection (Node unrefs idle pooled sockets);
 * - 1,000 fresh locks share one pool and one or two connections;
 * - a child process that ran an elector exits on its own right after stopping it, long before
 *   the server would close the idle connection.
 * The API server runs in a child process, so every TCP socket of this process is a client one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { sharedAgentCache } from '../../../lib/core/kube/agent-cache.js';
import { createLock } from '../../../lib/core/locks/lock-factory.js';
import { ConnectionCounter, activeHandles, portOf, sleep, waitFor } from './keepalive.helpers.js';

const NS = 'keepalive';
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

let serverProcess: ChildProcess;
let url = '';
let kubeConfigYaml = '';
let dir = '';

/** Starts the server child and reads its `{ url, kubeConfigYaml }` line (bounded). */
async function startServer(): Promise<void> {
  serverProcess = spawn(process.execPath, [here('./keepalive-server.child.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: serverProcess.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server child did not start in 15 s')), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    serverProcess.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server child exited with ${code}`));
    });
  });
  lines.close();
  ({ url, kubeConfigYaml } = JSON.parse(first) as { url: string; kubeConfigYaml: string });
}

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeConfigYaml);
  return kc;
}

before(async () => {
  await startServer();
  dir = mkdtempSync(join(tmpdir(), 'keepalive-'));
});
after(async () => {
  const exited = new Promise((resolve) => serverProcess.once('exit', resolve));
  serverProcess.stdin?.end();
  const guard = setTimeout(() => serverProcess.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(guard);
  rmSync(dir, { recursive: true, force: true });
});

describe('keep-alive: pooled connections leave nothing behind', () => {
  it('after an elector stops, no TCP handle stays active though a pooled connection is open', async () => {
    const baseline = activeHandles('TCPSocketWrap');
    const lock = createLock({
      name: 'stop-handles',
      namespace: NS,
      identity: 'h1',
      kubeConfig: kubeConfig(),
    });
    const elector = new LeaderElector({
      lock,
      leaseDuration: 2000,
      renewDeadline: 1500,
      retryPeriod: 100,
    });
    elector.start();
    try {
      await elector.whenLeader(AbortSignal.timeout(10_000));
      await sleep(500);
      // While it runs: the watch and the pooled connection in use are referenced.
      assert.ok(activeHandles('TCPSocketWrap') > baseline, 'sockets are active while running');
    } finally {
      await elector.stop({ release: true });
    }
    await waitFor(
      () => activeHandles('TCPSocketWrap') === baseline,
      2000,
      `active TCP handles back to ${baseline} (now ${activeHandles('TCPSocketWrap')})`,
    );
    const { active, idle } = sharedAgentCache.connections();
    assert.equal(active, 0);
    // The connection is still open, waiting for reuse: were it referenced, it would have
    // counted above (and kept the process alive).
    assert.ok(idle >= 1, `idle pooled connections: ${idle}`);
  });

  it('1,000 fresh locks, one GET each (after a create): one pool, at most 2 connections, handles back', async (t) => {
    const baseline = activeHandles('TCPSocketWrap');
    const pools = sharedAgentCache.size;
    const counter = new ConnectionCounter(portOf(url));
    const kc = kubeConfig();
    const name = 'many-locks';
    const first = createLock({ name, namespace: NS, identity: 'x', kubeConfig: kc });
    await first.create({
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: new Date(),
      renewTime: new Date(),
      leaderTransitions: 0,
    });
    try {
      for (let i = 0; i < 1000; i++) {
        const lock = createLock({
          name,
          namespace: NS,
          identity: `id-${i}`,
          kubeConfig: i % 2 === 0 ? kc : kubeConfig(),
          recordEvents: false,
        });
        await lock.get();
      }
    } finally {
      counter.stop();
    }
    const { requests, connections } = counter.count();
    t.diagnostic(`${requests} requests, ${connections} connections`);
    assert.equal(requests, 1 + 1000);
    assert.ok(connections <= 2, `connections: ${connections}`);
    assert.equal(sharedAgentCache.size, pools, 'the same TLS settings: no new pool');
    const { active, idle } = sharedAgentCache.connections();
    assert.equal(active, 0);
    assert.ok(idle <= 2, `idle pooled connections: ${idle}`);
    await waitFor(
      () => activeHandles('TCPSocketWrap') === baseline,
      2000,
      `active TCP handles back to ${baseline}`,
    );
  });

  it('a process that ran an elector exits on its own right after stopping it', async () => {
    const file = join(dir, 'kubeconfig.yaml');
    writeFileSync(file, kubeConfigYaml);
    const child = spawn(process.execPath, [here('./keepalive-exit.child.js'), file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(guard);
    assert.equal(signal, null, `killed by the guard; stdout: ${stdout} stderr: ${stderr}`);
    assert.equal(code, 0, `exit code; stderr: ${stderr}`);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { idle?: number; exitDelayMs?: number });
    const idle = lines.find((l) => l.idle !== undefined)?.idle ?? -1;
    const exitDelayMs = lines.find((l) => l.exitDelayMs !== undefined)?.exitDelayMs ?? Infinity;
    assert.ok(idle >= 1, `the child still had a pooled connection open (idle: ${idle})`);
    // The server announces `Keep-Alive: timeout=5`, so Node would close that connection after
    // about 4 s: a referenced idle socket would hold the process that long.
    assert.ok(exitDelayMs < 2000, `exited ${exitDelayMs.toFixed(0)} ms after stopping`);
  });
});
