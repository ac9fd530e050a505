/*
 * LeaderElectionService.handOver() with three real Nest applications against KubeApiTestServer
 * over real HTTP. Each app runs an @OnLeader() @Interval(100) job that takes ~150 ms; the jobs
 * and the server's write log share this process's performance.now(). Done when: the new leader's
 * first job starts only after the old leader's last job ended (drain, then release).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Interval, ScheduleModule } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import {
  LeaderElectionModule,
  LeaderElectionService,
  OnLeader,
  type LeaderElectionModuleOptions,
  type LeadershipState,
} from '../../../lib/index.js';
import { KubeApiTestServer } from '../../../lib/testing/index.js';
import type { WriteLogEntry } from '../../../lib/testing/kube-api-test-server.types.js';
import { CaptureLogger } from '../../nest/fixtures/capture-logger.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const JOB_MS = 150;
const TIMING = { leaseDuration: 4_000, renewDeadline: 3_000, retryPeriod: 500 };

interface JobRun {
  start: number;
  end?: number;
}

@Injectable()
class IntervalJobs {
  readonly runs: JobRun[] = [];

  @OnLeader()
  @Interval(100)
  async tick(): Promise<void> {
    const run: JobRun = { start: performance.now() };
    this.runs.push(run);
    await sleep(JOB_MS);
    run.end = performance.now();
  }
}

interface App {
  id: string;
  app: INestApplication;
  election: LeaderElectionService;
  jobs: IntervalJobs;
  identity: string;
  token: string;
  states: LeadershipState[];
}

async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(10);
  }
}

const ended = (runs: JobRun[]): number => Math.max(...runs.map((r) => r.end ?? Infinity));

function suite(gate: boolean): void {
  describe(`handOver() between Nest apps (CoordinatedLeaderElection gate ${gate ? 'on' : 'off'})`, () => {
    const server = new KubeApiTestServer({ coordinatedLeaderElection: gate });
    const apps: App[] = [];
    const logger = new CaptureLogger();

    async function boot(name: string, id: string): Promise<App> {
      const token = `token-${name}-${id}`;
      const options: LeaderElectionModuleOptions = {
        name,
        namespace: 'default',
        identity: `${name}-${id}_3e8a`,
        kubeConfig: server.kubeConfig(token),
        preflight: false,
        ...TIMING,
      };
      const moduleRef = await Test.createTestingModule({
        imports: [ScheduleModule.forRoot(), LeaderElectionModule.forRoot(options)],
        providers: [IntervalJobs],
      })
        .setLogger(logger)
        .compile();
      const app = moduleRef.createNestApplication({ logger });
      await app.init();
      const election = app.get(LeaderElectionService);
      const states: LeadershipState[] = [];
      election.leadership$.subscribe((s) => states.push(s));
      const entry = {
        id,
        app,
        election,
        jobs: app.get(IntervalJobs),
        identity: election.identity,
        token,
        states,
      };
      apps.push(entry);
      return entry;
    }

    before(() => server.start());
    after(async () => {
      for (const { app } of apps) await app.close();
      await server.stop();
    });

    it('the next leader starts its first job only after the old leader finished its last one', async () => {
      const name = `jobs-${gate ? 'gate-on' : 'gate-off'}`;
      const a = await boot(name, 'a');
      await waitFor(() => a.election.isLeader(), 5_000, 'a to lead');
      const b = await boot(name, 'b');
      const c = await boot(name, 'c');
      await waitFor(() => a.jobs.runs.filter((r) => r.end).length >= 3, 3_000, 'a to run jobs');

      const calledAt = performance.now();
      const handing = a.election.handOver(b.identity);
      assert.equal(a.election.isLeader(), false, 'a stops leading at the call');
      assert.ok(
        a.jobs.runs.some((r) => r.end === undefined),
        'a job was still running on a when the hand-over began (the drain has work to do)',
      );
      assert.equal(await handing, true);
      const resolvedAt = performance.now();
      await waitFor(
        () => [b, c].some((x) => x.jobs.runs.length > 0),
        5_000,
        'a new leader to run a job',
      );
      const next = b.jobs.runs.length > 0 ? b : c;
      if (gate) assert.equal(next, b, 'with the gate on, the named replica takes over');
      await sleep(400);

      const lastEnd = ended(a.jobs.runs);
      const firstStart = Math.min(...next.jobs.runs.map((r) => r.start));
      assert.ok(Number.isFinite(lastEnd), 'every job of a has finished');
      assert.ok(
        firstStart >= lastEnd,
        `${next.id}'s first job started at ${firstStart.toFixed(1)}, a's last ended at ${lastEnd.toFixed(1)}`,
      );
      assert.ok(
        a.jobs.runs.every((r) => r.start < calledAt),
        'no job started on a after handOver()',
      );
      assert.ok(
        firstStart - calledAt < 3_000,
        `taken over in ${Math.round(firstStart - calledAt)} ms`,
      );
      assert.deepEqual((next === b ? c : b).jobs.runs, [], 'the third replica never ran the job');

      // The release was written after the drain, and before handOver() resolved.
      const release = server
        .writeLog()
        .find(
          (w: WriteLogEntry) =>
            w.resource === 'leases' &&
            w.name === name &&
            w.token === a.token &&
            (w.object['spec'] as Record<string, unknown>)['holderIdentity'] === '',
        );
      assert.ok(release, 'a wrote a release');
      assert.ok(release.at >= lastEnd, 'released only after the last job ended');
      assert.ok(release.at <= resolvedAt, 'handOver() resolved after the release');
      const spec = release.object['spec'] as Record<string, unknown>;
      assert.equal(spec['preferredHolder'], gate ? b.identity : undefined);

      assert.equal(a.election.status(), 'running', 'a keeps competing');
      assert.ok(
        a.states.some((s) => s.leading) && a.states.at(-1)?.leading === false,
        'leadership$ reported the end of the term',
      );
      assert.ok(next.election.isLeader());
      assert.equal(a.election.getLeader(), next.identity);
    });
  });
}

suite(true);
suite(false);
