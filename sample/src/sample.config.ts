import type { KubeConfig } from '@kubernetes/client-node';
import { sampleMessages } from './sample.messages.js';

/** Nest log levels, least to most verbose; `LOG_LEVEL` picks where the list stops. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type SampleLogLevel = (typeof LOG_LEVELS)[number];

/** Which replicas report ready on `/health/ready`. */
export type ReadinessMode = 'all' | 'leader';
const READINESS_MODES: readonly ReadinessMode[] = ['all', 'leader'];

/**
 * The sample's settings. Read from environment variables in `main.ts` (`SampleConfig.fromEnv`);
 * tests build one directly. Provided to Nest under its own class, so it is injected by type.
 */
export class SampleConfig {
  /** Name of the Lease the replicas elect on (`LEASE_NAME`). @default 'sample-leader' */
  leaseName = 'sample-leader';
  /**
   * Namespace of the Lease. Left unset, the module resolves it (service-account namespace file,
   * then `POD_NAMESPACE`, then the kubeconfig context, then 'default').
   */
  namespace?: string;
  /**
   * `ELECTION_IDENTITY`: this replica's lease holder identity. Unset = the module's default
   * (`${POD_NAME ?? hostname}_${random suffix}`); must be unique per running replica.
   */
  identity?: string;
  /** `LEASE_DURATION_MS`; unset = the module's default (15000). */
  leaseDuration?: number;
  /** `RENEW_DEADLINE_MS`; unset = the module's default (10000). */
  renewDeadline?: number;
  /** `RETRY_PERIOD_MS`; unset = the module's default (2000). */
  retryPeriod?: number;
  /** How long one run of the leader job works (`JOB_WORK_MS`). @default 300 */
  jobWorkMs = 300;
  /** `HOST`. @default '0.0.0.0' (reachable by the kubelet's probes) */
  host = '0.0.0.0';
  /** `PORT`; 0 picks a free port. @default 3000 */
  port = 3000;
  /** `READINESS`: 'all' (every healthy replica serves) or 'leader' (only the leader is ready). @default 'all' */
  readiness: ReadinessMode = 'all';
  /**
   * `LOG_LEVEL`: the most verbose level printed. 'debug' also shows every skipped @OnLeader /
   * @OnFollower call and each election attempt. @default 'log'
   */
  logLevel: SampleLogLevel = 'log';
  /**
   * `SAMPLE_EVENTS=1`: also print one `SAMPLE_EVENT {json}` line per election event and job run,
   * for `npm run demo` to read. @default false
   */
  emitEvents = false;
  /**
   * Where the API server is. Unset = the module's default: in-cluster config, else `KUBECONFIG`,
   * else ~/.kube/config. Tests pass a `KubeConfig` here.
   */
  kubeConfig?: KubeConfig | string;

  /** The levels Nest should print for `logLevel`. */
  logLevels(): SampleLogLevel[] {
    return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(this.logLevel) + 1);
  }

  /** Reads the environment; throws an Error naming the variable, its value and the fix. */
  static fromEnv(env: NodeJS.ProcessEnv): SampleConfig {
    const config = new SampleConfig();
    if (env.LEASE_NAME !== undefined) {
      if (env.LEASE_NAME.trim() === '') throw new Error(sampleMessages.emptyLeaseName());
      config.leaseName = env.LEASE_NAME.trim();
    }
    if (env.POD_NAMESPACE) config.namespace = env.POD_NAMESPACE;
    if (env.ELECTION_IDENTITY?.trim()) config.identity = env.ELECTION_IDENTITY.trim();
    config.leaseDuration = readMs(env, 'LEASE_DURATION_MS');
    config.renewDeadline = readMs(env, 'RENEW_DEADLINE_MS');
    config.retryPeriod = readMs(env, 'RETRY_PERIOD_MS');
    config.jobWorkMs = readMs(env, 'JOB_WORK_MS') ?? config.jobWorkMs;
    if (env.HOST) config.host = env.HOST;
    if (env.PORT !== undefined && env.PORT !== '') config.port = readPort(env.PORT);
    if (env.READINESS) config.readiness = readChoice('READINESS', env.READINESS, READINESS_MODES);
    if (env.LOG_LEVEL) config.logLevel = readChoice('LOG_LEVEL', env.LOG_LEVEL, LOG_LEVELS);
    config.emitEvents = env.SAMPLE_EVENTS === '1' || env.SAMPLE_EVENTS === 'true';
    return config;
  }
}

function readMs(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value <= 0) {
    throw new Error(sampleMessages.notAPositiveInteger(variable, raw));
  }
  return value;
}

function readPort(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value > 65535) throw new Error(sampleMessages.invalidPort(raw));
  return value;
}

function readChoice<T extends string>(variable: string, raw: string, choices: readonly T[]): T {
  const value = raw.trim() as T;
  if (!choices.includes(value))
    throw new Error(sampleMessages.invalidChoice(variable, raw, choices));
  return value;
}
