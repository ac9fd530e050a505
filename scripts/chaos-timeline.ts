/**
 * What happened during a chaos run, rebuilt from the replicas' `SAMPLE_EVENT` lines and from the
 * signals the chaos run sent. Every time is wall-clock ms of one machine
 * (`performance.timeOrigin + performance.now()` in each process), so processes compare directly.
 *
 * Lines and signals can be processed out of order (a line written just before a SIGSTOP is read
 * after it), so every end is the earliest of the candidates, and a start seen after its process
 * was frozen or killed is closed at once.
 */
import type { SampleEvent } from '../sample/src/sample-event.types.js';
import type { JobRun } from './demo-verdict.js';

/** One run of the leader job; `end` is when its leader work ended (see `workEnd`). */
export interface ChaosJobRun extends JobRun {
  /** Slices of work done after a successful leadership check (undefined: not reported). */
  steps: number | undefined;
  /** The replica reported the end itself (job-end); false: it was killed or exited first. */
  reported: boolean;
  /** It stopped before its planned length because leadership ended. */
  aborted: boolean;
}

/** One leadership term of one process, from its @OnStartedLeading to the end of its ability to act. */
export interface LeadershipSpan {
  proc: string;
  identity: string;
  fencingToken: number;
  from: number;
  /** undefined while open. */
  to: number | undefined;
  endedBy: 'stopped-leading' | 'SIGSTOP' | 'SIGKILL' | 'exit' | undefined;
}

export type ChaosSignal = 'SIGKILL' | 'SIGSTOP' | 'SIGCONT' | 'SIGTERM';

interface ProcState {
  stoppedAt: number | undefined;
  killedAt: number | undefined;
  exitedAt: number | undefined;
}

interface OpenRun {
  run: ChaosJobRun;
  closed: boolean;
}

export class ChaosTimeline {
  private readonly runs: OpenRun[] = [];
  private readonly spans: LeadershipSpan[] = [];
  private readonly procs = new Map<string, ProcState>();

  /** One parsed `SAMPLE_EVENT` line of process `proc` (e.g. `replica-2#3`). */
  onEvent(proc: string, event: SampleEvent): void {
    const state = this.state(proc);
    switch (event.event) {
      case 'job-start': {
        const run: ChaosJobRun = {
          replica: proc,
          identity: event.identity,
          run: event.run,
          fencingToken: event.fencingToken,
          start: event.at,
          end: Number.POSITIVE_INFINITY,
          endInferred: false,
          steps: undefined,
          reported: false,
          aborted: false,
        };
        const open = { run, closed: false };
        this.runs.push(open);
        const gone = firstOf(state.killedAt, state.exitedAt);
        if (gone !== undefined && gone >= run.start) this.closeInferred(open, gone);
        break;
      }
      case 'job-end': {
        // By process too: a replacement restarted under the same identity counts runs from 1 again.
        const open = this.runs.find(
          (r) =>
            r.run.replica === proc && r.run.identity === event.identity && r.run.run === event.run,
        );
        if (!open) break;
        const run = open.run;
        // No slice ran: the run did no leader work at all (it started and found itself no longer
        // leading). Its interval collapses to its start, where @OnLeader had just said "leader".
        const workEnd = event.lastStepAt === undefined ? event.at : (event.lastStepAt ?? run.start);
        run.end = open.closed ? Math.min(run.end, workEnd) : workEnd;
        run.endInferred = false;
        run.steps = event.steps;
        run.reported = true;
        run.aborted = event.aborted;
        open.closed = true;
        break;
      }
      case 'started-leading': {
        const span: LeadershipSpan = {
          proc,
          identity: event.identity,
          fencingToken: event.fencingToken,
          from: event.at,
          to: undefined,
          endedBy: undefined,
        };
        this.spans.push(span);
        if (state.stoppedAt !== undefined && state.stoppedAt >= span.from) {
          this.closeSpan(span, state.stoppedAt, 'SIGSTOP');
        }
        if (state.killedAt !== undefined) this.closeSpan(span, state.killedAt, 'SIGKILL');
        if (state.exitedAt !== undefined) this.closeSpan(span, state.exitedAt, 'exit');
        break;
      }
      case 'stopped-leading':
        for (const span of this.spans) {
          if (span.proc === proc && span.from <= event.at && (span.to ?? Infinity) > event.at) {
            this.closeSpan(span, event.at, 'stopped-leading');
          }
        }
        break;
      default:
        break;
    }
  }

  /** A signal the chaos run sent to `proc`, at wall ms `at`. */
  onSignal(proc: string, signal: ChaosSignal, at: number): void {
    const state = this.state(proc);
    if (signal === 'SIGSTOP') {
      state.stoppedAt = at;
      // A frozen process cannot act: as far as work and liveness go, its term ends here.
      for (const span of this.openSpans(proc)) this.closeSpan(span, at, 'SIGSTOP');
    } else if (signal === 'SIGCONT') {
      state.stoppedAt = undefined;
    } else if (signal === 'SIGKILL') {
      state.killedAt = at;
      for (const span of this.openSpans(proc)) this.closeSpan(span, at, 'SIGKILL');
      // A run cut short by SIGKILL never reports its end; it cannot have worked past the kill.
      for (const open of this.runs) {
        if (open.run.replica === proc && !open.closed) this.closeInferred(open, at);
      }
    }
  }

  /** The process exited (whatever the reason), seen at wall ms `at`. */
  onExit(proc: string, at: number): void {
    const state = this.state(proc);
    state.exitedAt = at;
    for (const span of this.openSpans(proc)) this.closeSpan(span, at, 'exit');
    for (const open of this.runs) {
      if (open.run.replica === proc && !open.closed) this.closeInferred(open, at);
    }
  }

  /** The process that leads now and can act (not frozen, not killed), if any. */
  currentLeader(): string | undefined {
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const span = this.spans[i]!;
      if (span.to === undefined) return span.proc;
    }
    return undefined;
  }

  isStopped(proc: string): boolean {
    return this.procs.get(proc)?.stoppedAt !== undefined;
  }

  /** Every job run so far; runs still open end at +Infinity. */
  jobRuns(): ChaosJobRun[] {
    return this.runs.map((r) => r.run);
  }

  leadership(): LeadershipSpan[] {
    return [...this.spans];
  }

  private state(proc: string): ProcState {
    let state = this.procs.get(proc);
    if (!state) {
      state = { stoppedAt: undefined, killedAt: undefined, exitedAt: undefined };
      this.procs.set(proc, state);
    }
    return state;
  }

  private openSpans(proc: string): LeadershipSpan[] {
    return this.spans.filter((s) => s.proc === proc && s.to === undefined);
  }

  private closeSpan(span: LeadershipSpan, at: number, by: LeadershipSpan['endedBy']): void {
    const to = Math.max(span.from, at);
    if (span.to === undefined || to < span.to) {
      span.to = to;
      span.endedBy = by;
    }
  }

  private closeInferred(open: OpenRun, at: number): void {
    open.run.end = Math.max(open.run.start, at);
    open.run.endInferred = true;
    open.closed = true;
  }
}

function firstOf(...values: Array<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}
