/** What each section runs, in the full configuration and in the `--quick` smoke configuration. */

export interface Durations {
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
}

export interface HandoverConfig extends Durations {
  candidates: number;
  trials: number;
  /** Pause before each release: this plus U[0, retryPeriod), so releases land at random poll phases. */
  settleMs: number;
}

export interface CrashConfig extends Durations {
  replicas: number;
  trials: number;
  settleMs: number;
  /** Run both modes at once (smoke only: the figures then share the CPU). */
  concurrentModes: boolean;
}

export interface ColdStartConfig extends Durations {
  /** Trials per mode, each in a freshly forked process. */
  processTrials: number;
  /** Trials per mode inside the bench process (warm JIT, new connection each time). */
  inProcessTrials: number;
}

export interface LoadConfig extends Durations {
  sizes: number[];
  warmupMs: number;
  windowMs: number;
}

export interface IdleConfig extends Durations {
  /** Elections per process; 0 is the baseline (library loaded, no election). */
  sizes: number[];
  warmupMs: number;
  windowMs: number;
}

export interface NestConfig {
  /** Calls per round for the @OnLeader measurement. */
  calls: number;
  rounds: number;
  /** Sequential HTTP requests per route for the LeaderGuard measurement. */
  requests: number;
}

export interface BenchConfig {
  handover: HandoverConfig;
  crash: CrashConfig;
  coldStart: ColdStartConfig;
  load: LoadConfig;
  idle: IdleConfig;
  nest: NestConfig;
}

/**
 * Options of every bench section's KubeApiTestServer. Watch bookmarks come once a minute, as
 * from kube-apiserver's watch cache (its `defaultBookmarkFrequency`); the test server's own
 * default of one a second suits tests, but would give every idle watch 60 times the traffic it
 * has on a real cluster.
 */
export const BENCH_SERVER_OPTIONS = { bookmarkInterval: 60_000 } as const;

/** client-go's (and kube-scheduler's) defaults: the fair ground for comparing with polling. */
const DEFAULTS: Durations = { leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2_000 };

const FULL: BenchConfig = {
  handover: { ...DEFAULTS, candidates: 3, trials: 30, settleMs: 300 },
  // Short durations keep ≥ 10 real-process kills within budget; the rules still hold
  // (2000 > 1500 > 1.2 × 1000).
  crash: {
    leaseDuration: 2_000,
    renewDeadline: 1_500,
    retryPeriod: 1_000,
    replicas: 3,
    trials: 10,
    settleMs: 500,
    concurrentModes: false,
  },
  coldStart: { ...DEFAULTS, processTrials: 20, inProcessTrials: 20 },
  load: { ...DEFAULTS, sizes: [3, 10, 50], warmupMs: 15_000, windowMs: 60_000 },
  idle: { ...DEFAULTS, sizes: [0, 1, 10, 100], warmupMs: 5_000, windowMs: 60_000 },
  nest: { calls: 2_000_000, rounds: 7, requests: 2_000 },
};

// Not tighter: on a loaded CI machine a 1 s lease makes leaders lose terms between trials.
const QUICK_DURATIONS: Durations = { leaseDuration: 2_000, renewDeadline: 1_500, retryPeriod: 500 };

const QUICK: BenchConfig = {
  handover: { ...QUICK_DURATIONS, candidates: 3, trials: 3, settleMs: 100 },
  crash: { ...QUICK_DURATIONS, replicas: 2, trials: 1, settleMs: 200, concurrentModes: true },
  coldStart: { ...QUICK_DURATIONS, processTrials: 1, inProcessTrials: 3 },
  load: { ...QUICK_DURATIONS, sizes: [3], warmupMs: 1_000, windowMs: 3_000 },
  idle: { ...QUICK_DURATIONS, sizes: [0, 2], warmupMs: 500, windowMs: 2_000 },
  nest: { calls: 100_000, rounds: 3, requests: 100 },
};

export function benchConfig(quick: boolean): BenchConfig {
  return structuredClone(quick ? QUICK : FULL);
}
