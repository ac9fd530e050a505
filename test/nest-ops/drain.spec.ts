/*
 * Drain before release, with real Nest applications against KubeApiTestServer over real HTTP:
 * on app.close() and on stop({ release: true }) the leader aborts the leadership signal, waits
 * (up to drainTimeout) for running async @OnLeader invocations, and only then writes the
 * release. The API server's write log and the jobs share this process's performance.now().
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LeaderElectionModuleOptions } from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import type { WriteLogEntry } from '../../lib/testing/kube-api-test-server.types.js';
import {
  DRAIN_SETTLED,
  DRAIN_TIMED_OUT,
  DRAIN_WAITING,
} from '../../lib/leader-election.messages.js';
import { bootOpsApp, CaptureLogger, waitFor, type OpsApp } from './fixtures/ops-app.js';

// Short, but with room for a loaded machine (other suites run in parallel).
const TIMING = { leaseDuration: 4000, renewDeadline: 3000, retryPeriod: 500 };

describe('drain before release (real Nest apps)', () => {
  const server = new KubeApiTestServer();
  const apps: OpsApp[] = [];

  const options = (
    name: string,
    replica: string,
    extra: Partial<LeaderElectionModuleOptions> = {},
  ): LeaderElectionModuleOptions => ({
    name,
    namespace: 'default',
    identity: `${replica}_5f0c2e9d`,
    kubeConfig: server.kubeConfig(`token-${name}-${replica}`),
    preflight: false,
    ...TIMING,
    ...extra,
  });
  const boot = async (opts: LeaderElectionModuleOptions, logger: CaptureLogger) => {
    const app = await bootOpsApp(opts, logger);
    apps.push(app);
    return app;
  };
  const leaseWrites = (name: string): WriteLogEntry[] =>
    server.writeLog().filter((w) => w.resource === 'leases' && w.name === name);
  const holderOf = (entry: WriteLogEntry) =>
    (entry.object['spec'] as Record<string, unknown> | undefined)?.['holderIdentity'];
  /** The write that released the lease: holder '' written by this replica's token. */
  const releaseWrite = (name: string, replica: string) => {
    const releases = leaseWrites(name).filter(
      (w) => w.token === `token-${name}-${replica}` && holderOf(w) === '',
    );
    assert.equal(releases.length, 1, `one release of ${name} by ${replica}`);
    return releases[0]!;
  };
  const drainLines = (logger: CaptureLogger, name: string) =>
    logger.entries.filter(
      (e) => e.message.includes('in-flight @OnLeader') && e.message.includes(`default/${name}`),
    );

  before(() => server.start());
  after(async () => {
    for (const app of apps) await app.close();
    await server.stop();
  });

  it('app.close() waits for an in-flight async @OnLeader job before releasing', async () => {
    const name = 'drain-close';
    const logger = new CaptureLogger();
    const a = await boot(options(name, 'a'), logger);
    // The default 5000 ms is capped at renewDeadline.
    assert.equal(a.election.getSettings().drainTimeout, TIMING.renewDeadline);
    await waitFor(() => a.election.isLeader(), 5000, 'a to lead');

    const job = a.jobs.slowJob(300);
    const closeStart = performance.now();
    await a.close();
    const closeEnd = performance.now();
    assert.equal(await job, 'done');

    const run = a.jobs.runs[0]!;
    assert.ok(run.endedAt !== undefined);
    const release = releaseWrite(name, 'a');
    assert.ok(
      release.at >= run.endedAt,
      `release at ${release.at.toFixed(1)} must come after the job's end at ${run.endedAt.toFixed(1)}`,
    );
    assert.ok(closeEnd >= run.endedAt, 'app.close() resolved after the job ended');
    assert.ok(run.endedAt - closeStart >= 250, 'the job really was in flight during close');
    // Leadership ended before the wait: the job saw its signal aborted and isLeader() false.
    assert.equal(run.signalAbortedAtEnd, true);
    assert.equal(run.leaderAtEnd, false);

    const lines = drainLines(logger, name);
    assert.deepEqual(
      lines.map((l) => l.level),
      ['log', 'log'],
    );
    assert.equal(lines[0]!.message, DRAIN_WAITING(1, `default/${name}`, TIMING.renewDeadline));
    const settled =
      /^1 in-flight @OnLeader invocation\(s\) settled after (\d+) ms; releasing lock "default\/drain-close"\.$/.exec(
        lines[1]!.message,
      );
    assert.ok(settled, lines[1]!.message);
    const waited = Number(settled[1]);
    assert.ok(waited >= 200 && waited < TIMING.renewDeadline, `waited ${waited} ms`);
    assert.equal(lines[1]!.message, DRAIN_SETTLED(1, `default/${name}`, waited));
  });

  it('a job longer than drainTimeout: released at about drainTimeout, and the log says so', async () => {
    const name = 'drain-timeout';
    const logger = new CaptureLogger();
    const b = await boot(options(name, 'b', { drainTimeout: 500 }), logger);
    assert.equal(b.election.getSettings().drainTimeout, 500);
    await waitFor(() => b.election.isLeader(), 5000, 'b to lead');

    const job = b.jobs.slowJob(3000);
    const closeStart = performance.now();
    await b.close();
    const closeEnd = performance.now();
    assert.equal(await job, 'done');

    const run = b.jobs.runs[0]!;
    const release = releaseWrite(name, 'b');
    const releasedAfter = release.at - closeStart;
    assert.ok(
      releasedAfter >= 450 && releasedAfter < 2500,
      `released ${releasedAfter.toFixed(0)} ms after close() (drainTimeout 500)`,
    );
    assert.ok(release.at < run.endedAt!, 'released while the job was still running');
    assert.ok(closeEnd < run.endedAt!, 'app.close() did not wait for the job');

    const lines = drainLines(logger, name);
    assert.deepEqual(
      lines.map((l) => [l.level, l.message]),
      [
        ['log', DRAIN_WAITING(1, `default/${name}`, 500)],
        ['warn', DRAIN_TIMED_OUT(1, `default/${name}`, 500)],
      ],
    );
  });

  it('hand-over (stop with release): the next leader takes over only after the job settled', async () => {
    const name = 'drain-handover';
    const logger = new CaptureLogger();
    const a = await boot(options(name, 'a'), logger);
    await waitFor(() => a.election.isLeader(), 5000, 'a to lead');
    const b = await boot(options(name, 'b'), logger);
    await waitFor(() => b.election.getLeader() === a.identity, 5000, 'b to see a lead');

    const job = a.jobs.slowJob(300);
    await a.election.stop({ release: true });
    assert.equal(await job, 'done');
    await waitFor(() => b.election.isLeader(), 5000, 'b to take over');

    const run = a.jobs.runs[0]!;
    const release = releaseWrite(name, 'a');
    const takeover = leaseWrites(name).find((w) => holderOf(w) === b.identity);
    assert.ok(takeover, 'b wrote itself as holder');
    assert.ok(release.at >= run.endedAt!, 'a released after its job ended');
    assert.ok(takeover.at > release.at, 'b took over after the release');
    assert.deepEqual(
      drainLines(logger, name).map((l) => l.level),
      ['log', 'log'],
    );
    // b's own jobs run now; a's are skipped.
    assert.equal(b.jobs.syncJob(), 'sync');
    assert.equal(a.jobs.syncJob(), undefined);
  });

  it('sync calls are not waited for; a rejected async call is, and its rejection reaches the caller', async () => {
    const name = 'drain-mixed';
    const logger = new CaptureLogger();
    const c = await boot(options(name, 'c'), logger);
    await waitFor(() => c.election.isLeader(), 5000, 'c to lead');

    assert.equal(c.jobs.syncJob(), 'sync');
    assert.equal(c.jobs.syncJob(), 'sync');
    const failing = c.jobs.failingJob(200);
    const closing = c.close();
    await assert.rejects(failing, /leader job failed/);
    await closing;

    const lines = drainLines(logger, name);
    assert.equal(lines.length, 2, lines.map((l) => l.message).join('\n'));
    assert.equal(lines[0]!.message, DRAIN_WAITING(1, `default/${name}`, TIMING.renewDeadline));
    assert.match(lines[1]!.message, /^1 in-flight @OnLeader invocation\(s\) settled after \d+ ms/);
    assert.equal(c.jobs.syncRuns, 2);
    releaseWrite(name, 'c');
  });

  it('nothing in flight, or drainTimeout 0: released at once, without a drain line', async () => {
    const logger = new CaptureLogger();
    const idle = await boot(options('drain-idle', 'd'), logger);
    const zero = await boot(options('drain-zero', 'e', { drainTimeout: 0 }), logger);
    await waitFor(() => idle.election.isLeader() && zero.election.isLeader(), 5000, 'both lead');

    idle.jobs.syncJob();
    await idle.close();
    releaseWrite('drain-idle', 'd');
    assert.deepEqual(drainLines(logger, 'drain-idle'), []);

    const job = zero.jobs.slowJob(1000);
    await zero.close();
    await job;
    const release = releaseWrite('drain-zero', 'e');
    assert.ok(release.at < zero.jobs.runs[0]!.endedAt!, 'released while the job ran');
    assert.deepEqual(drainLines(logger, 'drain-zero'), []);
  });
});
