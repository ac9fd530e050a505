import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression, Interval } from '@nestjs/schedule';
import {
  LeaderElectionService,
  OnFollower,
  OnLeader,
  OnNewLeader,
  OnStartedLeading,
  OnStoppedLeading,
  type LeadershipContext,
} from '../../lib/index.js';
import { SampleConfig } from './sample.config.js';
import { SampleEventsService } from './sample-events.service.js';

/** What `GET /jobs/stats` reports about this replica's leader job. */
export interface LeaderJobStats {
  identity: string;
  runs: number;
  lastRun: { finishedAt: string; fencingToken: number | null; aborted: boolean } | null;
}

/**
 * The scheduled work of the sample. Every replica schedules both jobs; the decorators decide at
 * call time which replica's call goes through.
 */
@Injectable()
export class LeaderJobsService {
  private readonly logger = new Logger(LeaderJobsService.name);
  private runs = 0;
  private lastRun: LeaderJobStats['lastRun'] = null;

  constructor(
    private readonly election: LeaderElectionService,
    private readonly config: SampleConfig,
    private readonly events: SampleEventsService,
  ) {}

  /**
   * The singleton job: fires every second on every replica and runs only on the leader. Every
   * second keeps the demo lively; a real job would use e.g. CronExpression.EVERY_5_MINUTES.
   * waitForCompletion stops a slow run from overlapping the next one on the same replica.
   */
  @Cron(CronExpression.EVERY_SECOND, { name: 'leader-report', waitForCompletion: true })
  @OnLeader()
  async leaderReport(): Promise<void> {
    // Taken at the start: if the term ends mid-run, the signal aborts and the work stops early,
    // so a new leader never runs the job while this one is still at it.
    const signal = this.election.leadershipSignal();
    const fencingToken = this.election.fencingToken() ?? null;
    const identity = this.election.identity;
    const run = ++this.runs;
    this.events.emit({ event: 'job-start', identity, run, fencingToken });
    const { steps, lastStepAt, stoppedEarly } = await this.work(signal);
    const aborted = signal.aborted || stoppedEarly;
    this.lastRun = { finishedAt: new Date().toISOString(), fencingToken, aborted };
    this.events.emit({ event: 'job-end', identity, run, fencingToken, aborted, steps, lastStepAt });
    this.logger.log(
      aborted
        ? `Leader job #${run} on ${identity} stopped early: leadership ended`
        : `Leader job #${run} ran on ${identity} (fencing token ${fencingToken ?? 'unknown'})`,
    );
  }

  /**
   * The job's work, in slices of at most JOB_STEP_MS. A slice starts only while isLeader() is true,
   * so a replica that was frozen (SIGSTOP, a long GC pause) or cut off from the API stops within
   * one slice once it runs again, even before its signal has aborted. `lastStepAt` is read before
   * that check, so it never names a moment at which this replica might not have led; `npm run
   * chaos` uses it as the end of the run's leader work.
   */
  private async work(
    signal: AbortSignal,
  ): Promise<{ steps: number; lastStepAt: number | null; stoppedEarly: boolean }> {
    const started = performance.now();
    let steps = 0;
    let lastStepAt: number | null = null;
    for (;;) {
      const elapsed = performance.now() - started;
      if (elapsed >= this.config.jobWorkMs) return { steps, lastStepAt, stoppedEarly: false };
      const at = performance.timeOrigin + performance.now();
      if (signal.aborted || !this.election.isLeader()) {
        return { steps, lastStepAt, stoppedEarly: true };
      }
      steps++;
      lastStepAt = at;
      await pause(Math.min(JOB_STEP_MS, this.config.jobWorkMs - elapsed), signal);
    }
  }

  /** Work for the other replicas, e.g. warming a local cache; skipped on the leader. */
  @Interval('follower-heartbeat', 2000)
  @OnFollower()
  followerHeartbeat(): void {
    const leader = this.election.getLeader() || null;
    this.events.emit({ event: 'follower-job', identity: this.election.identity, leader });
    this.logger.debug(
      `Follower job on ${this.election.identity}; leader is ${leader ?? 'unknown'}`,
    );
  }

  @OnStartedLeading()
  startedLeading({ identity, fencingToken }: LeadershipContext): void {
    this.events.emit({ event: 'started-leading', identity, fencingToken });
    this.logger.log(`${identity} is now the leader (fencing token ${fencingToken})`);
  }

  @OnStoppedLeading()
  stoppedLeading(): void {
    this.events.emit({ event: 'stopped-leading', identity: this.election.identity });
    this.logger.log(`${this.election.identity} stopped leading`);
  }

  @OnNewLeader()
  newLeader(leader: string): void {
    this.events.emit({ event: 'new-leader', identity: this.election.identity, leader });
    this.logger.log(leader ? `The leader is now ${leader}` : 'The lease was released');
  }

  stats(): LeaderJobStats {
    return { identity: this.election.identity, runs: this.runs, lastRun: this.lastRun };
  }
}

/** Longest slice of leader work done on one leadership check. */
const JOB_STEP_MS = 50;

/** Resolves after `ms`, or at once when `signal` aborts (a stand-in for real, cancellable work). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
