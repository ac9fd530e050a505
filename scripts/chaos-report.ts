import type { ChaosOptions } from './chaos-options.js';
import type { JobRun } from './demo-verdict.js';
import type { FaultKind } from './chaos-schedule.js';
import type { ChaosJobRun } from './chaos-timeline.js';
import type { ChaosVerdict, FaultWindow, LeaderGap } from './chaos-verdict.js';

/** Everything the closing summary of `npm run chaos` shows. */
export interface ChaosSummaryInput {
  options: ChaosOptions;
  verdict: ChaosVerdict;
  /** Faults actually executed (fewer than planned when the run stopped early). */
  faults: readonly FaultWindow[];
  runs: readonly ChaosJobRun[];
  /** Process labels (`replica-2#1`) in start order. */
  procs: readonly string[];
  restarts: number;
  leaseTransitions: number | undefined;
  /** Failures other than the verdict's (timeout, crash, interrupted), already worded. */
  problems: readonly string[];
}

export interface ChaosSummary {
  lines: string[];
  ok: boolean;
}

/** The closing summary; `ok` is true only if the verdict passed and nothing else went wrong. */
export function summarizeChaos(input: ChaosSummaryInput): ChaosSummary {
  const { options: o, verdict: v } = input;
  const lines: string[] = ['', '── chaos summary ──'];
  const replay = `npm run chaos -- --seed ${o.seed} --events ${o.events}${
    o.kinds.length < 6 ? ` --kinds ${o.kinds.join(',')}` : ''
  }`;
  lines.push(`seed               ${o.seed}  (replay the schedule: ${replay})`);
  lines.push(
    `durations          leaseDuration ${o.leaseDuration} ms, renewDeadline ${o.renewDeadline} ms, ` +
      `retryPeriod ${o.retryPeriod} ms; leader job every 1 s, ${o.jobWork} ms in 50 ms slices`,
  );
  lines.push(
    `replicas           ${o.replicas} sample processes, ${input.restarts} restarted after SIGKILL ` +
      `(${input.procs.length} processes in all)`,
  );
  const byKind = new Map<FaultKind, number>();
  for (const f of input.faults) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([k, n]) => `${k} ${n}`).join(', ');
  lines.push(
    `events             ${input.faults.length}/${o.events} executed${kinds ? ` (${kinds})` : ''}`,
  );
  lines.push(
    `leader changes     ${v.leaderChanges} (${v.terms} leadership terms; leaseTransitions ${input.leaseTransitions ?? '?'})`,
  );
  lines.push(`longest gap        ${describeGap(v.longestGap, v.boundMs)}`);
  lines.push(
    `gap rule           a leaderless gap runs from the last leader's end (stopped leading, ` +
      `frozen or killed) to the next @OnStartedLeading; it is measured from its start or from ` +
      `when its fault healed, whichever is later (sigkill/sigstop of one replica: at once, the ` +
      `others are healthy; API faults: when cleared; latency: cleared + the delay); bound = ` +
      `leaseDuration ${o.leaseDuration} + 2.2 × retryPeriod ${o.retryPeriod} + slack ${o.slack} ` +
      `= ${Math.round(v.boundMs)} ms`,
  );
  const perProc = input.procs
    .map((p) => `${p} ${input.runs.filter((r) => r.replica === p).length}`)
    .join(', ');
  const early = input.runs.filter((r) => r.aborted).length;
  const killed = input.runs.filter((r) => r.endInferred).length;
  lines.push(
    `leader job runs    ${input.runs.length} (${perProc}); ${v.workingRuns} did leader work, ` +
      `${early} stopped early when leadership ended, ${killed} cut short by SIGKILL or exit`,
  );
  lines.push(`overlaps           ${v.overlaps.length}`);
  lines.push(
    `fencing tokens     ${v.jobs.fencingRegressions.length === 0 ? 'never went back' : `went back ${v.jobs.fencingRegressions.length} times`}`,
  );

  const reasons: string[] = [...input.problems];
  for (const overlap of v.overlaps.slice(0, 10)) {
    reasons.push(
      `leader work overlapped for ${overlap.overlapMs.toFixed(1)} ms: ${describeRun(overlap.a)} and ${describeRun(overlap.b)}`,
    );
  }
  for (const r of v.jobs.fencingRegressions.slice(0, 5)) {
    reasons.push(
      `fencing token went back from ${r.earlier.fencingToken} (${describeRun(r.earlier)}) to ` +
        `${r.later.fencingToken} (${describeRun(r.later)})`,
    );
  }
  for (const gap of v.gaps.filter((g) => !g.ok).slice(0, 10)) {
    reasons.push(`no leader for too long: ${describeGap(gap, v.boundMs)}`);
  }
  if (input.faults.length < o.events && input.problems.length === 0) {
    reasons.push(`only ${input.faults.length} of ${o.events} events ran`);
  }
  const ok = v.ok && reasons.length === 0;
  lines.push('');
  lines.push(
    ok
      ? `VERDICT: PASS: ${input.faults.length} fault events, no overlapping leader work, ` +
          `every leaderless gap within ${Math.round(v.boundMs)} ms of its fault healing`
      : `VERDICT: FAIL: ${reasons.join('; ')}`,
  );
  return { lines, ok };
}

function describeRun(r: JobRun): string {
  const end = r.endInferred ? 'killed/exited' : 'last slice';
  return (
    `${r.replica} run #${r.run} (fencing token ${r.fencingToken ?? '?'}) ` +
    `[${clock(r.start)} → ${clock(r.end)} ${end}]`
  );
}

function describeGap(gap: LeaderGap | undefined, boundMs: number): string {
  if (!gap) return 'none (a leader was in place throughout)';
  const cause = gap.fault
    ? `after event ${gap.fault.index} (${gap.fault.kind} on ${gap.fault.target})`
    : 'with no fault before it';
  return (
    `${Math.max(0, Math.round(gap.measuredMs))} ms ${cause}, bound ${Math.round(boundMs)} ms ` +
    `(no leader from ${clock(gap.from)} to ${clock(gap.to)}, ${Math.round(gap.to - gap.from)} ms in all)`
  );
}

/** Wall-clock time of day with ms, e.g. 12:04:05.123. */
function clock(at: number): string {
  if (!Number.isFinite(at)) return 'still running';
  return new Date(at).toISOString().slice(11, 23);
}
