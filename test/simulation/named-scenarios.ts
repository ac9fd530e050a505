import { LeaderElector } from '../../lib/core/leader-elector.js';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import type { ResourceLock } from '../../lib/core/locks/resource-lock.interface.js';
import { DEFAULT_DURATIONS, driftBound } from './schedule-generator.js';
import type {
  ElectorFactory,
  Fault,
  InvariantName,
  SimulationConfig,
  SimulationResult,
  TermLog,
} from './simulation.types.js';

export interface ScenarioOptions {
  /** Seeds the jitter, latencies and world choices (the schedule itself is fixed). */
  seed: number;
  watch: boolean;
  verbose?: boolean;
}

export interface NamedScenario {
  name: string;
  description: string;
  build(options: ScenarioOptions): SimulationConfig;
  /** What this scenario must show beyond the invariants; returns the problem, if any. */
  expect?(result: SimulationResult): string | undefined;
  /** A negative control: the run must be caught violating one of these invariants. */
  expectViolation?: InvariantName[];
  /** A reproduction of a finding (in the simulation findings notes); it fails until fixed. */
  regression?: string;
}

const { leaseDuration: LD, renewDeadline: RD, retryPeriod: RP } = DEFAULT_DURATIONS;
/** When the scripted fault hits: slot 0 started first and has led for a while by then. */
const T = 30_000;
/** Generous slack for round trips and same-instant ordering (virtual ms). */
const SLACK = 100;
/** A follower polls at most every retryPeriod × 2.2; a takeover may need two polls. */
const TWO_POLLS = 2 * 2.2 * RP;

function base(
  name: string,
  o: ScenarioOptions,
  overrides: Partial<SimulationConfig> = {},
): SimulationConfig {
  const electors = overrides.electors ?? 3;
  return {
    seed: o.seed,
    name,
    electors,
    durations: DEFAULT_DURATIONS,
    watch: o.watch,
    lockWatch: o.watch,
    rates: new Array<number>(electors).fill(1),
    wallSkews: Array.from({ length: electors }, (_, i) => (i % 2 === 0 ? 1 : -1) * i * 1_800_000),
    startAt: Array.from({ length: electors }, (_, i) => i * 100),
    faults: [],
    faultsEnd: T + 2 * LD,
    settle: 2 * LD,
    normalLatency: { min: 0.1, max: 2 },
    hostileCallbacks: false,
    beforeRelease: 'none',
    checkLiveness: true,
    verbose: o.verbose ?? false,
    traceLimit: 200,
    ...overrides,
  };
}

/** The term in force at virtual time `t`. */
function termAt(result: SimulationResult, t: number): TermLog | undefined {
  return result.terms.find(
    (x) =>
      x.effectiveAt !== undefined &&
      x.effectiveAt <= t &&
      (x.endedAt === undefined || x.endedAt > t),
  );
}

/** The first term effective after `t` held by another slot than `slot`. */
function nextForeignTerm(result: SimulationResult, slot: number, t: number): TermLog | undefined {
  return result.terms.find(
    (x) => x.slot !== slot && x.effectiveAt !== undefined && x.effectiveAt > t,
  );
}

function within(
  label: string,
  value: number | undefined,
  min: number,
  max: number,
): string | undefined {
  if (value === undefined)
    return `${label}: never happened (expected in [${min.toFixed(0)}, ${max.toFixed(0)}])`;
  if (value < min || value > max) {
    return `${label} at t=${value.toFixed(3)}, expected in [${min.toFixed(0)}, ${max.toFixed(0)}]`;
  }
  return undefined;
}

/** Leader slot 0 at T (it starts first); fails the scenario if not. */
function leaderAtT(result: SimulationResult): TermLog | string {
  const term = termAt(result, T);
  if (!term) return `nobody led at t=${T}`;
  return term;
}

/**
 * A lock that stores `leaseSeconds` whatever the elector asks for: with it, an elector built
 * with a huge lease duration and renew deadline believes it leads long after its followers may
 * take over, i.e. an elector whose isLeader() ignores the real renew deadline.
 */
function understatingLock(lock: ResourceLock, leaseSeconds: number): ResourceLock {
  const shrink = (r: LeaderElectionRecord): LeaderElectionRecord => ({
    ...r,
    leaseDurationSeconds: leaseSeconds,
  });
  const wrapped: ResourceLock = {
    get: (o) => lock.get(o),
    create: (r, o) => lock.create(shrink(r), o),
    update: (r, o) => lock.update(shrink(r), o),
    recordEvent: (m) => lock.recordEvent(m),
    identity: () => lock.identity(),
    describe: () => lock.describe(),
  };
  if (lock.watch) wrapped.watch = (h) => lock.watch!(h);
  return wrapped;
}

/** The harness's self-check: a deliberately broken elector (see `understatingLock`). */
export const brokenElectorFactory: ElectorFactory = (config) =>
  new LeaderElector({
    ...config,
    leaseDuration: 10 * config.leaseDuration!,
    renewDeadline: 9 * config.leaseDuration!,
    lock: understatingLock(config.lock, Math.ceil(config.leaseDuration! / 1000)),
  });

/** Rates for drift scenarios: slot 0 (the first leader) slowest, everyone else `ratio` faster. */
function ratesWithRatio(electors: number, ratio: number): number[] {
  return Array.from({ length: electors }, (_, i) =>
    i === 0 ? 1 / Math.sqrt(ratio) : Math.sqrt(ratio),
  );
}

const partitionLeader: Fault = { kind: 'partition', from: T, to: T + 4 * LD, target: 'leader' };

export const NAMED_SCENARIOS: readonly NamedScenario[] = [
  {
    name: 'cold-start-race',
    description: '7 electors start at the same instant; exactly one leads at once',
    build: (o) =>
      base('cold-start-race', o, {
        electors: 7,
        startAt: new Array<number>(7).fill(0),
        faultsEnd: 1_000,
      }),
    expect: (r) => within('first leader', r.stats.firstLeaderAt, 0, SLACK),
  },
  {
    name: 'leader-crash',
    description: 'the leader is SIGKILLed; another takes over after leaseDuration (+ polls)',
    build: (o) =>
      base('leader-crash', o, {
        faults: [{ kind: 'crash', at: T, downtime: 2 * LD, target: 'leader', newIdentity: true }],
        faultsEnd: T + 2 * LD,
      }),
    expect: (r) => {
      const next = nextForeignTerm(r, 0, T);
      const max = T + LD + (r.config.watch ? 0 : TWO_POLLS) + SLACK;
      return within('takeover after the crash', next?.effectiveAt, T + LD - RP - SLACK, max);
    },
  },
  {
    name: 'crash-same-identity',
    description:
      'the leader crashes and restarts with its identity; it takes the lease back at once',
    build: (o) =>
      base('crash-same-identity', o, {
        faults: [{ kind: 'crash', at: T, downtime: 1_000, target: 'leader', newIdentity: false }],
        faultsEnd: T + 1_000,
      }),
    expect: (r) => {
      const back = r.terms.find((x) => x.startedAt > T);
      if (back && back.slot !== 0)
        return `slot ${back.slot} led after the crash, expected the restarted slot 0`;
      return within('restarted leader', back?.effectiveAt, T + 1_000, T + 1_000 + SLACK);
    },
  },
  {
    name: 'graceful-handover',
    description:
      'the leader stops with release; a follower leads within a watch event (or one poll)',
    build: (o) =>
      base('graceful-handover', o, {
        faults: [
          {
            kind: 'stop',
            at: T,
            downtime: LD,
            target: 'leader',
            release: true,
            newIdentity: false,
          },
        ],
        faultsEnd: T + LD,
      }),
    expect: (r) => {
      const next = nextForeignTerm(r, 0, T);
      return within('handover', next?.effectiveAt, T, T + (r.config.watch ? 0 : 2.2 * RP) + SLACK);
    },
  },
  {
    name: 'leader-partition',
    description:
      'the leader is cut off for 4 × leaseDuration; it steps down by renewDeadline, another leads',
    build: (o) => base('leader-partition', o, { faults: [partitionLeader], faultsEnd: T + 4 * LD }),
    expect: (r) => {
      const old = leaderAtT(r);
      if (typeof old === 'string') return old;
      const stepDown = within('old leader stepping down', old.endedAt, T, T + RD + SLACK);
      const next = nextForeignTerm(r, old.slot, T);
      const takeover = within(
        'takeover',
        next?.effectiveAt,
        T + LD - RP - SLACK,
        T + LD + (r.config.watch ? 0 : TWO_POLLS) + SLACK,
      );
      return stepDown ?? takeover;
    },
  },
  {
    name: 'slow-api',
    description:
      'every request takes renewDeadline..2 × renewDeadline for 40 s: the leader steps down; a leader after',
    build: (o) =>
      base('slow-api', o, {
        faults: [
          {
            kind: 'latency',
            from: T,
            to: T + 40_000,
            target: 'all',
            probability: 1,
            minLatency: RD,
            maxLatency: 2 * RD,
          },
        ],
        faultsEnd: T + 40_000,
      }),
    expect: (r) => {
      const old = leaderAtT(r);
      if (typeof old === 'string') return old;
      const stepDown = within('leader stepping down', old.endedAt, T, T + RD + SLACK);
      const during = r.terms.find(
        (x) =>
          x.effectiveAt !== undefined && x.effectiveAt > T + RD + RP && x.effectiveAt < T + 40_000,
      );
      return (
        stepDown ??
        (during ? `${during.process} became leader while every request timed out` : undefined)
      );
    },
  },
  {
    name: 'lost-renew-response',
    description: "one renewal is applied but its response is lost; the leader's term survives",
    build: (o) =>
      base('lost-renew-response', o, {
        faults: [{ kind: 'lost-responses', from: T, to: T + RP, target: 'leader', probability: 1 }],
        faultsEnd: T + RP,
      }),
    expect: (r) => {
      const old = leaderAtT(r);
      if (typeof old === 'string') return old;
      if (old.endedAt !== undefined && old.endedAt < T + 3 * RD) {
        return `the leader's term ended at t=${old.endedAt.toFixed(3)}; a lost response must not cost the term`;
      }
      return undefined;
    },
  },
  {
    name: 'lost-renew-noop-drift',
    regression: 'sim-findings #1',
    description:
      'regression (sim-findings #1): a renewal applied with its answer lost, then re-sent unchanged by the slow path; 1% drift',
    build: (o) =>
      base('lost-renew-noop-drift', o, {
        electors: 2,
        rates: [0.995, 1.005],
        faults: [
          // The renewal sent in [T, T + RP) is applied, its answer lost; requestTimeout (5 s)
          // later the slow path re-sends the same record (a no-op) and counts from then.
          { kind: 'lost-responses', from: T, to: T + RP, target: 'leader', probability: 1 },
          // Cut the leader off after that "renewal" and before the next one.
          {
            kind: 'partition',
            from: T + RP + 5_020,
            to: T + RP + 5_020 + 2 * LD,
            target: 'leader',
          },
        ],
        faultsEnd: T + RP + 5_020 + 2 * LD,
      }),
  },
  {
    name: 'pause-beyond-lease',
    description:
      'the leader is frozen for 2.5 × leaseDuration; another leads; on resume it is already no leader',
    build: (o) =>
      base('pause-beyond-lease', o, {
        faults: [{ kind: 'pause', at: T, duration: 2.5 * LD, target: 'leader' }],
        faultsEnd: T + 2.5 * LD,
      }),
    expect: (r) => {
      const old = leaderAtT(r);
      if (typeof old === 'string') return old;
      const next = nextForeignTerm(r, old.slot, T);
      return (
        within('takeover during the pause', next?.effectiveAt, T + LD - RP - SLACK, T + 2.5 * LD) ??
        within("paused leader's term end", old.endedAt, T + 2.5 * LD, T + 2.5 * LD + SLACK)
      );
    },
  },
  {
    name: 'drift-at-bound',
    description:
      'the leader runs slowest, its followers fastest, at 0.999 × leaseDuration/renewDeadline; leader cut off',
    build: (o) =>
      base('drift-at-bound', o, {
        rates: ratesWithRatio(3, 0.999 * driftBound(DEFAULT_DURATIONS)),
        faults: [{ ...partitionLeader, target: 0 }],
        faultsEnd: T + 4 * LD,
      }),
    expect: (r) =>
      nextForeignTerm(r, 0, T) ? undefined : 'nobody took over from the partitioned leader',
  },
  {
    name: 'drift-beyond-bound',
    description:
      'negative control: clock rates 1.01× (watch) / 2.5× (poll) the bound must break safety (the bound is tight)',
    build: (o) =>
      base('drift-beyond-bound', o, {
        rates: ratesWithRatio(3, (o.watch ? 1.01 : 2.5) * driftBound(DEFAULT_DURATIONS)),
        faults: [{ ...partitionLeader, target: 0 }],
        faultsEnd: T + 4 * LD,
        checkLiveness: false,
      }),
    expectViolation: ['safety', 'work-overlap'],
  },
  {
    name: 'broken-elector',
    description:
      "self-check: an elector whose isLeader() ignores renewDeadline is caught when it's cut off",
    build: (o) =>
      base('broken-elector', o, {
        faults: [{ ...partitionLeader, target: 0 }],
        faultsEnd: T + 4 * LD,
        electorFactory: brokenElectorFactory,
        checkLiveness: false,
      }),
    expectViolation: ['safety', 'work-overlap'],
  },
  {
    name: 'conflict-storm',
    description:
      'every write answers 409 for 30 s: the leader steps down, nobody leads, then a leader again',
    build: (o) =>
      base('conflict-storm', o, {
        faults: [{ kind: 'conflicts', from: T, to: T + 30_000, target: 'all', probability: 1 }],
        faultsEnd: T + 30_000,
      }),
    expect: (r) => {
      const old = leaderAtT(r);
      if (typeof old === 'string') return old;
      return within('leader stepping down', old.endedAt, T, T + RD + SLACK);
    },
  },
  {
    name: 'error-burst',
    description:
      'every request answers 503 for 15 s: the leader steps down by renewDeadline; a leader after',
    build: (o) =>
      base('error-burst', o, {
        faults: [
          { kind: 'errors', from: T, to: T + LD, target: 'all', probability: 1, status: 503 },
        ],
        faultsEnd: T + LD,
      }),
    expect: (r) => {
      const old = leaderAtT(r);
      if (typeof old === 'string') return old;
      return within('leader stepping down', old.endedAt, T, T + RD + SLACK);
    },
  },
  {
    name: 'all-crash',
    description:
      'every process crashes; new identities must wait out the old lease, then one leads',
    build: (o) =>
      base('all-crash', o, {
        faults: [0, 1, 2].map((slot): Fault => ({
          kind: 'crash',
          at: T,
          downtime: 1_000,
          target: slot,
          newIdentity: true,
        })),
        faultsEnd: T + 1_000,
      }),
    expect: (r) => {
      const next = r.terms.find((x) => x.effectiveAt !== undefined && x.effectiveAt > T);
      return within(
        'first leader after the crash',
        next?.effectiveAt,
        T + 1_000 + LD - SLACK,
        T + 1_000 + LD + (r.config.watch ? 0 : TWO_POLLS) + SLACK,
      );
    },
  },
];
