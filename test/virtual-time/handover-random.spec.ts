/*
 * Hand-overs mixed with API faults, clock drift and restarts, seeded (replay a failure with its
 * seed): handOver() with and without a target, and preferredHolder written on the lease by
 * someone else, must never give two leaders, and a leader must exist again once faults heal.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
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

const SEEDS = Number(process.env['HANDOVER_FAULT_SEEDS'] ?? 40);
const handOvers: number[] = [];

describe('hand-overs under random faults in virtual time (seeded)', () => {
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
          watch: random() < 0.7,
        },
        store: {
          latency: Math.floor(random() * 60),
          responseLatency: Math.floor(random() * 60),
          watchLatency: Math.floor(random() * 60),
        },
        monitorEvery: 3,
        // Clock rates within ±10 %: a ratio of at most 1.22, below leaseDuration / renewDeadline.
        rates: [0, 1, 2].map(() => 0.9 + random() * 0.2),
      });
      cluster.startAll();
      const log: string[] = [];
      let handed = 0;
      for (let step = 0; step < 40; step++) {
        await cluster.clock.advance(100 + Math.floor(random() * 1_200));
        const member = pick(cluster.members);
        const other = pick(cluster.members.filter((m) => m !== member));
        const action = Math.floor(random() * 10);
        const at = cluster.clock.now();
        switch (action) {
          case 0:
          case 1:
          case 2: {
            // Whoever leads hands over (to a named member, or to anyone).
            const leader = cluster.leader();
            if (leader) {
              const target =
                random() < 0.7 ? pick(cluster.members.filter((m) => m !== leader)) : undefined;
              void leader.elector.handOver(target?.id).then((ok) => {
                if (ok) handed++;
              });
            }
            break;
          }
          case 3: {
            // kubectl / a CLE controller names a preferred holder on the live lease.
            const current = cluster.store.read('lease') as LeaderElectionRecord | undefined;
            if (current) {
              cluster.store.write('lease', {
                ...current,
                strategy: current.strategy ?? 'OldestEmulationVersion',
                preferredHolder: other.id,
              });
            }
            break;
          }
          case 4:
            cluster.store.fault(
              { kind: 'hang' },
              { match: { identity: member.id }, times: 1 + Math.floor(random() * 4) },
            );
            break;
          case 5:
            cluster.store.fault(
              { kind: 'drop-response' },
              { match: { identity: member.id, verb: 'update' }, times: 1 },
            );
            break;
          case 6:
            cluster.store.fault(
              { kind: 'error', reason: pick(['Unavailable', 'Conflict'] as const) },
              { match: { identity: member.id }, times: 1 + Math.floor(random() * 3) },
            );
            break;
          case 7:
            cluster.store.closeWatches(random() < 0.5 ? new Error('reset') : undefined);
            break;
          case 8:
            if (member.elector.status() === 'running') {
              void member.elector.stop({ release: random() < 0.5 });
            }
            break;
          default:
            if (member.elector.status() === 'stopped') member.elector.start();
        }
        log.push(`${at}:${action}:${member.id}`);
      }
      cluster.store.clearFaults();
      await cluster.clock.advance(2_000);
      for (const m of cluster.members) if (m.elector.status() === 'stopped') m.elector.start();
      // Liveness: a reserved lease waits one lease duration (3 s) for a preferred holder that
      // may have been stopped, then leaseDuration + 2 jittered polls, request timeouts (1 s)
      // and latencies, as in random-faults.spec.ts.
      await cluster.waitForLeader(3_000 + 3_000 + 2 * 1_100 + 2_000 + 1_000);
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
      assert.deepEqual(cluster.overlaps, [], `seed ${seed}: sampled overlap; ${log.join(' ')}`);
      await cluster.stopAll();
      assert.equal(cluster.clock.countTimers(), 0, `seed ${seed}: timers left`);
      assert.equal(cluster.store.watchCount(), 0);
      for (const m of cluster.members) {
        assert.equal(m.started.length, m.stopped.length, `seed ${seed}: ${m.id} one stop per term`);
      }
      handOvers.push(handed);
    });
  }

  it('the seeds really handed over', () => {
    assert.equal(handOvers.length, SEEDS);
    const total = handOvers.reduce((sum, n) => sum + n, 0);
    assert.ok(total >= SEEDS * 2, `successful hand-overs per seed: ${handOvers.join(',')}`);
  });
});
