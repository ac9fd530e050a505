import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { createLock } from '../../../lib/core/locks/lock-factory.js';
import { LOCK_TYPES } from '../../../lib/core/locks/lock-factory.types.js';
import { KubeApiTestServer } from '../../../lib/testing/kube-api-test-server.js';

const NS = 'election-it';
const server = new KubeApiTestServer({ bookmarkInterval: 0 });
before(() => server.start());
after(() => server.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Samples `isLeader()` of every elector every few ms for `ms`; fails on any instant with two
 * leaders. Returns how many samples had exactly one leader.
 */
async function watchLeaders(electors: LeaderElector[], ms: number): Promise<number> {
  const end = performance.now() + ms;
  let withOne = 0;
  while (performance.now() < end) {
    const leaders = electors.filter((e) => e.isLeader()).map((e) => e.identity);
    assert.ok(leaders.length <= 1, `two leaders at once: ${leaders.join(', ')}`);
    if (leaders.length === 1) withOne++;
    await sleep(5);
  }
  return withOne;
}

for (const type of LOCK_TYPES) {
  describe(`three electors over the ${type} lock`, () => {
    it('elect exactly one leader, hand over on release and re-elect after the leader leaves', async () => {
      const name = `jobs-${type}`;
      const started: string[] = [];
      const electors = ['a', 'b', 'c'].map(
        (id) =>
          new LeaderElector({
            lock: createLock({
              type,
              name,
              namespace: NS,
              identity: `replica-${id}`,
              kubeConfig: server.kubeConfig(`token-${id}`),
            }),
            leaseDuration: 1500,
            renewDeadline: 1000,
            retryPeriod: 300,
            callbacks: { onStartedLeading: ({ identity }) => void started.push(identity) },
          }),
      );
      try {
        for (const e of electors) e.start();
        await Promise.race([
          Promise.any(electors.map((e) => e.whenLeader())),
          sleep(3000).then(() => assert.fail('no leader within 3 s')),
        ]);
        assert.ok((await watchLeaders(electors, 1500)) > 0);
        const leaders = electors.filter((e) => e.isLeader());
        assert.equal(leaders.length, 1);
        const first = leaders[0]!;
        for (const e of electors) assert.equal(e.getLeader(), first.identity);

        // Graceful stop with release: one of the other two takes over.
        const rest = electors.filter((e) => e !== first);
        const stopping = first.stop({ release: true });
        await watchLeaders(electors, 50);
        await stopping;
        await Promise.race([
          Promise.any(rest.map((e) => e.whenLeader())),
          sleep(4000).then(() => assert.fail('no takeover within 4 s')),
        ]);
        assert.ok((await watchLeaders(rest, 1000)) > 0);
        assert.equal(rest.filter((e) => e.isLeader()).length, 1);
        assert.equal(started.length, 2, `two terms started: ${started.join(', ')}`);
        assert.notEqual(started[1], first.identity);
      } finally {
        await Promise.all(electors.map((e) => e.stop({ release: true })));
      }
      assert.equal(electors.filter((e) => e.isLeader()).length, 0);
    });
  });
}
