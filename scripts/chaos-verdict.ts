/**
 * The two checks of `npm run chaos`, as pure functions over a finished timeline:
 *
 * - safety: no two processes' leader work overlaps in time (a job run's work lasts from its
 *   `job-start` to its last slice of work done after a successful leadership check; a run killed
 *   mid-way counts up to the kill). Checked with the demo's `judgeJobRuns`, which also checks
 *   that fencing tokens never go back.
 * - liveness: every leaderless gap, counted from its start or from when the fault that caused it
 *   healed (whichever is later), is at most `leaseDuration + 2.2 × retryPeriod + slack`.
 */
import { judgeJobRuns, type JobOverlap, type JobVerdict } from './demo-verdict.js';
import type { FaultKind } from './chaos-schedule.js';
import type { ChaosJobRun, LeadershipSpan } from './chaos-timeline.js';

/** One executed fault, as the gap rule needs it. */
export interface FaultWindow {
  index: number;
  kind: FaultKind;
  /** Who it hit, e.g. `replica-2#1 (leader)` or `every replica`. */
  target: string;
  /** Wall ms the fault began (signal sent, fault installed). */
  start: number;
  /** Wall ms it was lifted (SIGCONT, fault cleared); equal to `start` for sigkill. */
  end: number;
  /**
   * From when the cluster must recover. Faults that freeze or kill one process leave the others
   * healthy, so they heal at once (`start`); API faults heal when cleared (`end`), and latency
   * faults only once the last delayed request has been answered (`end + latencyMs`).
   */
  healAt: number;
}

export interface LivenessBound {
  leaseDuration: number;
  retryPeriod: number;
  /** Stated allowance for process scheduling on a shared machine, ms. */
  slack: number;
}

export interface LeaderGap {
  /** Last leader stopped being able to act (or the run's window began). */
  from: number;
  /** A leader acted again (or the window ended). */
  to: number;
  /** The fault this gap is attributed to (the last one that began before the gap ended). */
  fault: FaultWindow | undefined;
  /** max(from, fault.healAt): where the measurement starts. */
  measuredFrom: number;
  /** to − measuredFrom (≤ 0 when the gap closed before its fault healed). */
  measuredMs: number;
  ok: boolean;
}

export interface ChaosVerdict {
  ok: boolean;
  jobs: JobVerdict;
  /** Runs that did leader work (at least one slice, or killed mid-run). */
  workingRuns: number;
  overlaps: JobOverlap[];
  gaps: LeaderGap[];
  longestGap: LeaderGap | undefined;
  boundMs: number;
  /** Leadership terms seen. */
  terms: number;
  /** Times the leading identity changed from one term to the next. */
  leaderChanges: number;
}

export function livenessBoundMs(b: LivenessBound): number {
  return b.leaseDuration + 2.2 * b.retryPeriod + b.slack;
}

/** Safety: leader work of different processes never overlaps; fencing tokens never go back. */
export function judgeLeaderWork(runs: readonly ChaosJobRun[]): {
  jobs: JobVerdict;
  workingRuns: number;
} {
  // A run that did no slice of work (it found itself no longer leading at its first check) did
  // no leader work; its start may even be logged after a freeze, so it is left out.
  const working = runs.filter((r) => r.steps === undefined || r.steps > 0);
  // The process is the unit that works: a replacement restarted under the killed process's
  // identity must not overlap it either, so runs are told apart by process, not by identity.
  const byProcess = working.map((r) => ({ ...r, identity: r.replica }));
  return { jobs: judgeJobRuns(byProcess), workingRuns: working.length };
}

/**
 * Liveness: the leaderless gaps inside `window` (from the first leader to the start of the
 * tear-down), each measured from its start or its fault's `healAt`, whichever is later.
 */
export function findLeaderGaps(
  spans: readonly LeadershipSpan[],
  faults: readonly FaultWindow[],
  window: { from: number; to: number },
  boundMs: number,
): LeaderGap[] {
  const covered = spans
    .map((s) => ({
      from: Math.max(s.from, window.from),
      to: Math.min(s.to ?? window.to, window.to),
    }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from);
  const gaps: LeaderGap[] = [];
  let cursor = window.from;
  const addGap = (from: number, to: number) => {
    if (to <= from) return;
    let fault: FaultWindow | undefined;
    for (const f of faults) if (f.start <= to && (!fault || f.start >= fault.start)) fault = f;
    const measuredFrom = Math.max(from, fault?.healAt ?? from);
    const measuredMs = to - measuredFrom;
    gaps.push({ from, to, fault, measuredFrom, measuredMs, ok: measuredMs <= boundMs });
  };
  for (const span of covered) {
    if (span.from > cursor) addGap(cursor, span.from);
    cursor = Math.max(cursor, span.to);
  }
  addGap(cursor, window.to);
  return gaps;
}

export function judgeChaos(input: {
  runs: readonly ChaosJobRun[];
  spans: readonly LeadershipSpan[];
  faults: readonly FaultWindow[];
  window: { from: number; to: number } | undefined;
  bound: LivenessBound;
}): ChaosVerdict {
  const { jobs, workingRuns } = judgeLeaderWork(input.runs);
  const boundMs = livenessBoundMs(input.bound);
  const gaps = input.window ? findLeaderGaps(input.spans, input.faults, input.window, boundMs) : [];
  let longestGap: LeaderGap | undefined;
  for (const gap of gaps)
    if (!longestGap || gap.measuredMs > longestGap.measuredMs) longestGap = gap;
  const ordered = [...input.spans].sort((a, b) => a.from - b.from);
  let leaderChanges = 0;
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.identity !== ordered[i - 1]!.identity) leaderChanges++;
  }
  return {
    ok: jobs.ok && gaps.every((g) => g.ok),
    jobs,
    workingRuns,
    overlaps: jobs.overlaps,
    gaps,
    longestGap,
    boundMs,
    terms: ordered.length,
    leaderChanges,
  };
}
