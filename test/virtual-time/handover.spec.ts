/*
 * Hand-over in virtual time: handOver(identity?) and a preferredHolder set on the lease by
 * someone else (a CLE controller, kubectl). Three electors over one MemoryLockStore; the
 * monitor samples isLeader() of every member each virtual millisecond.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sleep } from '../../lib/core/clock.js';
import { HAND_OVER_STRATEGY } from '../../lib/core/leader-elector.config.js';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import * as messages from '../../lib/core/messages.js';
import { Cluster, type Member } from './cluster.js';

// Defaults: leaseDuration 15 s, renewDeadline 10 s, retryPeriod 2 s; random() = 0.5, so an
// acquire poll waits 3200 ms. After a hand-over the old leader holds off 2000 × 2.2 = 4400 ms.
const POLL = 3200;
const HOLD_OFF = 4400;
const LEASE = 15_000;

async function finish(cluster: Cluster): Promise<void> {
  await cluster.stopAll();
  assert.deepEqual(cluster.overlaps, [], 'never two leaders at the same instant');
  assert.equal(cluster.clock.countTimers(), 0, 'no timers left after stop()');
  assert.equal(cluster.store.watchCount(), 0, 'no watch left after stop()');
}

/** Starts a first, waits until it leads, then starts the others (so `a` is the leader). */
async function withLeaderA(cluster: Cluster, limit = 100): Promise<Member> {
  const a = cluster.get('a');
  a.elector.start();
  await cluster.waitForLeader(limit);
  for (const m of cluster.members) if (m !== a) m.elector.start();
  await cluster.clock.advance(3_000);
  assert.equal(cluster.leader(), a);
  return a;
}

/** Awaits `promise` while driving the virtual clock (requests with latency need it to move). */
async function drive<T>(cluster: Cluster, promise: Promise<T>, limit = 5_000): Promise<T> {
  let done = false;
  const settled = promise.finally(() => {
    done = true;
  });
  await cluster.clock.advanceUntil(() => done, limit);
  return settled;
}

/** The writes of holder '' (releases), oldest first. */
const releases = (cluster: Cluster) =>
  cluster.store.writes().filter((w) => w.record.holderIdentity === '');

describe('hand-over in virtual time', () => {
  it("handOver('b'): a stops leading at once, b takes the lease at once, c never leads", async () => {
    const cluster = new Cluster({ monitorEvery: 1 });
    const a = await withLeaderA(cluster);
    const [b, c] = [cluster.get('b'), cluster.get('c')];
    const calledAt = cluster.clock.now();
    const handing = a.elector.handOver('b');
    assert.equal(a.elector.isLeader(), false, 'isLeader() is false synchronously');
    assert.equal(a.elector.leadershipSignal().aborted, true);
    await cluster.waitForLeader(50, a);
    assert.equal(await handing, true, 'resolves true once released');
    assert.equal(cluster.leader(), b, 'the preferred holder leads');
    assert.ok(
      cluster.clock.now() - calledAt <= 2,
      `b led ${cluster.clock.now() - calledAt} ms later`,
    );

    const [release] = releases(cluster);
    assert.ok(release);
    assert.equal(release.identity, 'a');
    assert.equal(release.record.preferredHolder, 'b');
    assert.equal(release.record.strategy, HAND_OVER_STRATEGY, 'a strategy, as validation requires');
    assert.equal(release.record.leaseDurationSeconds, 15, "the preferred holder's head start");
    const stored = cluster.store.read('lease') as LeaderElectionRecord;
    assert.equal(stored.holderIdentity, 'b');
    assert.equal(stored.leaderTransitions, 1);
    assert.equal(stored.preferredHolder, undefined, 'b took it and cleared preferredHolder');
    assert.equal(stored.strategy, undefined, 'the hand-over marker goes with it');
    assert.equal(b.started[0]?.token, 1);
    assert.ok(
      a.logger.at('log').some((l) => l.includes('Handing over the lease to "b"')),
      a.logger.at('log').join('\n'),
    );

    await cluster.clock.advance(60_000);
    assert.equal(cluster.leader(), b, 'b keeps leading');
    assert.equal(c.started.length, 0, 'c never led');
    assert.equal(a.started.length, 1, 'a did not take it back');
    assert.equal(a.elector.status(), 'running', 'a keeps competing');
    assert.equal(a.elector.getLeader(), 'b');
    assert.deepEqual(a.stopped.length, 1);
    await finish(cluster);
  });

  it('beforeRelease settles before the release, and the new leader starts only after it', async () => {
    const drains: { start: number; end: number }[] = [];
    let clockRef: Cluster['clock'] | undefined;
    const cluster = new Cluster({
      monitorEvery: 1,
      config: {
        beforeRelease: async () => {
          const clock = clockRef as Cluster['clock'];
          const start = clock.now();
          await sleep(clock, 700);
          drains.push({ start, end: clock.now() });
        },
      },
    });
    clockRef = cluster.clock;
    const a = await withLeaderA(cluster);
    const calledAt = cluster.clock.now();
    const handing = a.elector.handOver('c');
    const c = await cluster.waitForLeader(2_000, a);
    assert.equal(await handing, true);
    assert.equal(c.id, 'c');
    assert.deepEqual(drains, [{ start: calledAt, end: calledAt + 700 }]);
    assert.deepEqual(a.aborted, [calledAt], 'leader work was told to stop at once');
    const [release] = releases(cluster);
    assert.equal(release?.at, calledAt + 700, 'released only after the drain');
    assert.ok((c.started[0]?.at ?? 0) >= calledAt + 700, 'c started after the drain');
    await finish(cluster);
  });

  it("handOver('b') with b gone: nobody takes the lease before one lease duration, then one does", async () => {
    const cluster = new Cluster({ monitorEvery: 1 });
    const a = await withLeaderA(cluster);
    await cluster.get('b').elector.stop();
    const releasedAt = cluster.clock.now();
    assert.equal(await a.elector.handOver('b'), true);
    await cluster.clock.advance(LEASE);
    assert.deepEqual(cluster.leaders(), [], 'the lease waits for b for leaseDuration');
    assert.equal(cluster.store.read('lease')?.holderIdentity, '');
    assert.equal(releases(cluster).length, 1);
    assert.equal(cluster.store.writes().at(-1)?.record.holderIdentity, '', 'nothing written since');
    assert.match(
      a.logger.at('debug').join('\n'),
      /Lease is free but reserved for its preferred holder "b"/,
      'a looked after its hold-off and left the lease to b',
    );
    const next = await cluster.waitForLeader(100);
    assert.equal(cluster.clock.now(), releasedAt + LEASE + 1, 'taken 1 ms after the window');
    assert.notEqual(next.id, 'b');
    assert.equal(
      cluster.store.read('lease')?.preferredHolder,
      undefined,
      'the lapsed preference is cleared',
    );
    await finish(cluster);
  });

  it('handOver() without identity: a plain release, another candidate takes it at once, a does not take it back', async () => {
    const cluster = new Cluster({ monitorEvery: 1 });
    const a = await withLeaderA(cluster);
    assert.equal(await a.elector.handOver(), true);
    const [release] = releases(cluster);
    assert.equal(release?.record.leaseDurationSeconds, 1, "client-go's plain release");
    assert.equal(release?.record.preferredHolder, undefined);
    assert.equal(release?.record.strategy, undefined);
    const next = await cluster.waitForLeader(5, a);
    assert.notEqual(next, a);
    await cluster.clock.advance(60_000);
    assert.equal(cluster.leader(), next);
    assert.equal(a.started.length, 1, 'a did not take it back');
    assert.equal(a.elector.status(), 'running');
    await finish(cluster);
  });

  it('the old leader alone: it takes the lease back after its hold-off, not before', async () => {
    const cluster = new Cluster({ ids: ['a'], monitorEvery: 1 });
    const a = cluster.get('a');
    a.elector.start();
    await cluster.waitForLeader(100);
    await cluster.clock.advance(1_000);
    const at = cluster.clock.now();
    assert.equal(await a.elector.handOver(), true);
    await cluster.clock.advance(HOLD_OFF - 1);
    assert.equal(a.elector.isLeader(), false);
    await cluster.waitForLeader(10);
    assert.equal(
      cluster.clock.now(),
      at + HOLD_OFF,
      'first attempt exactly when the hold-off ends',
    );
    assert.deepEqual(
      a.started.map((s) => s.token),
      [0, 1],
    );
    await finish(cluster);
  });

  for (const watch of [true, false]) {
    it(`a preferredHolder written by someone else is honoured (watch: ${watch})`, async () => {
      const cluster = new Cluster({ monitorEvery: 1, config: { watch } });
      const a = await withLeaderA(cluster);
      const [b, c] = [cluster.get('b'), cluster.get('c')];
      const current = cluster.store.read('lease') as LeaderElectionRecord;
      const patchedAt = cluster.clock.now();
      // What `kubectl patch` or the CLE controller does: the holder keeps the lease for now.
      cluster.store.write('lease', {
        ...current,
        strategy: 'OldestEmulationVersion',
        preferredHolder: 'b',
      });
      await cluster.waitForLeader(watch ? 10 : 2_000 + POLL + 100, a);
      assert.equal(cluster.leader(), b);
      const endedAt = a.aborted[0] ?? Number.NaN;
      if (watch) {
        assert.equal(endedAt, patchedAt, 'the watch event ends the term at once');
      } else {
        // The next fast-path renewal gets 409; the slow path's GET shows the preferred holder.
        assert.ok(endedAt - patchedAt <= 2_000, `term ended ${endedAt - patchedAt} ms later`);
        assert.ok(a.metrics.count('conflict') >= 1, 'noticed through a 409');
      }
      const [release] = releases(cluster);
      assert.equal(release?.identity, 'a');
      assert.equal(release?.record.preferredHolder, 'b', 'the release keeps the preferred holder');
      assert.equal(release?.record.strategy, 'OldestEmulationVersion');
      assert.match(
        a.logger.at('log').join('\n'),
        /reason="the lease names "b" as its preferred holder/,
      );
      const stored = cluster.store.read('lease') as LeaderElectionRecord;
      assert.equal(stored.holderIdentity, 'b');
      assert.equal(stored.preferredHolder, undefined);
      assert.equal(
        stored.strategy,
        'OldestEmulationVersion',
        'a strategy that is not ours is kept',
      );
      await cluster.clock.advance(40_000);
      assert.equal(cluster.leader(), b);
      assert.equal(c.started.length, 0, 'c never led');
      assert.equal(
        (cluster.store.read('lease') as LeaderElectionRecord).strategy,
        'OldestEmulationVersion',
        "b's renewals keep the strategy",
      );
      await finish(cluster);
    });
  }

  it('with watch: false, a follower that polls sooner than the preferred holder still leaves the lease to it', async () => {
    // b polls every 3.2 s; c's clock runs 1.3x fast (it polls every 2.46 s of true time) and c
    // starts right after the release. With client-go's 1 s release duration as the head start,
    // c's second poll (2.46 s after the release) would come before b's (3.2 s) and win.
    const cluster = new Cluster({ monitorEvery: 1, config: { watch: false }, rates: [1, 1, 1.3] });
    const [a, b, c] = cluster.members as [Member, Member, Member];
    a.elector.start();
    await cluster.waitForLeader(100);
    b.elector.start();
    await cluster.clock.advance(POLL + 1);
    const releasedAt = cluster.clock.now();
    assert.equal(await a.elector.handOver('b'), true);
    c.elector.start();
    const next = await cluster.waitForLeader(POLL, a);
    assert.equal(next, b);
    assert.equal(cluster.clock.now(), releasedAt + POLL - 1, "at b's next poll");
    const cGets = cluster.store.requests().filter((r) => r.identity === 'c' && r.verb === 'get');
    assert.equal(cGets.length, 2, 'c looked twice meanwhile and left the lease to b');
    await cluster.clock.advance(20_000);
    assert.equal(cluster.leader(), b);
    assert.equal(c.started.length, 0);
    await finish(cluster);
  });

  it('a preferredHolder naming the leader itself is served: renewals drop it and keep leading', async () => {
    const cluster = new Cluster({ monitorEvery: 1 });
    const a = await withLeaderA(cluster);
    const current = cluster.store.read('lease') as LeaderElectionRecord;
    cluster.store.write('lease', { ...current, strategy: 'example.com/s', preferredHolder: 'a' });
    await cluster.clock.advance(10_000);
    assert.equal(cluster.leader(), a);
    assert.equal(a.started.length, 1, 'one term throughout');
    const stored = cluster.store.read('lease') as LeaderElectionRecord;
    assert.equal(stored.preferredHolder, undefined);
    assert.equal(stored.strategy, 'example.com/s');
    await finish(cluster);
  });

  it('a restarted holder (same identity) that finds another preferred holder releases to it instead of leading', async () => {
    const cluster = new Cluster({ monitorEvery: 1 });
    const [a, b, c] = cluster.members as [Member, Member, Member];
    const now = cluster.clock.wallNow();
    cluster.store.write('lease', {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: now,
      renewTime: now,
      leaderTransitions: 4,
      strategy: 'OldestEmulationVersion',
      preferredHolder: 'b',
    });
    b.elector.start();
    c.elector.start();
    await cluster.clock.advance(100);
    assert.deepEqual(cluster.leaders(), [], 'b and c see a valid lease held by a');
    a.elector.start();
    const next = await cluster.waitForLeader(100);
    assert.equal(next, b);
    assert.equal(a.started.length, 0, 'a never led');
    assert.equal(b.started[0]?.token, 5);
    assert.match(a.logger.at('log').join('\n'), /releasing it for them instead of leading/);
    await cluster.clock.advance(30_000);
    assert.equal(cluster.leader(), b);
    await finish(cluster);
  });

  it('handOver when not leading resolves false and writes nothing; bad identities reject', async () => {
    const cluster = new Cluster({ monitorEvery: 1 });
    const a = await withLeaderA(cluster);
    const b = cluster.get('b');
    const writes = cluster.store.writes().length;
    assert.equal(await b.elector.handOver('c'), false);
    assert.match(
      b.logger.at('log').join('\n'),
      /handOver\(\) ignored: this replica is not the leader/,
    );
    await assert.rejects(a.elector.handOver(''), {
      name: 'TypeError',
      message: messages.handOverIdentityInvalid(''),
    });
    await assert.rejects(
      a.elector.handOver(42 as unknown as string),
      /identity \(42\) must be a non-empty string/,
    );
    await assert.rejects(a.elector.handOver('a'), {
      name: 'TypeError',
      message: messages.handOverToSelf('a'),
    });
    assert.equal(cluster.leader(), a, 'rejected calls change nothing');
    // Only a's renewals were written meanwhile.
    assert.ok(
      cluster.store
        .writes()
        .slice(writes)
        .every((w) => w.identity === 'a'),
    );
    await finish(cluster);
    assert.equal(await a.elector.handOver('b'), false, 'a stopped elector does nothing');
  });

  it('repeated hand-overs around the ring, with API latency: never two leaders', async () => {
    const cluster = new Cluster({
      monitorEvery: 1,
      store: { latency: 30, responseLatency: 30, watchLatency: 20 },
    });
    const ids = ['a', 'b', 'c'];
    let leader = await withLeaderA(cluster, 1_000);
    for (let round = 1; round <= 6; round++) {
      const target = ids[round % 3] as string;
      assert.equal(await drive(cluster, leader.elector.handOver(target)), true);
      leader = await cluster.waitForLeader(1_000, leader);
      assert.equal(leader.id, target, `round ${round}`);
      await cluster.clock.advance(HOLD_OFF + 1_000);
    }
    await finish(cluster);
  });
});
