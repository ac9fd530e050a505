import { FAULT_KINDS, type FaultKind } from './chaos-schedule.js';

/** Command-line options of `npm run chaos` (scripts/chaos.ts). */
export interface ChaosOptions {
  /** How many fault events to run. */
  events: number;
  /** Seed of the fault schedule; the same seed replays the same schedule. */
  seed: number;
  /** Whether `seed` was given (else drawn at random and printed for replay). */
  seedGiven: boolean;
  /** Fault kinds to draw from. */
  kinds: FaultKind[];
  replicas: number;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  /** How long one leader job run works (JOB_WORK_MS of the sample). */
  jobWork: number;
  /** Allowance added to the liveness bound for scheduling on a shared machine, ms. */
  slack: number;
  /** Hard cap on the whole run, ms. */
  timeout: number;
  verbose: boolean;
  help: boolean;
}

export const CHAOS_DEFAULTS = {
  events: 20,
  replicas: 5,
  leaseDuration: 2000,
  renewDeadline: 1500,
  retryPeriod: 300,
  jobWork: 900,
  slack: 500,
  timeout: 300_000,
} as const;

export const CHAOS_USAGE = `Usage: npm run chaos -- [options]      (or: node dist/scripts/chaos.js [options])

Starts an in-process Kubernetes API test server on 127.0.0.1 and ${CHAOS_DEFAULTS.replicas} replicas of the sample app
as separate processes, then runs a fixed, seeded list of fault events: SIGKILL (then restart),
SIGSTOP/SIGCONT for longer than leaseDuration, API latency above renewDeadline, 5xx bursts, a hung
replica (partition) and dropped responses. Every replica logs when its leader-only job works; the
run fails if two replicas' leader work overlaps, or if no leader exists for longer than
leaseDuration + 2.2 × retryPeriod + slack after a fault heals. Exits 0 only without violations.

Options:
  --events N              fault events to run (default ${CHAOS_DEFAULTS.events})
  --seed S                schedule seed, 0..4294967295 (default: random, printed for replay)
  --kinds K1,K2           fault kinds to draw from (default: all of ${FAULT_KINDS.join(',')})
  --replicas N            replicas, 3 to 9 (default ${CHAOS_DEFAULTS.replicas})
  --lease-duration MS     leaseDuration, whole seconds (default ${CHAOS_DEFAULTS.leaseDuration})
  --renew-deadline MS     renewDeadline (default ${CHAOS_DEFAULTS.renewDeadline})
  --retry-period MS       retryPeriod (default ${CHAOS_DEFAULTS.retryPeriod})
  --job-work MS           length of one leader job run, worked in 50 ms slices (default ${CHAOS_DEFAULTS.jobWork})
  --slack MS              allowance on the liveness bound for a busy machine (default ${CHAOS_DEFAULTS.slack})
  --timeout MS            fail if the whole run takes longer (default ${CHAOS_DEFAULTS.timeout})
  --verbose               also print the replicas' own log lines
  -h, --help              show this help
`;

/** A command-line mistake; the message names the flag, the value and the fix. */
export class ChaosUsageError extends Error {
  override readonly name = 'ChaosUsageError';
}

const NUMERIC_FLAGS = {
  '--events': 'events',
  '--replicas': 'replicas',
  '--lease-duration': 'leaseDuration',
  '--renew-deadline': 'renewDeadline',
  '--retry-period': 'retryPeriod',
  '--job-work': 'jobWork',
  '--slack': 'slack',
  '--timeout': 'timeout',
} as const;

const EXAMPLES: Record<string, string> = {
  '--events': '20',
  '--seed': '42',
  '--kinds': 'sigkill,sigstop',
  '--replicas': '5',
  '--slack': '500',
};

/** Parses argv (without node and the script); throws ChaosUsageError. */
export function parseChaosArgs(
  argv: readonly string[],
  randomSeed: () => number = () => Math.floor(Math.random() * 2 ** 32),
): ChaosOptions {
  const options: ChaosOptions = {
    ...CHAOS_DEFAULTS,
    seed: 0,
    seedGiven: false,
    kinds: [...FAULT_KINDS],
    verbose: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const [flag, inline] =
      arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) {
        throw new ChaosUsageError(`${flag} needs a value, e.g. ${flag} ${exampleFor(flag)}`);
      }
      return v;
    };
    if (flag === '-h' || flag === '--help') options.help = true;
    else if (flag === '--verbose') options.verbose = true;
    else if (flag === '--seed') {
      options.seed = wholeNumber(flag, value(), 0, 2 ** 32 - 1);
      options.seedGiven = true;
    } else if (flag === '--kinds') options.kinds = parseKinds(value());
    else if (flag in NUMERIC_FLAGS) {
      const min = flag === '--slack' ? 0 : 1;
      options[NUMERIC_FLAGS[flag as keyof typeof NUMERIC_FLAGS]] = wholeNumber(
        flag,
        value(),
        min,
        Number.MAX_SAFE_INTEGER,
      );
    } else {
      throw new ChaosUsageError(
        `unknown option ${JSON.stringify(arg)}: see --help for the options`,
      );
    }
  }
  if (!options.seedGiven) options.seed = randomSeed() >>> 0;
  validate(options);
  return options;
}

function exampleFor(flag: string): string {
  return EXAMPLES[flag] ?? '2000';
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? `a whole number ≥ ${min}`
        : `a whole number from ${min} to ${max}`;
    throw new ChaosUsageError(
      `${flag} must be ${range}, got ${JSON.stringify(raw)}: e.g. ${flag} ${exampleFor(flag)}`,
    );
  }
  return value;
}

function parseKinds(raw: string): FaultKind[] {
  const kinds: FaultKind[] = [];
  for (const part of raw.split(',').map((k) => k.trim())) {
    if (!(FAULT_KINDS as readonly string[]).includes(part)) {
      throw new ChaosUsageError(
        `--kinds: unknown fault kind ${JSON.stringify(part)}; choose from ${FAULT_KINDS.join(', ')}`,
      );
    }
    if (!kinds.includes(part as FaultKind)) kinds.push(part as FaultKind);
  }
  return kinds;
}

function validate(o: ChaosOptions): void {
  if (o.events > 1000) {
    throw new ChaosUsageError(
      `--events must be at most 1000, got ${o.events}: the run is bounded; run it several times with different --seed values instead`,
    );
  }
  if (o.replicas < 3 || o.replicas > 9) {
    throw new ChaosUsageError(
      `--replicas must be between 3 and 9, got ${o.replicas}: one replica at a time is killed or ` +
        'frozen, and the others must still be able to elect a leader',
    );
  }
  // The library's own rules, checked once up front instead of failing in every replica.
  if (o.leaseDuration <= o.renewDeadline) {
    throw new ChaosUsageError(
      `--lease-duration (${o.leaseDuration} ms) must be greater than --renew-deadline (${o.renewDeadline} ms)`,
    );
  }
  if (o.renewDeadline <= 1.2 * o.retryPeriod) {
    throw new ChaosUsageError(
      `--renew-deadline (${o.renewDeadline} ms) must be greater than 1.2 × --retry-period ` +
        `(${o.retryPeriod} ms = ${1.2 * o.retryPeriod} ms)`,
    );
  }
  if (o.leaseDuration % 1000 !== 0) {
    throw new ChaosUsageError(
      `--lease-duration must be whole seconds (the Lease stores leaseDurationSeconds), got ` +
        `${o.leaseDuration}: e.g. --lease-duration ${Math.max(1000, Math.round(o.leaseDuration / 1000) * 1000)}`,
    );
  }
  if (o.jobWork >= 1000) {
    throw new ChaosUsageError(
      `--job-work must be below 1000 ms (the leader job starts every second), got ${o.jobWork}: e.g. --job-work 900`,
    );
  }
}
