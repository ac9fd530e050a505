// oxlint-disable-next-line import/no-unassigned-import -- decorator metadata before any Nest class
import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LeaderElectionService } from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { AppModule } from '../../sample/src/app.module.js';
import { LeaderJobsService } from '../../sample/src/leader-jobs.service.js';
import { SampleConfig, type ReadinessMode } from '../../sample/src/sample.config.js';

/** Two real sample apps over real HTTP, electing through KubeApiTestServer. */

interface Replica {
  app: INestApplication;
  election: LeaderElectionService;
  jobs: LeaderJobsService;
  url: string;
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false) {
  const started = performance.now();
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function get(replica: Replica, path: string) {
  const res = await fetch(`${replica.url}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

describe('the sample app', { timeout: 60_000 }, () => {
  const server = new KubeApiTestServer();
  const open: INestApplication[] = [];
  let a: Replica;
  let b: Replica;
  let firstTerm: number | undefined;

  async function boot(token: string, readiness: ReadinessMode): Promise<Replica> {
    const config = new SampleConfig();
    config.namespace = 'sample-app';
    config.leaseDuration = 2000;
    config.renewDeadline = 1500;
    config.retryPeriod = 300;
    config.jobWorkMs = 20;
    config.readiness = readiness;
    config.kubeConfig = server.kubeConfig(token, { namespace: 'sample-app' });
    const app = await NestFactory.create(AppModule.forRoot(config), {
      logger: false,
      abortOnError: false,
    });
    open.push(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return {
      app,
      election: app.get(LeaderElectionService),
      jobs: app.get(LeaderJobsService),
      url: `http://127.0.0.1:${port}`,
    };
  }

  before(async () => {
    await server.start();
    a = await boot('replica-a', 'all');
    await until('replica-a to lead', 5000, () => a.election.isLeader());
    b = await boot('replica-b', 'leader');
  });

  after(async () => {
    for (const app of open.splice(0)) await app.close().catch(() => undefined);
    await server.stop();
  });

  it('GET /leader tells each replica who leads', async () => {
    const leader = await get(a, '/leader');
    assert.equal(leader.status, 200);
    assert.deepEqual(Object.keys(leader.body as object).sort(), [
      'fencingToken',
      'identity',
      'isLeader',
      'leader',
    ]);
    assert.deepEqual(leader.body, {
      identity: a.election.identity,
      leader: a.election.identity,
      isLeader: true,
      fencingToken: a.election.fencingToken(),
    });
    firstTerm = (leader.body as { fencingToken: number }).fencingToken;
    assert.equal(typeof firstTerm, 'number');

    await until(
      'replica-b to see replica-a',
      5000,
      () => b.election.getLeader() === a.election.identity,
    );
    const follower = await get(b, '/leader');
    assert.deepEqual(follower.body, {
      identity: b.election.identity,
      leader: a.election.identity,
      isLeader: false,
      fencingToken: null,
    });
  });

  it('runs the @OnLeader cron job on the leader only', async () => {
    await until('two leader job runs', 5000, () => a.jobs.stats().runs >= 2);
    assert.equal(b.jobs.stats().runs, 0);

    const stats = await get(a, '/jobs/stats');
    assert.equal(stats.status, 200);
    assert.equal((stats.body as { identity: string }).identity, a.election.identity);

    // @LeaderOnly(): the follower answers 503 with the leader's identity and a Retry-After.
    const refused = await get(b, '/jobs/stats');
    assert.equal(refused.status, 503);
    assert.deepEqual(refused.body, {
      statusCode: 503,
      message: 'This replica is not the leader',
      leader: a.election.identity,
    });
    assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
  });

  it('reports liveness on every replica and readiness as configured', async () => {
    for (const replica of [a, b]) {
      const live = await get(replica, '/health/live');
      assert.equal(live.status, 200);
      assert.equal((live.body as { status: string }).status, 'ok');
    }
    assert.equal((await get(a, '/health/ready')).status, 200, 'READINESS=all: ready');
    assert.equal((await get(b, '/health/ready')).status, 503, 'READINESS=leader on a follower');
  });

  it('hands over on shutdown: the follower leads, runs the job and becomes ready', async () => {
    await a.app.close();
    open.splice(open.indexOf(a.app), 1);
    await until('replica-b to lead', 5000, () => b.election.isLeader());
    await until('a leader job run on replica-b', 5000, () => b.jobs.stats().runs >= 1);
    assert.equal((await get(b, '/health/ready')).status, 200);
    const status = await get(b, '/leader');
    assert.equal((status.body as { isLeader: boolean }).isLeader, true);
    const token = (status.body as { fencingToken: number | null }).fencingToken;
    assert.ok(
      token !== null && firstTerm !== undefined && token > firstTerm,
      'higher fencing token',
    );
  });
});
