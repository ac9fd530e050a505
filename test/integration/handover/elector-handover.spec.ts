/*
 * Hand-over between real electors over real HTTP (LeaseLock through @kubernetes/client-node)
 * against KubeApiTestServer: a preferredHolder patched onto the Lease the way `kubectl patch` or
 * a CLE controller would, and LeaderElector.handOver(identity), with the CoordinatedLeaderElection
 * feature gate on and off.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CoordinationV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1LeaseSpec,
} from '@kubernetes/client-node';
import { HAND_OVER_STRATEGY } from '../../../lib/core/leader-elector.config.js';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { createLock } from '../../../lib/core/locks/lock-factory.js';
import * as messages from '../../../lib/core/messages.js';
import { KubeApiTestServer } from '../../../lib/testing/kube-api-test-server.js';
import type { WriteLogEntry } from '../../../lib/testing/kube-api-test-server.types.js';
import { CapturingLogger } from '../../support/recorders.js';

const NS = 'handover-it';
// Short, with room for a loaded machine: the hand-over window is leaseDuration (3 s).
const TIMING = { leaseDuration: 3_000, renewDeadline: 2_000, retryPeriod: 300 };
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Replica {
  id: string;
  identity: string;
  token: string;
  elector: LeaderElector;
  logger: CapturingLogger;
  /** performance.now() of each onStartedLeading / signal abort. */
  started: number[];
  ended: number[];
}

/** Samples isLeader() of every replica every 2 ms and records any instant with two leaders. */
function monitor(replicas: Replica[]): { stop(): string[] } {
  const overlaps: string[] = [];
  const timer = setInterval(() => {
    const leaders = replicas.filter((r) => r.elector.isLeader()).map((r) => r.id);
    if (leaders.length > 1) overlaps.push(leaders.join('+'));
  }, 2);
  return {
    stop: () => {
      clearInterval(timer);
      return overlaps;
    },
  };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function cluster(server: KubeApiTestServer, name: string, watch = true): Replica[] {
  return ['a', 'b', 'c'].map((id) => {
    const token = `token-${name}-${id}`;
    const identity = `${name}-${id}_7c1d`;
    const logger = new CapturingLogger();
    const replica = { id, identity, token, logger, started: [], ended: [] } as unknown as Replica;
    replica.elector = new LeaderElector({
      lock: createLock({
        type: 'leases',
        name,
        namespace: NS,
        identity,
        kubeConfig: server.kubeConfig(token),
      }),
      ...TIMING,
      watch,
      logger,
      callbacks: {
        onStartedLeading: ({ signal }) => {
          replica.started.push(performance.now());
          signal.addEventListener('abort', () => replica.ended.push(performance.now()));
        },
      },
    });
    return replica;
  });
}

async function electFirst(replicas: Replica[]): Promise<Replica> {
  const [first] = replicas as [Replica];
  first.elector.start();
  await within(first.elector.whenLeader(), 3_000, 'first leader');
  for (const r of replicas.slice(1)) r.elector.start();
  await sleep(300);
  return first;
}

const specOf = (entry: WriteLogEntry | undefined) =>
  (entry?.object['spec'] ?? {}) as V1LeaseSpec & Record<string, unknown>;

function leaseWrites(server: KubeApiTestServer, name: string): WriteLogEntry[] {
  return server.writeLog().filter((w) => w.resource === 'leases' && w.name === name);
}

describe('hand-over over HTTP, CoordinatedLeaderElection gate on', () => {
  const server = new KubeApiTestServer({ coordinatedLeaderElection: true, bookmarkInterval: 0 });
  before(() => server.start());
  after(() => server.stop());

  for (const watch of [true, false]) {
    it(`a preferredHolder patched onto the Lease hands it to that replica (watch: ${watch})`, async () => {
      const name = `patched-${watch ? 'watch' : 'poll'}`;
      const replicas = cluster(server, name, watch);
      const [a, b, c] = replicas as [Replica, Replica, Replica];
      const seen = monitor(replicas);
      try {
        await electFirst(replicas);
        const api = server.kubeConfig('admin').makeApiClient(CoordinationV1Api);
        const patchedAt = performance.now();
        // kubectl patch lease … --type merge -p '{"spec":{"strategy":…,"preferredHolder":…}}'
        await api.patchNamespacedLease(
          {
            name,
            namespace: NS,
            body: { spec: { strategy: 'OldestEmulationVersion', preferredHolder: b.identity } },
          },
          MERGE_PATCH,
        );
        await within(b.elector.whenLeader(), 3_000, 'b to lead');
        const tookMs = performance.now() - patchedAt;
        assert.ok(
          tookMs < (watch ? 1_000 : 2_500),
          `b led ${Math.round(tookMs)} ms after the patch`,
        );
        assert.equal(a.elector.isLeader(), false);

        const writes = leaseWrites(server, name);
        const release = writes.find((w) => w.token === a.token && specOf(w).holderIdentity === '');
        assert.ok(release, 'a released the lease');
        assert.equal(
          specOf(release).preferredHolder,
          b.identity,
          'the release keeps the preference',
        );
        assert.equal(specOf(release).strategy, 'OldestEmulationVersion');
        assert.equal(specOf(release).leaseDurationSeconds, 3, "b's head start: one lease duration");
        const takeover = writes.find((w) => w.token === b.token);
        assert.equal(specOf(takeover).holderIdentity, b.identity);
        assert.equal(specOf(takeover).preferredHolder, undefined, 'served: cleared');
        assert.equal(specOf(takeover).strategy, 'OldestEmulationVersion', 'strategy kept');
        assert.ok((b.started[0] ?? 0) >= (a.ended[0] ?? Infinity), 'b started after a ended');

        await sleep(1_500);
        assert.ok(b.elector.isLeader(), 'b keeps leading');
        assert.deepEqual(c.started, [], 'c never led');
        const lease = server.getObject('leases', NS, name);
        assert.equal(
          (lease?.['spec'] as V1LeaseSpec | undefined)?.strategy,
          'OldestEmulationVersion',
        );
      } finally {
        await Promise.all(replicas.map((r) => r.elector.stop()));
      }
      assert.deepEqual(seen.stop(), [], 'never two leaders');
    });
  }

  it('handOver(identity): the named replica takes over at once; the others leave it alone', async () => {
    const name = 'handover-named';
    const replicas = cluster(server, name);
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const seen = monitor(replicas);
    try {
      await electFirst(replicas);
      const calledAt = performance.now();
      const handing = a.elector.handOver(c.identity);
      assert.equal(a.elector.isLeader(), false, 'not leading from the call on');
      assert.equal(await within(handing, 3_000, 'handOver'), true);
      await within(c.elector.whenLeader(), 2_000, 'c to lead');
      assert.ok(performance.now() - calledAt < 1_000, 'c led within a second');

      const release = leaseWrites(server, name).find(
        (w) => w.token === a.token && specOf(w).holderIdentity === '',
      );
      assert.equal(specOf(release).preferredHolder, c.identity);
      assert.equal(specOf(release).strategy, HAND_OVER_STRATEGY);
      const lease = server.getObject('leases', NS, name);
      const spec = (lease?.['spec'] ?? {}) as V1LeaseSpec;
      assert.equal(spec.holderIdentity, c.identity);
      assert.equal(spec.preferredHolder, undefined);
      assert.equal(spec.strategy, undefined, 'the hand-over marker left with the preference');
      assert.deepEqual(
        a.logger.at('debug').filter((l) => l.includes('dropped')),
        [],
        'the server kept preferredHolder',
      );

      await sleep(1_500);
      assert.ok(c.elector.isLeader());
      assert.deepEqual(b.started, [], 'b never led');
      assert.equal(a.started.length, 1, 'a did not take it back');
    } finally {
      await Promise.all(replicas.map((r) => r.elector.stop()));
    }
    assert.deepEqual(seen.stop(), [], 'never two leaders');
  });
});

describe('hand-over over HTTP, CoordinatedLeaderElection gate off (the default)', () => {
  const server = new KubeApiTestServer({ bookmarkInterval: 0 });
  before(() => server.start());
  after(() => server.stop());

  it('handOver(identity) degrades to an ordinary release: logged at debug, another replica leads', async () => {
    const name = 'handover-gate-off';
    const replicas = cluster(server, name);
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const seen = monitor(replicas);
    try {
      await electFirst(replicas);
      assert.equal(await within(a.elector.handOver(b.identity), 3_000, 'handOver'), true);
      const next = await within(
        Promise.any([b.elector.whenLeader().then(() => b), c.elector.whenLeader().then(() => c)]),
        2_000,
        'b or c to lead',
      );
      const release = leaseWrites(server, name).find(
        (w) => w.token === a.token && specOf(w).holderIdentity === '',
      );
      assert.ok(release);
      assert.equal(
        specOf(release).preferredHolder,
        undefined,
        'the server dropped preferredHolder',
      );
      assert.equal(specOf(release).strategy, undefined, 'and strategy');
      assert.deepEqual(
        a.logger.at('debug').filter((l) => l.includes('dropped')),
        [messages.logPreferredHolderDropped(`${NS}/${name}`, b.identity)],
      );
      await sleep(1_500);
      assert.ok(next.elector.isLeader(), `${next.id} keeps leading`);
      assert.equal(a.started.length, 1, 'a did not take it back');
    } finally {
      await Promise.all(replicas.map((r) => r.elector.stop()));
    }
    assert.deepEqual(seen.stop(), [], 'never two leaders');
  });
});
