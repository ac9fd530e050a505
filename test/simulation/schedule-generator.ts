import { Prng } from './prng.js';
import type {
  BeforeReleaseMode,
  ElectionDurations,
  Fault,
  FaultKind,
  FaultTarget,
  SimulationConfig,
} from './simulation.types.js';

export const DEFAULT_DURATIONS: ElectionDurations = {
  leaseDuration: 15_000,
  renewDeadline: 10_000,
  retryPeriod: 2_000,
};

/** Short elections (sub-second retry periods) stress the same code paths with tighter margins. */
export const SHORT_DURATIONS: readonly ElectionDurations[] = [
  { leaseDuration: 2_000, renewDeadline: 1_200, retryPeriod: 300 },
  { leaseDuration: 3_000, renewDeadline: 2_000, retryPeriod: 500 },
  { leaseDuration: 1_000, renewDeadline: 800, retryPeriod: 200 },
  { leaseDuration: 5_000, renewDeadline: 3_000, retryPeriod: 1_000 },
];

export interface GenerateOptions {
  /** Force the number of electors (else 2 + seed mod 6, i.e. 2..7). */
  electors?: number;
  /** Force watch mode (else by seed: half the seeds each). */
  watch?: boolean;
  durations?: ElectionDurations;
  verbose?: boolean;
  traceLimit?: number;
}

/** Which fault kinds a random schedule draws, and how often. */
const FAULT_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  latency: 3,
  errors: 3,
  conflicts: 2,
  'lost-responses': 3,
  partition: 3,
  pause: 3,
  crash: 2,
  stop: 2,
  'watch-drop': 1,
};

/**
 * Clock rates for `electors` slots whose largest ratio is `maxRatio`: the extremes are always
 * present (one slot at each), the rest spread between them, shuffled.
 */
export function driftRates(rng: Prng, electors: number, maxRatio: number): number[] {
  const lo = 1 / Math.sqrt(maxRatio);
  const hi = Math.sqrt(maxRatio);
  const rates = Array.from({ length: electors }, (_, i) =>
    i === 0 ? lo : i === 1 ? hi : rng.range(lo, hi),
  );
  for (let i = rates.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [rates[i], rates[j]] = [rates[j]!, rates[i]!];
  }
  return rates;
}

/**
 * The drift bound the algorithm tolerates: a follower waits the lease duration on its own clock
 * from when it saw the leader's write; the leader leads for renewDeadline on its own clock from
 * before that write. Safety needs every ratio of two clock rates below
 * leaseDuration / renewDeadline (the record's whole seconds are rounded up, never down).
 */
export function driftBound(d: ElectionDurations): number {
  return d.leaseDuration / d.renewDeadline;
}

/**
 * A random but reproducible simulation: electors (2..7 by seed), watch or polling (by seed),
 * durations (defaults half of the time), clock drift within the bound (sometimes near it), wall
 * clocks skewed by up to an hour, and a fault schedule of 2..(4 + electors) faults of every kind
 * over 3..8 lease durations, half of them aimed at whoever leads when they begin.
 */
export function generateSimulationConfig(
  seed: number,
  options: GenerateOptions = {},
): SimulationConfig {
  const rng = new Prng((seed ^ 0x2545f491) >>> 0);
  const electors = options.electors ?? 2 + (Math.abs(seed) % 6);
  const watch = options.watch ?? Math.floor(Math.abs(seed) / 6) % 2 === 0;
  const lockWatch = watch || rng.chance(0.5);
  const durations =
    options.durations ?? (rng.chance(0.5) ? DEFAULT_DURATIONS : rng.pick(SHORT_DURATIONS));
  const { leaseDuration: LD, renewDeadline: RD, retryPeriod: RP } = durations;

  const bound = driftBound(durations);
  const maxRatio = rng.chance(0.2)
    ? 1 + (bound - 1) * rng.range(0.85, 0.999)
    : 1 + (bound - 1) * rng.range(0, 0.85);
  const rates = driftRates(rng, electors, maxRatio);
  const wallSkews = Array.from({ length: electors }, () => rng.range(-3_600_000, 3_600_000));
  const together = rng.chance(0.3);
  const startAt = Array.from({ length: electors }, () => (together ? 0 : rng.range(0, 2 * RP)));

  const faultsEnd = LD * rng.range(3, 8);
  const faults: Fault[] = [];
  const count = rng.int(2, 4 + electors);
  const target = (allowAll: boolean): FaultTarget => {
    const x = rng.next();
    if (x < 0.5) return 'leader';
    if (allowAll && x < 0.7) return 'all';
    return rng.int(0, electors - 1);
  };
  const slotOrLeader = (): number | 'leader' =>
    rng.chance(0.55) ? 'leader' : rng.int(0, electors - 1);
  const window = (maxLengthFactor: number): { from: number; to: number } => {
    const from = rng.range(0, faultsEnd * 0.9);
    const to = Math.min(faultsEnd, from + LD * rng.range(0.1, maxLengthFactor));
    return { from, to };
  };
  for (let i = 0; i < count; i++) {
    const kind = rng.weighted(FAULT_WEIGHTS);
    switch (kind) {
      case 'latency':
        faults.push({
          kind,
          ...window(2),
          target: target(true),
          probability: rng.range(0.2, 1),
          maxLatency: RD * rng.range(0.3, 2),
        });
        break;
      case 'errors':
        faults.push({
          kind,
          ...window(1.5),
          target: target(true),
          probability: rng.range(0.3, 1),
          status: rng.pick([500, 503, 504] as const),
        });
        break;
      case 'conflicts':
        faults.push({ kind, ...window(1), target: target(true), probability: rng.range(0.3, 1) });
        break;
      case 'lost-responses':
        faults.push({ kind, ...window(1.5), target: target(true), probability: rng.range(0.2, 1) });
        break;
      case 'partition':
        faults.push({ kind, ...window(3), target: slotOrLeader() });
        break;
      case 'pause': {
        const duration = LD * rng.range(0.1, 2.5);
        const at = rng.range(0, Math.max(0, faultsEnd - duration));
        faults.push({
          kind,
          at,
          duration: Math.min(duration, faultsEnd - at),
          target: slotOrLeader(),
        });
        break;
      }
      case 'crash': {
        const at = rng.range(0, faultsEnd);
        const downtime = Math.min(LD * rng.range(0, 1.5), faultsEnd - at);
        faults.push({ kind, at, downtime, target: slotOrLeader(), newIdentity: rng.chance(0.5) });
        break;
      }
      case 'stop':
        faults.push({
          kind,
          at: rng.range(0, faultsEnd * 0.8),
          downtime: LD * rng.range(0, 1),
          target: slotOrLeader(),
          release: rng.chance(0.6),
          newIdentity: rng.chance(0.5),
        });
        break;
      case 'watch-drop':
        faults.push({
          kind,
          at: rng.range(0, faultsEnd),
          target: target(true),
          error: rng.chance(0.5),
        });
        break;
    }
  }

  const beforeRelease = rng.weighted<BeforeReleaseMode>({
    none: 5,
    quick: 2.5,
    slow: 1.5,
    never: 1,
  });
  return {
    seed,
    name: `seed ${seed}`,
    electors,
    durations,
    watch,
    lockWatch,
    rates,
    wallSkews,
    startAt,
    faults,
    faultsEnd,
    settle: 2 * LD,
    normalLatency: { min: 0.1, max: 2 },
    hostileCallbacks: rng.chance(0.25),
    ignoreSignalProbability: rng.chance(0.2) ? rng.range(0.2, 1) : 0,
    beforeRelease,
    checkLiveness: true,
    verbose: options.verbose ?? false,
    traceLimit: options.traceLimit ?? 200,
  };
}
