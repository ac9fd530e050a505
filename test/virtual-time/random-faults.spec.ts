import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healAndCheck, startSeededCluster } from '../support/seeded-faults.js';

const SEEDS = Number(process.env['ELECTOR_FAULT_SEEDS'] ?? 12);
const terms: number[] = [];

describe('random faults in virtual time (seeded; replay with the seed in the message)', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: never two leaders; a leader again once the faults heal`, async () => {
      const run = startSeededCluster(seed, { watchChance: 0.8, monitorEvery: 7 });
      const { random, pick, cluster, log } = run;
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
      // Liveness: leaseDuration + 2 jittered polls after the faults healed, plus in-flight
      // requests timing out (requestTimeout 1 s) and latencies.
      terms.push(await healAndCheck(run, 3_000 + 2 * 1_100 + 2_000 + 1_000));
    });
  }

  it('the seeds really moved leadership around', () => {
    assert.equal(terms.length, SEEDS);
    const changed = terms.filter((n) => n >= 3).length;
    assert.ok(changed >= SEEDS / 2, `terms per seed: ${terms.join(',')}`);
  });
});
