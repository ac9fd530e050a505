/*
 * Hand-overs mixed with API faults, clock drift and restarts, seeded (replay a failure with its
 * seed): handOver() with and without a target, and preferredHolder written on the lease by
 * someone else, must never give two leaders, and a leader must exist again once faults heal.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import { healAndCheck, startSeededCluster } from '../support/seeded-faults.js';

const SEEDS = Number(process.env['HANDOVER_FAULT_SEEDS'] ?? 40);
const handOvers: number[] = [];

describe('hand-overs under random faults in virtual time (seeded)', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: never two leaders; a leader again once the faults heal`, async () => {
      const run = startSeededCluster(seed, { watchChance: 0.7, monitorEvery: 3 });
      const { random, pick, cluster, log } = run;
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
      // Liveness: a reserved lease waits one lease duration (3 s) for a preferred holder that
      // may have been stopped, then leaseDuration + 2 jittered polls, request timeouts (1 s)
      // and latencies, as in random-faults.spec.ts.
      await healAndCheck(run, 3_000 + 3_000 + 2 * 1_100 + 2_000 + 1_000);
      handOvers.push(handed);
    });
  }

  it('the seeds really handed over', () => {
    assert.equal(handOvers.length, SEEDS);
    const total = handOvers.reduce((sum, n) => sum + n, 0);
    assert.ok(total >= SEEDS * 2, `successful hand-overs per seed: ${handOvers.join(',')}`);
  });
});
