/**
 * Matrix: no growth after many start/stop cycles in one process.
 * - 1,000 cycles of a fresh LeaderElector (start → lead → stop with release) over MemoryLock,
 *   and 1,000 start/stop cycles of one reused elector;
 * - 500 cycles over real HTTP (createLock + client-node against KubeApiTestServer, with watch);
 * - 300 init/close cycles of a Nest app with LeaderElectionModule.
 * After each: active handles (timers, sockets...) back to the baseline taken after a warm-up,
 * no process listener added, no abort listener left on a signal we passed in, no open watch,
 * and the heap (after full GCs) within a few MB of the baseline.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Test } from '@nestjs/testing';
import {
  LeaderElectionModule,
  LeaderElectionService,
  LeaderElector,
  MemoryLockStore,
  createLock,
} from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { CaptureLogger } from '../nest/fixtures/capture-logger.js';
import { TIMING } from './matrix.helpers.js';

// node:test runs this file in a child process without --expose-gc; enable it from here.
setFlagsFromString('--expose-gc');
const gc = ((globalThis as { gc?: () => void }).gc ?? runInNewContext('gc')) as () => void;

const MB = 1024 * 1024;
const HTTP_CYCLES = 500;
const NEST_CYCLES = 300;
/** Heap growth allowed after all cycles (V8 keeps some compiled code and caches around). */
const HEAP_TOLERANCE = 5 * MB;
/** Handles of one kind that may come and go on their own (test runner, keep-alive pools). */
const HANDLE_TOLERANCE = 2;
const PROCESS_EVENTS = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'exit',
  'beforeExit',
  'uncaughtException',
  'unhandledRejection',
  'warning',
] as const;

interface Snapshot {
  handles: Record<string, number>;
  processListeners: number;
  heapUsed: number;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function snapshot(): Promise<Snapshot> {
  await settle();
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const handles: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) handles[kind] = (handles[kind] ?? 0) + 1;
  const processListeners = PROCESS_EVENTS.reduce((n, e) => n + process.listenerCount(e), 0);
  return { handles, processListeners, heapUsed: process.memoryUsage().heapUsed };
}

/** Asserts no growth; returns a one-line summary for the test's diagnostics. */
function assertNoGrowth(
  before: Snapshot,
  after: Snapshot,
  cycles: number,
  handleTolerance = 0,
): string {
  const grown = Object.entries(after.handles)
    .filter(([kind, n]) => n > (before.handles[kind] ?? 0) + handleTolerance + HANDLE_TOLERANCE)
    .map(([kind, n]) => `${kind}: ${before.handles[kind] ?? 0} → ${n}`);
  assert.deepEqual(grown, [], `active handles grew over ${cycles} cycles`);
  assert.equal(after.processListeners, before.processListeners, 'process listeners were added');
  const growth = after.heapUsed - before.heapUsed;
  assert.ok(
    growth < HEAP_TOLERANCE,
    `heap grew by ${(growth / MB).toFixed(2)} MB over ${cycles} cycles (limit ${HEAP_TOLERANCE / MB} MB)`,
  );
  return `${cycles} cycles: heap ${(growth / MB).toFixed(2)} MB, handles ${JSON.stringify(before.handles)} → ${JSON.stringify(after.handles)}`;
}

describe('matrix: start/stop cycles leave nothing behind', () => {
  it('1,000 cycles of a fresh elector over MemoryLock (start, lead, stop with release)', async (t) => {
    const store = new MemoryLockStore({ logLimit: 10 });
    const caller = new AbortController();
    const cycle = async (i: number) => {
      const lock = store.createLock({ name: 'cycles', identity: `cycler-${i % 3}` });
      const elector = new LeaderElector({ lock, ...TIMING });
      elector.start();
      await elector.whenLeader(caller.signal);
      assert.equal(elector.isLeader(), true);
      await elector.stop();
      assert.equal(elector.status(), 'stopped');
    };
    for (let i = 0; i < 50; i++) await cycle(i);
    const before = await snapshot();
    const started = performance.now();
    for (let i = 0; i < 1000; i++) await cycle(i);
    const after = await snapshot();
    t.diagnostic(assertNoGrowth(before, after, 1000));
    assert.equal(store.watchCount(), 0, 'no watch left open');
    assert.equal(getEventListeners(caller.signal, 'abort').length, 0, 'whenLeader left listeners');
    assert.equal(store.read('cycles')?.holderIdentity, '', 'the last stop released the lease');
    assert.ok(performance.now() - started < 25_000, 'the cycles stay fast');
  });

  it('1,000 start/stop cycles of one reused elector', async (t) => {
    const store = new MemoryLockStore({ logLimit: 10 });
    const lock = store.createLock({ name: 'reused', identity: 'reuser' });
    const elector = new LeaderElector({ lock, ...TIMING });
    const cycle = async () => {
      elector.start();
      await elector.whenLeader();
      await elector.stop();
    };
    for (let i = 0; i < 50; i++) await cycle();
    const before = await snapshot();
    for (let i = 0; i < 1000; i++) await cycle();
    const after = await snapshot();
    t.diagnostic(assertNoGrowth(before, after, 1000));
    assert.equal(store.watchCount(), 0);
    assert.equal(elector.status(), 'stopped');
    assert.equal(elector.isLeader(), false);
  });

  it(`${HTTP_CYCLES} cycles over HTTP (createLock + client-node, watch on) against KubeApiTestServer`, async (t) => {
    const server = new KubeApiTestServer({
      bookmarkInterval: 0,
      watchHistory: 10,
      requestLogLimit: 10,
      writeLogLimit: 10,
    });
    await server.start();
    try {
      const kubeConfig = server.kubeConfig('cycles');
      const cycle = async (i: number) => {
        const lock = createLock({
          name: 'http-cycles',
          namespace: 'default',
          identity: `http-${i % 3}`,
          kubeConfig,
          recordEvents: false,
        });
        const elector = new LeaderElector({ lock, ...TIMING });
        elector.start();
        await elector.whenLeader(AbortSignal.timeout(10_000));
        await elector.stop();
      };
      for (let i = 0; i < 20; i++) await cycle(i);
      const before = await snapshot();
      for (let i = 0; i < HTTP_CYCLES; i++) await cycle(i);
      const after = await snapshot();
      // Keep-alive sockets (client and server side) are pooled, not leaked: allow a few.
      t.diagnostic(assertNoGrowth(before, after, HTTP_CYCLES, 4));
      const spec = server.getObject('leases', 'default', 'http-cycles')?.['spec'] as {
        holderIdentity?: string;
      };
      assert.equal(spec.holderIdentity, '', 'the last stop released the lease');
      const watches = server.requests().filter((r) => r.verb === 'watch' && r.status === 0);
      assert.deepEqual(watches, [], 'no watch request is still pending on the server');
    } finally {
      await server.stop();
    }
  });

  it(`${NEST_CYCLES} init/close cycles of a Nest app with LeaderElectionModule (MemoryLock)`, async (t) => {
    const store = new MemoryLockStore({ logLimit: 10 });
    const cycle = async (i: number) => {
      const logger = new CaptureLogger();
      const moduleRef = await Test.createTestingModule({
        imports: [
          LeaderElectionModule.forRoot({
            name: 'nest-cycles',
            resourceLock: store.createLock({ name: 'nest-cycles', identity: `nest-${i % 3}` }),
            ...TIMING,
          }),
        ],
      })
        .setLogger(logger)
        .compile();
      const app = moduleRef.createNestApplication({ logger });
      await app.init();
      await app.get(LeaderElectionService).whenLeader(AbortSignal.timeout(10_000));
      await app.close();
    };
    for (let i = 0; i < 10; i++) await cycle(i);
    const before = await snapshot();
    for (let i = 0; i < NEST_CYCLES; i++) await cycle(i);
    const after = await snapshot();
    t.diagnostic(assertNoGrowth(before, after, NEST_CYCLES));
    assert.equal(store.watchCount(), 0);
    assert.equal(store.read('nest-cycles')?.holderIdentity, '', 'released on close');
  });
});
