/** One run of the leader job, as the demo saw it in a replica's output. */
export interface JobRun {
  replica: string;
  identity: string;
  run: number;
  fencingToken: number | null;
  /** Wall-clock ms (performance.timeOrigin + performance.now() of the replica). */
  start: number;
  /** When it ended; for a run cut short by SIGKILL, when the process was seen to exit. */
  end: number;
  /** true when the end was not reported by the replica (it was killed mid-run). */
  endInferred: boolean;
}

export interface JobOverlap {
  a: JobRun;
  b: JobRun;
  /** How long both ran at once, ms. */
  overlapMs: number;
}

export interface JobVerdict {
  ok: boolean;
  runs: number;
  runners: string[];
  overlaps: JobOverlap[];
  /** Runs whose fencing token is lower than that of an earlier-started run. */
  fencingRegressions: Array<{ earlier: JobRun; later: JobRun }>;
}

/**
 * "Exactly one leader job runner at any time": no two runs on different replicas may overlap in
 * time, and fencing tokens must not go backwards. All times come from one machine's clock.
 */
export function judgeJobRuns(runs: readonly JobRun[]): JobVerdict {
  const sorted = [...runs].sort((x, y) => x.start - y.start);
  const overlaps: JobOverlap[] = [];
  const fencingRegressions: JobVerdict['fencingRegressions'] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.start < a.end; j++) {
      const b = sorted[j]!;
      if (b.identity !== a.identity) {
        overlaps.push({ a, b, overlapMs: Math.min(a.end, b.end) - b.start });
      }
    }
  }
  let highest: JobRun | undefined;
  for (const run of sorted) {
    if (run.fencingToken === null) continue;
    if (highest && highest.fencingToken !== null && run.fencingToken < highest.fencingToken) {
      fencingRegressions.push({ earlier: highest, later: run });
    } else {
      highest = run;
    }
  }
  const runners = [...new Set(sorted.map((r) => r.replica))];
  return {
    ok: overlaps.length === 0 && fencingRegressions.length === 0,
    runs: sorted.length,
    runners,
    overlaps,
    fencingRegressions,
  };
}
