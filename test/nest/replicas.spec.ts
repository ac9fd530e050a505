import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  NOT_LEADER_MESSAGE,
  type LeaderElectionModuleOptions,
  type LeadershipState,
} from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { failedToRenewLeadership } from '../../lib/core/messages.js';
import { httpGet } from './fixtures/http-client.js';
import { bootReplica, sleep, waitFor, type Replica } from './fixtures/election-app.js';

/*
 * Three real Nest applications in one process, each with LeaderElectionModule.forRoot() against
 * one KubeApiTestServer over real HTTP (its own token and identity), short timings.
 */
const LEASE = 'nest-replicas';
// Short, but with room for a loaded machine: a renewal may take a while when tests run in parallel.
const TIMING = { leaseDuration: 4000, renewDeadline: 3000, retryPeriod: 500, healthTolerance: 500 };

describe('three replicas against one API server', () => {
  const server = new KubeApiTestServer();
  const replicas: Replica[] = [];
  const closed = new Set<Replica>();
  const tokenOf = new Map<Replica, string>();

  const options = (identity: string): LeaderElectionModuleOptions => ({
    name: LEASE,
    namespace: 'default',
    identity,
    kubeConfig: server.kubeConfig(`token-${identity}`),
    ...TIMING,
  });
  const running = () => replicas.filter((r) => !closed.has(r));
  const leaders = () => running().filter((r) => r.election.isLeader());
  const leaseSpec = () =>
    (server.getObject('leases', 'default', LEASE)?.['spec'] ?? {}) as Record<string, unknown>;

  before(async () => {
    await server.start();
    for (const identity of ['replica-a', 'replica-b', 'replica-c']) {
      const replica = await bootReplica(options(identity));
      replicas.push(replica);
      tokenOf.set(replica, `token-${identity}`);
    }
  });

  after(async () => {
    server.clearFaults();
    for (const replica of running()) await replica.app.close();
    await server.stop();
  });

  it('elects exactly one leader, and only one at every sampled instant', async () => {
    await waitFor(() => leaders().length === 1, 5000, 'one leader');
    const leader = leaders()[0]!;
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(
        leaders().map((r) => r.identity),
        [leader.identity],
      );
      await sleep(20);
    }
    assert.equal(leaseSpec()['holderIdentity'], leader.identity);
    for (const replica of replicas) assert.equal(replica.election.getLeader(), leader.identity);
  });

  it('runs the @OnLeader @Interval job on the leader only and @OnFollower jobs on the followers', async () => {
    const initial = replicas.map((r) => ({
      leader: r.work.leaderRuns,
      follower: r.work.followerRuns,
    }));
    await sleep(600);
    const [leader] = leaders();
    assert.ok(leader);
    replicas.forEach((replica, i) => {
      const leaderRuns = replica.work.leaderRuns - initial[i]!.leader;
      const followerRuns = replica.work.followerRuns - initial[i]!.follower;
      if (replica === leader) {
        assert.ok(leaderRuns >= 5, `leader ran its job ${leaderRuns} times in 600 ms`);
        assert.equal(followerRuns, 0, 'the leader skips @OnFollower');
      } else {
        assert.equal(leaderRuns, 0, `${replica.identity} is a follower and skips @OnLeader`);
        assert.ok(followerRuns >= 5, `${replica.identity} ran @OnFollower ${followerRuns} times`);
      }
    });
  });

  it('fires @OnNewLeader then @OnStartedLeading on the leader, @OnNewLeader on followers', () => {
    const leader = leaders()[0]!;
    const token = leader.election.fencingToken();
    assert.equal(typeof token, 'number');
    assert.deepEqual(leader.work.events, [
      `new:${leader.identity}`,
      `started:${leader.identity}:${token}`,
    ]);
    for (const follower of replicas.filter((r) => r !== leader)) {
      assert.deepEqual(follower.work.events, [`new:${leader.identity}`]);
    }
  });

  it('LeaderGuard answers 200 on the leader and 503 with body and Retry-After on followers', async () => {
    const leader = leaders()[0]!;
    for (const replica of replicas) {
      const res = await httpGet(`${replica.url}/leader-only`);
      if (replica === leader) {
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { ok: true });
      } else {
        assert.equal(res.status, 503);
        assert.deepEqual(res.body, {
          statusCode: 503,
          message: NOT_LEADER_MESSAGE,
          leader: leader.identity,
        });
        assert.equal(res.headers['retry-after'], '1', 'ceil(retryPeriod 500 ms) = 1 s');
      }
    }
  });

  it('the terminus health endpoints return the documented JSON for leader and followers', async () => {
    const leader = leaders()[0]!;
    for (const replica of replicas) {
      const live = await httpGet(`${replica.url}/health/live`);
      assert.equal(live.status, 200);
      const body = live.body as {
        status: string;
        info: { leaderElection: Record<string, unknown> };
      };
      assert.equal(body.status, 'ok');
      const details = { ...body.info.leaderElection };
      if (replica === leader) {
        assert.equal(typeof details['lastRenewAgoMs'], 'number');
        assert.ok((details['lastRenewAgoMs'] as number) < TIMING.renewDeadline);
        delete details['lastRenewAgoMs'];
      }
      assert.deepEqual(details, {
        election: LEASE,
        leader: replica === leader,
        identity: replica.identity,
        holder: leader.identity,
        status: 'up',
      });
      assert.deepEqual(live.body, {
        status: 'ok',
        info: { leaderElection: body.info.leaderElection },
        error: {},
        details: { leaderElection: body.info.leaderElection },
      });

      const ready = await httpGet(`${replica.url}/health/ready-leader`);
      assert.equal(ready.status, replica === leader ? 200 : 503);
      const readyBody = ready.body as Record<string, Record<string, Record<string, unknown>>>;
      if (replica !== leader) {
        assert.equal(readyBody['status'] as unknown, 'error');
        assert.equal(readyBody['error']!['leader']!['status'], 'down');
        assert.equal(readyBody['error']!['leader']!['reason'], 'this replica is not the leader');
      }
    }
  });

  it('app.close() on the leader aborts leader work, releases the lease, and another replica takes over at once', async () => {
    const old = leaders()[0]!;
    const oldToken = old.election.fencingToken()!;
    const stoppedBefore = old.work.events.length;
    const states: LeadershipState[] = [];
    let completed = false;
    old.election.leadership$.subscribe({
      next: (state) => states.push(state),
      complete: () => (completed = true),
    });
    await old.app.close();
    closed.add(old);
    const closedAt = performance.now();

    assert.deepEqual(states, [
      {
        name: LEASE,
        leading: true,
        identity: old.identity,
        leader: old.identity,
        fencingToken: oldToken,
      },
      { name: LEASE, leading: false, identity: old.identity, leader: old.identity },
    ]);
    assert.equal(completed, true, 'leadership$ completes on close');
    assert.deepEqual(old.work.events.slice(stoppedBefore), [
      `stopped:${old.identity}:aborted=true`,
    ]);
    const release = server
      .writeLog()
      .find(
        (w) =>
          w.token === tokenOf.get(old) &&
          (w.object['spec'] as Record<string, unknown>)['holderIdentity'] === '',
      );
    assert.ok(release, 'the old leader wrote holderIdentity ""');
    assert.equal((release.object['spec'] as Record<string, unknown>)['leaseDurationSeconds'], 1);

    await waitFor(() => leaders().length === 1, TIMING.leaseDuration, 'a new leader');
    const takeoverMs = performance.now() - closedAt;
    assert.ok(
      takeoverMs < TIMING.leaseDuration,
      `takeover took ${takeoverMs.toFixed(0)} ms; without the release it would take a lease duration`,
    );
    const next = leaders()[0]!;
    assert.notEqual(next, old);
    const nextToken = next.election.fencingToken()!;
    assert.equal(nextToken, oldToken + 1, 'the fencing token grows with the holder change');
    assert.deepEqual(next.work.events.slice(-2), [
      `new:${next.identity}`,
      `started:${next.identity}:${nextToken}`,
    ]);
    const other = running().find((r) => r !== next)!;
    assert.equal(other.work.events.at(-1), `new:${next.identity}`);

    await waitFor(() => next.work.leaderRunTimes.length > 0, 3000, 'the new leader to run its job');
    assert.ok(
      next.work.leaderRunTimes[0]! > (old.work.leaderRunTimes.at(-1) ?? 0),
      "the new leader's job starts after the old leader's last run",
    );
  });

  it('a leader whose renewals hang stops leading on time and its liveness goes down; it recovers when the API answers again', async () => {
    const hung = leaders()[0]!;
    const other = running().find((r) => r !== hung)!;
    const fault = server.fault({ kind: 'hang' }, { match: { token: tokenOf.get(hung) } });
    // Its open watch would still show it the takeover; cut it so it sees nothing at all.
    server.closeWatches();
    const faultAt = performance.now();

    await waitFor(
      () => !hung.election.isLeader(),
      TIMING.renewDeadline + TIMING.retryPeriod + 200,
      'the hung leader to stop leading',
    );
    const guarded = await httpGet(`${hung.url}/leader-only`);
    assert.equal(guarded.status, 503);

    await waitFor(
      () => other.election.isLeader(),
      TIMING.leaseDuration + 4000,
      'the other replica to take over',
    );

    await waitFor(
      async () => (await httpGet(`${hung.url}/health/live`)).status === 503,
      TIMING.leaseDuration + TIMING.healthTolerance + 3000,
      'liveness to go down',
    );
    const downAfter = performance.now() - faultAt;
    assert.ok(downAfter >= TIMING.leaseDuration, `liveness went down after ${downAfter} ms`);
    const live = await httpGet(`${hung.url}/health/live`);
    const body = live.body as {
      status: string;
      info: object;
      error: { leaderElection: Record<string, unknown> };
      details: object;
    };
    assert.equal(body.status, 'error');
    assert.deepEqual(body.info, {});
    const down = { ...body.error.leaderElection };
    assert.equal(typeof down['lastRenewAgoMs'], 'number');
    delete down['lastRenewAgoMs'];
    assert.deepEqual(down, {
      election: LEASE,
      leader: false,
      identity: hung.identity,
      holder: hung.identity,
      reason: failedToRenewLeadership(LEASE),
      status: 'down',
    });
    assert.deepEqual(body.details, body.error);

    fault.clear();
    await waitFor(
      async () => (await httpGet(`${hung.url}/health/live`)).status === 200,
      5000,
      'liveness to recover',
    );
    assert.equal(hung.election.getLeader(), other.identity);
    assert.deepEqual(
      leaders().map((r) => r.identity),
      [other.identity],
    );
  });
});
