import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cluster, type Member } from './cluster.js';

/** mulberry32: a small seeded PRNG, so any failing seed replays exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each member's leadership intervals [start, end), from onStartedLeading to the signal abort. */
function intervals(member: Member, now: number): [number, number][] {
  return member.started.map((s, i) => [s.at, member.aborted[i] ?? now]);
}

const SEEDS = Number(process.env['ELECTOR_FAULT_SEEDS'] ?? 12);
const terms: number[] = [];

describe('random faults in virtual time (seeded; replay with the seed in the message)', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: never two leaders; a leader again once the faults heal`, async () => {
      const random = prng(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const cluster = new Cluster({
        config: {
          leaseDuration: 3_000,
          renewDeadline: 2_000,
          retryPeriod: 500,
          random,
          watch: random() < 0.8,
        },
        store: {
          latency: Math.floor(random() * 60),
          responseLatency: Math.floor(random() * 60),
          watchLatency: Math.floor(random() * 60),
        },
        monitorEvery: 7,
        // Clock rates within ±10 %: a ratio of at most 1.22, below leaseDuration / renewDeadline.
        rates: [0, 1, 2].map(() => 0.9 + random() * 0.2),
      });
      cluster.startAll();
      const log: string[] = [];
      for (let step = 0; step < 40; step++) {
        await cluster.clock.advance(200 + Math.floor(random() * 1_300));
        const member = pick(cluster.members);
        const action = Math.floor(random() * 7);
        const at = cluster.clock.now();
        switch (action) {
          case 0:
            cluster.store.fault(
              { kind: 'hang' },
              { match: { identity: member.id }, times: 1 + Math.floor(random() * 6) },
            );
            break;
          case 1:
            cluster.store.fault(
              { kind: 'drop-response' },
              { match: { identity: member.id, verb: 'update' }, times: 1 },
            );
            break;
          case 2:
            cluster.store.fault(
              { kind: 'error', reason: pick(['Unavailable', 'Conflict', 'Forbidden'] as const) },
              { match: { identity: member.id }, times: 1 + Math.floor(random() * 3) },
            );
            break;
          case 3:
            cluster.store.closeWatches(random() < 0.5 ? new Error('reset') : undefined);
            break;
          case 4:
            if (member.elector.status() === 'running') {
              void member.elector.stop({ release: random() < 0.5 });
            }
            break;
          case 5:
            if (member.elector.status() === 'stopped') member.elector.start();
            break;
          default:
            cluster.store.fault(
              { kind: 'latency', ms: Math.floor(random() * 3_000) },
              { match: { identity: member.id }, times: 1 },
            );
        }
        log.push(`${at}:${action}:${member.id}`);
      }
      cluster.store.clearFaults();
      await cluster.clock.advance(2_000);
      for (const m of cluster.members) if (m.elector.status() === 'stopped') m.elector.start();
      // Liveness: leaseDuration + 2 jittered polls after the faults healed, plus in-flight
      // requests timing out (requestTimeout 1 s) and latencies.
      await cluster.waitForLeader(3_000 + 2 * 1_100 + 2_000 + 1_000);
      const now = cluster.clock.now();
      const all = cluster.members.flatMap((m) => intervals(m, now).map((iv) => ({ id: m.id, iv })));
      for (const x of all) {
        for (const y of all) {
          if (x === y) continue;
          assert.ok(
            !(x.iv[0] < y.iv[1] && y.iv[0] < x.iv[1]),
            `seed ${seed}: ${x.id} [${x.iv}] overlaps ${y.id} [${y.iv}]; actions ${log.join(' ')}`,
          );
        }
      }
      assert.deepEqual(
        cluster.overlaps,
        [],
        `seed ${seed}: sampled overlap; actions ${log.join(' ')}`,
      );
      await cluster.stopAll();
      assert.equal(cluster.clock.countTimers(), 0, `seed ${seed}: timers left`);
      assert.equal(cluster.store.watchCount(), 0);
      for (const m of cluster.members) {
        assert.equal(m.started.length, m.stopped.length, `seed ${seed}: ${m.id} one stop per term`);
      }
      terms.push(all.length);
    });
  }

  it('the seeds really moved leadership around', () => {
    assert.equal(terms.length, SEEDS);
    const changed = terms.filter((n) => n >= 3).length;
    assert.ok(changed >= SEEDS / 2, `terms per seed: ${terms.join(',')}`);
  });
});
