import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cluster, type Member } from './cluster.js';

// Defaults throughout: leaseDuration 15 s, renewDeadline 10 s, retryPeriod 2 s, requestTimeout
// 5 s; random() = 0.5, so an acquire poll waits 2000 × (1 + 0.5 × 1.2) = 3200 ms.
const POLL = 3200;

async function finish(cluster: Cluster): Promise<void> {
  await cluster.stopAll();
  assert.deepEqual(cluster.overlaps, [], 'never two leaders at the same instant');
  assert.equal(cluster.clock.countTimers(), 0, 'no timers left after stop()');
  assert.equal(cluster.store.watchCount(), 0, 'no watch left after stop()');
  for (const m of cluster.members) assert.equal(m.elector.status(), 'stopped');
}

const lastWriteBy = (cluster: Cluster, member: Member) => {
  const writes = cluster.store.writes().filter((w) => w.identity === member.id);
  const last = writes.at(-1);
  assert.ok(last, `${member.id} wrote something`);
  return last;
};

describe('election in virtual time (3 electors, one MemoryLockStore)', () => {
  it('elects one leader at once; the others observe it and report it once', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    assert.ok(cluster.clock.now() <= 2, `first leader after ${cluster.clock.now()} ms`);
    assert.deepEqual(
      leader.started.map((s) => s.token),
      [0],
      'created the lease: fencing token 0',
    );
    await cluster.clock.advance(20_000);
    for (const m of cluster.members) {
      assert.equal(m.elector.getLeader(), leader.id);
      assert.deepEqual(m.newLeaders, [leader.id]);
    }
    assert.equal(cluster.leaders().length, 1);
    assert.deepEqual(
      cluster.store.events().map((e) => e.message),
      [`${leader.id} became leader`],
    );
    await finish(cluster);
    assert.equal(leader.stopped.length, 1);
    assert.equal(cluster.store.read('lease')?.holderIdentity, '', 'released on stop');
  });

  it('the leader renews once per retryPeriod with no GET; followers send nothing while watching', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(10_000);
    cluster.store.resetRequests();
    await cluster.clock.advance(60_000);
    const updates = cluster.store.count({ identity: leader.id, verb: 'update' });
    assert.ok(updates >= 29 && updates <= 31, `${updates} renewals in 60 s`);
    assert.equal(cluster.store.count({ identity: leader.id, verb: 'get' }), 0, 'fast path: no GET');
    for (const m of cluster.members.filter((x) => x !== leader)) {
      assert.equal(cluster.store.count({ identity: m.id }), 0, `${m.id} stayed quiet`);
      assert.equal(m.elector.getLeader(), leader.id);
    }
    assert.ok(leader.metrics.latencies.length >= 29, 'renew latency reported per round');
    await finish(cluster);
  });

  for (const [label, options] of [
    ['watch: false', { config: { watch: false } }],
    ['a lock without watch()', { lockWatch: false }],
  ] as const) {
    it(`with ${label}, followers poll like client-go: one GET per jittered retryPeriod`, async () => {
      const cluster = new Cluster(options);
      cluster.startAll();
      const leader = await cluster.waitForLeader(100);
      await cluster.clock.advance(10_000);
      cluster.store.resetRequests();
      await cluster.clock.advance(60_000);
      for (const m of cluster.members.filter((x) => x !== leader)) {
        const gets = cluster.store.count({ identity: m.id, verb: 'get' });
        assert.ok(gets >= 18 && gets <= 19, `${m.id}: ${gets} GETs in 60 s (one per ${POLL} ms)`);
        assert.equal(cluster.store.count({ identity: m.id, verb: 'watch' }), 0);
        assert.equal(cluster.store.count({ identity: m.id, verb: 'update' }), 0);
      }
      await finish(cluster);
    });
  }

  it('graceful stop: a watching follower takes the released lease at once, without a GET', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(3_000);
    cluster.store.resetRequests();
    const stopping = leader.elector.stop();
    const next = await cluster.waitForLeader(100, leader);
    const elapsed = cluster.clock.now() - (leader.stopped[0] ?? Number.NaN);
    assert.ok(elapsed <= 1, `handover took ${elapsed} virtual ms`);
    await stopping;
    assert.equal(next.started[0]?.token, 1, 'transitions + 1');
    const winner = cluster.store.requests().filter((r) => r.identity === next.id);
    assert.deepEqual(
      winner.map((r) => r.verb),
      ['update'],
      'the takeover PUT used the watched version',
    );
    assert.equal(cluster.store.read('lease')?.holderIdentity, next.id);
    assert.deepEqual(
      leader.aborted,
      leader.stopped,
      'signal aborted and stopped in the same instant',
    );
    await finish(cluster);
  });

  it('graceful stop with watch: false: a follower takes over within one poll', async () => {
    const cluster = new Cluster({ config: { watch: false } });
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(3_000);
    const stoppedAt = cluster.clock.now();
    const stopping = leader.elector.stop();
    await cluster.waitForLeader(POLL + 10, leader);
    await stopping;
    assert.ok(cluster.clock.now() - stoppedAt <= POLL + 1);
    await finish(cluster);
  });

  it('crash (stop without release): takeover exactly at observedTime + leaseDuration', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(5_000);
    await leader.elector.stop({ release: false });
    assert.equal(cluster.store.read('lease')?.holderIdentity, leader.id, 'still held: no release');
    const lastWrite = lastWriteBy(cluster, leader);
    const next = await cluster.waitForLeader(20_000, leader);
    assert.equal(
      cluster.clock.now(),
      lastWrite.at + 15_000 + 1,
      'the takeover timer fires 1 ms after the local expiry',
    );
    assert.equal(next.started[0]?.token, 1);
    await finish(cluster);
  });

  for (const [label, options] of [
    ['watch: false', { config: { watch: false } }],
    ['a lock without watch()', { lockWatch: false }],
  ] as const) {
    it(`crash with ${label}: takeover by polling, within leaseDuration + 2 polls of the last renewal`, async () => {
      const cluster = new Cluster(options);
      cluster.startAll();
      const leader = await cluster.waitForLeader(100);
      await cluster.clock.advance(5_000);
      await leader.elector.stop({ release: false });
      const lastWrite = lastWriteBy(cluster, leader);
      await cluster.waitForLeader(30_000, leader);
      const after = cluster.clock.now() - lastWrite.at;
      assert.ok(
        after > 15_000 && after <= 15_000 + 2 * POLL,
        `takeover ${after} ms after the last renewal`,
      );
      assert.notEqual(after, 15_001, 'no exact-expiry timer without a watch');
      await finish(cluster);
    });
  }

  it('a hanging API: the leader steps down exactly at its last renewal start + renewDeadline', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(4_500);
    cluster.store.fault({ kind: 'hang' }, { match: { identity: leader.id } });
    const lastRenewal = lastWriteBy(cluster, leader).at;
    assert.equal(leader.elector.lastRenewAt(), lastRenewal);
    await cluster.clock.advance(lastRenewal + 9_999 - cluster.clock.now());
    assert.equal(leader.elector.isLeader(), true, '1 ms before the deadline');
    await cluster.clock.advance(1);
    assert.equal(leader.elector.isLeader(), false, 'at the deadline');
    assert.deepEqual(leader.aborted, [lastRenewal + 10_000]);
    assert.deepEqual(leader.stopped, [lastRenewal + 10_000]);
    assert.ok(leader.metrics.gauge === 0, 'gauge off');
    const next = await cluster.waitForLeader(10_000, leader);
    assert.equal(cluster.clock.now(), lastRenewal + 15_001, 'followers wait the full lease');
    assert.equal(next.started[0]?.token, 1);
    assert.ok(leader.elector.lastError(), 'the hang shows as lastError (timeout)');
    cluster.store.clearFaults();
    await finish(cluster);
  });

  it('a leader that lost its lease keeps competing and leads again later', async () => {
    const cluster = new Cluster({ ids: ['a', 'b'] });
    cluster.get('b').elector.start();
    await cluster.waitForLeader(100);
    cluster.get('a').elector.start();
    await cluster.clock.advance(3_000);
    const b = cluster.get('b');
    const a = cluster.get('a');
    cluster.store.fault({ kind: 'hang' }, { match: { identity: 'b' } });
    await cluster.waitForLeader(30_000, b);
    cluster.store.clearFaults();
    // b's hung requests time out; it follows a again, watching.
    await cluster.clock.advance(20_000);
    assert.equal(b.elector.getLeader(), 'a');
    assert.equal(b.elector.status(), 'running');
    const stopping = a.elector.stop();
    await cluster.waitForLeader(100, a);
    await stopping;
    assert.deepEqual(
      b.started.map((s) => s.token),
      [0, 2],
    );
    assert.equal(b.stopped.length, 1);
    await finish(cluster);
  });

  for (const watch of [false, true]) {
    it(`a response lost after the write applied (self-conflict) does not end the term (watch: ${watch})`, async () => {
      const cluster = new Cluster({ config: { watch } });
      cluster.startAll();
      const leader = await cluster.waitForLeader(100);
      await cluster.clock.advance(4_500);
      cluster.store.fault(
        { kind: 'drop-response' },
        { match: { identity: leader.id, verb: 'update' }, times: 1 },
      );
      cluster.store.fault(
        { kind: 'error', reason: 'Unavailable' },
        { match: { identity: leader.id, verb: 'get' }, times: 1 },
      );
      await cluster.clock.advance(20_000);
      assert.equal(leader.elector.isLeader(), true);
      assert.equal(leader.started.length, 1, 'one term throughout');
      assert.equal(leader.stopped.length, 0);
      assert.equal(leader.elector.fencingToken(), 0);
      if (watch) {
        // The watch delivered our own applied write: the lock's cached version is current, so
        // the next fast-path PUT succeeds without any 409.
        assert.equal(leader.metrics.count('conflict'), 0);
      } else {
        // client-go's path: fast-path 409 → GET shows us → renew through the slow path.
        assert.equal(leader.metrics.count('conflict'), 1, 'the 409 was counted');
        assert.equal(leader.metrics.count('slowpath'), 1, 'recovered through the slow path');
      }
      const errors = leader.logger.at('error');
      assert.ok(
        errors.every((line) => !/Conflict|modified/.test(line)),
        `the self-conflict is not logged as an error: ${errors.join(' | ')}`,
      );
      assert.equal(leader.elector.lastError(), undefined, 'cleared by the successful renewals');
      await finish(cluster);
    });
  }

  it('a renewal whose answer was lost, re-sent as a no-op by the slow path, then a partition: no overlap under 1 % drift', async () => {
    // sim-findings #1: the leader's clock runs 0.5 % slow, the follower's 0.5 % fast.
    const cluster = new Cluster({ ids: ['a', 'b'], rates: [0.995, 1.005], monitorEvery: 1 });
    const a = cluster.get('a');
    a.elector.start();
    await cluster.waitForLeader(100);
    cluster.get('b').elector.start();
    await cluster.clock.advance(4_500);
    cluster.store.fault(
      { kind: 'drop-response' },
      { match: { identity: 'a', verb: 'update' }, times: 1 },
    );
    // The next renewal is applied but unanswered; 5 s later the slow path re-sends it (a no-op).
    await cluster.clock.advanceUntil(() => a.metrics.count('slowpath') === 1, 10_000);
    const writes = cluster.store.writes().filter((w) => w.identity === 'a').length;
    // Partition a: its requests hang and its watch goes silent (it would otherwise see b's
    // takeover at once and step down, hiding the bug).
    cluster.store.fault({ kind: 'hang' }, { match: { identity: 'a' } });
    cluster.store.closeWatches(new Error('partition'));
    await cluster.waitForLeader(20_000, a);
    assert.equal(
      cluster.store.writes().filter((w) => w.identity === 'a').length,
      writes,
      'the slow-path write changed nothing on the server',
    );
    const b = cluster.get('b');
    const aEnd = a.aborted[0] ?? Number.POSITIVE_INFINITY;
    const bStart = b.started[0]?.at ?? Number.NaN;
    assert.ok(aEnd <= bStart, `a led until ${aEnd}, b from ${bStart}`);
    cluster.store.clearFaults();
    await finish(cluster);
  });

  it('a foreign holder seen on the watch ends the term at once', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(3_000);
    const record = cluster.store.read('lease');
    assert.ok(record);
    const at = cluster.clock.now();
    cluster.store.write('lease', {
      ...record,
      holderIdentity: 'intruder',
      leaderTransitions: record.leaderTransitions + 1,
    });
    await cluster.clock.advance(1);
    assert.equal(leader.elector.isLeader(), false);
    assert.deepEqual(leader.aborted, [at]);
    for (const m of cluster.members) assert.equal(m.elector.getLeader(), 'intruder');
    await finish(cluster);
  });

  it('the lock object deleted: the leader steps down, one candidate re-creates it', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(3_000);
    cluster.store.delete('lease');
    await cluster.clock.advance(1);
    assert.equal(leader.stopped.length, 1, 'the term ended with the object');
    await cluster.waitForLeader(POLL * 2);
    assert.equal(cluster.store.read('lease')?.leaderTransitions, 0, 're-created');
    await cluster.clock.advance(5_000);
    assert.equal(cluster.leaders().length, 1);
    await finish(cluster);
  });

  it('a broken watch: followers poll and re-watch with backoff, then go quiet again', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(5_000);
    const followers = cluster.members.filter((m) => m !== leader);
    const watchFault = cluster.store.fault(
      { kind: 'error', reason: 'Unavailable' },
      { match: { verb: 'watch' } },
    );
    cluster.store.resetRequests();
    cluster.store.closeWatches(new Error('connection reset'));
    await cluster.clock.advance(20_000);
    for (const m of followers) {
      const gets = cluster.store.count({ identity: m.id, verb: 'get' });
      assert.ok(gets >= 5 && gets <= 7, `${m.id} polled ${gets} times in 20 s`);
      const watches = cluster.store.count({ identity: m.id, verb: 'watch' });
      // 550, 1100, 2200, 4400, 8800 ms: 5 re-watches in 20 s (backoff doubles).
      assert.ok(watches >= 4 && watches <= 6, `${m.id} re-watched ${watches} times`);
      assert.equal(m.elector.getLeader(), leader.id);
    }
    watchFault.clear();
    await cluster.clock.advance(40_000);
    assert.ok(cluster.store.watchCount() >= 3, 'everyone watches again');
    cluster.store.resetRequests();
    await cluster.clock.advance(60_000);
    for (const m of followers) {
      assert.equal(cluster.store.count({ identity: m.id }), 0, `${m.id} is quiet again`);
    }
    assert.equal(cluster.leaders().length, 1);
    await finish(cluster);
  });

  it('a watch closed normally by the server is reopened at once, with no polling', async () => {
    const cluster = new Cluster();
    cluster.startAll();
    const leader = await cluster.waitForLeader(100);
    await cluster.clock.advance(5_000);
    cluster.store.resetRequests();
    for (let i = 0; i < 5; i++) {
      cluster.store.closeWatches();
      await cluster.clock.advance(10_000);
    }
    for (const m of cluster.members.filter((x) => x !== leader)) {
      assert.equal(cluster.store.count({ identity: m.id, verb: 'get' }), 0);
      assert.equal(cluster.store.count({ identity: m.id, verb: 'watch' }), 5);
    }
    await finish(cluster);
  });

  it('with API latency, handovers and crashes never produce two leaders', async () => {
    const cluster = new Cluster({
      store: { latency: 40, responseLatency: 40, watchLatency: 25 },
      monitorEvery: 1,
    });
    cluster.startAll();
    let leader = await cluster.waitForLeader(1_000);
    for (let round = 0; round < 3; round++) {
      await cluster.clock.advance(7_000);
      const stopping = leader.elector.stop({ release: round % 2 === 0 });
      const next = await cluster.waitForLeader(25_000, leader);
      await stopping;
      leader.elector.start();
      leader = next;
    }
    await finish(cluster);
  });
});
