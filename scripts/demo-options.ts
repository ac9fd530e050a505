/** Command-line options of `npm run demo` (scripts/demo.ts). */
export interface DemoOptions {
  replicas: number;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  /** How long each leader job run works (JOB_WORK_MS of the sample). */
  jobWork: number;
  /** Namespace of the demo's Lease. Embedded: 'default'; cluster: the kubeconfig context's, else 'default'. */
  namespace?: string;
  /** Set = run against this real cluster instead of the embedded API server. */
  kubeconfig?: string;
  /** Where `kubeconfig` came from, for the banner. */
  kubeconfigSource?: '--kubeconfig' | 'KUBECONFIG';
  /** Name of the Lease; default: a fresh `nle-demo-<random>` name, so runs never share a lease. */
  leaseName?: string;
  /** Print the replicas' own log lines too. */
  verbose: boolean;
  /** Upper bound for the whole run, ms. */
  timeout: number;
  help: boolean;
}

export const DEMO_DEFAULTS = {
  replicas: 3,
  leaseDuration: 3000,
  renewDeadline: 2000,
  retryPeriod: 500,
  jobWork: 600,
  timeout: 120_000,
} as const;

export const DEMO_USAGE = `Usage: npm run demo -- [options]      (or: node dist/scripts/demo.js [options])

Starts an in-process Kubernetes API test server and ${DEMO_DEFAULTS.replicas} replicas of the sample app, shows who
leads, stops the leader gracefully (SIGTERM: handover), kills the next one (SIGKILL: crash
takeover), prints both times and checks that the leader-only job never ran on two replicas at once.

Options:
  --replicas N            replicas to start, at least 3 (default ${DEMO_DEFAULTS.replicas})
  --lease-duration MS     leaseDuration (default ${DEMO_DEFAULTS.leaseDuration})
  --renew-deadline MS     renewDeadline (default ${DEMO_DEFAULTS.renewDeadline})
  --retry-period MS       retryPeriod (default ${DEMO_DEFAULTS.retryPeriod})
  --job-work MS           how long one leader job run works (default ${DEMO_DEFAULTS.jobWork})
  --lease-name NAME       Lease name (default: nle-demo-<random>)
  --namespace NS          namespace of the Lease (default: the kubeconfig context's, else "default")
  --kubeconfig PATH       run against this real cluster instead of the embedded server
                          (KUBECONFIG set in the environment does the same)
  --embedded              use the embedded server even when KUBECONFIG is set
  --verbose               also print the replicas' own log lines
  --timeout MS            give up after this long (default ${DEMO_DEFAULTS.timeout})
  -h, --help              show this help
`;

/** A command-line mistake; the message names the flag, the value and the fix. */
export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

const NUMERIC_FLAGS = {
  '--replicas': 'replicas',
  '--lease-duration': 'leaseDuration',
  '--renew-deadline': 'renewDeadline',
  '--retry-period': 'retryPeriod',
  '--job-work': 'jobWork',
  '--timeout': 'timeout',
} as const;

/** Parses argv (without node and the script) and the environment; throws DemoUsageError. */
export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DemoOptions {
  const options: DemoOptions = { ...DEMO_DEFAULTS, verbose: false, help: false };
  let embedded = false;
  let kubeconfigFlag: string | undefined;

  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]!);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) {
        throw new DemoUsageError(`${flag} needs a value, e.g. ${flag} ${exampleFor(flag)}`);
      }
      return v;
    };
    if (flag === '-h' || flag === '--help') options.help = true;
    else if (flag === '--verbose') options.verbose = true;
    else if (flag === '--embedded') embedded = true;
    else if (flag === '--kubeconfig') kubeconfigFlag = value();
    else if (flag === '--namespace') options.namespace = value();
    else if (flag === '--lease-name') options.leaseName = value();
    else if (flag in NUMERIC_FLAGS) {
      options[NUMERIC_FLAGS[flag as keyof typeof NUMERIC_FLAGS]] = positiveInt(flag, value());
    } else {
      throw new DemoUsageError(
        `unknown option ${JSON.stringify(argv[i])}: see --help for the options`,
      );
    }
  }

  if (kubeconfigFlag !== undefined && embedded) {
    throw new DemoUsageError('--kubeconfig and --embedded exclude each other: pass one of them');
  }
  if (kubeconfigFlag !== undefined) {
    options.kubeconfig = kubeconfigFlag;
    options.kubeconfigSource = '--kubeconfig';
  } else if (!embedded && env.KUBECONFIG) {
    options.kubeconfig = env.KUBECONFIG;
    options.kubeconfigSource = 'KUBECONFIG';
  }
  validate(options);
  return options;
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function exampleFor(flag: string): string {
  if (flag === '--kubeconfig') return '~/.kube/config';
  if (flag === '--namespace') return 'default';
  if (flag === '--lease-name') return 'my-demo';
  return flag === '--replicas' ? '3' : '3000';
}

function positiveInt(flag: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value <= 0) {
    throw new DemoUsageError(
      `${flag} must be a positive whole number, got ${JSON.stringify(raw)}: e.g. ${flag} ${exampleFor(flag)}`,
    );
  }
  return value;
}

function validate(o: DemoOptions): void {
  if (o.replicas < 3 || o.replicas > 9) {
    throw new DemoUsageError(
      `--replicas must be between 3 and 9, got ${o.replicas}: the demo stops one replica and ` +
        'kills another, and needs a third to take over',
    );
  }
  // The same rules the library enforces, checked here so the mistake is reported once, up front,
  // instead of by every replica.
  if (o.leaseDuration <= o.renewDeadline) {
    throw new DemoUsageError(
      `--lease-duration (${o.leaseDuration} ms) must be greater than --renew-deadline (${o.renewDeadline} ms)`,
    );
  }
  if (o.renewDeadline <= 1.2 * o.retryPeriod) {
    throw new DemoUsageError(
      `--renew-deadline (${o.renewDeadline} ms) must be greater than 1.2 × --retry-period ` +
        `(${o.retryPeriod} ms = ${1.2 * o.retryPeriod} ms)`,
    );
  }
  if (o.leaseDuration % 1000 !== 0) {
    throw new DemoUsageError(
      `--lease-duration must be whole seconds (the Lease stores leaseDurationSeconds), got ` +
        `${o.leaseDuration}: e.g. --lease-duration ${Math.max(1000, Math.round(o.leaseDuration / 1000) * 1000)}`,
    );
  }
  if (o.leaseName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.leaseName)) {
    throw new DemoUsageError(
      `--lease-name ${JSON.stringify(o.leaseName)} is not a valid object name: use lowercase ` +
        "letters, digits, '-' and '.', e.g. --lease-name my-demo",
    );
  }
}
