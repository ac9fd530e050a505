import { systemClock, type Clock } from './clock.js';
import { LeaderElectionConfigError } from './errors.js';
import { silentLogger, type LeaderElectionLogger } from './logger.js';
import * as messages from './messages.js';
import { noopMetrics, type LeaderElectionMetrics } from './metrics.js';
import type { ResourceLock } from './locks/resource-lock.interface.js';

/** client-go's `JitterFactor`: acquire retries wait `retryPeriod × (1 + U[0,1) × 1.2)`. */
export const JITTER_FACTOR = 1.2;

/**
 * The `spec.strategy` a hand-over writes next to `preferredHolder` when the lease has no strategy
 * yet: the API server accepts a `preferredHolder` only with a strategy, and any value other than
 * `OldestEmulationVersion` must be a qualified name with a `/`. Candidates drop it again when
 * they take the lease (it only ever accompanies a preferred holder).
 */
export const HAND_OVER_STRATEGY = 'nestjs-leader-election/hand-over';

/** The defaults core Kubernetes components use (client-go documents them; it applies none). */
export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;

/** What `onStartedLeading` receives. */
export interface LeadershipContext {
  /** Aborted when this term ends (loss, release, stop). Pass it to leader-only work. */
  signal: AbortSignal;
  identity: string;
  /** The lease's `leaderTransitions` for this term; grows with every holder change. */
  fencingToken: number;
}

/** client-go's `LeaderCallbacks`. Errors thrown (or rejected) here are logged, never rethrown. */
export interface LeaderCallbacks {
  /** This replica became leader. */
  onStartedLeading?(context: LeadershipContext): void | Promise<void>;
  /** A term ended (loss, release, stop). Called once per term, after `signal` aborted. */
  onStoppedLeading?(): void | Promise<void>;
  /** The observed holder changed (including to ourselves; may be `''` after a release). */
  onNewLeader?(identity: string): void | Promise<void>;
}

/** Configuration of a `LeaderElector`. Durations are milliseconds. */
export interface LeaderElectorConfig {
  lock: ResourceLock;
  /** Label for metrics and logs (the election's name). @default lock.describe() */
  name?: string;
  /**
   * How long followers wait after they last saw the record change. The record stores whole
   * seconds: this value is rounded up (so followers never wait less than configured) and must
   * be at least 1000. @default 15000
   */
  leaseDuration?: number;
  /** How long a leader keeps retrying a renewal before it steps down. @default 10000 */
  renewDeadline?: number;
  /** Wait between attempts. @default 2000 */
  retryPeriod?: number;
  /** Per-request timeout. @default max(1000, renewDeadline / 2) */
  requestTimeout?: number;
  /** Release the lease when `stop()` is called while leading. @default true */
  releaseOnCancel?: boolean;
  /**
   * Watch the lock object so followers react to a release at once and schedule takeover at the
   * exact local expiry; polling stays as the fallback. `false` = plain client-go polling.
   * Ignored when the lock has no `watch`. @default true
   */
  watch?: boolean;
  callbacks?: LeaderCallbacks;
  /** @default systemClock */
  clock?: Clock;
  /** Uniform random in [0, 1), for jitter. @default Math.random */
  random?: () => number;
  /** @default silentLogger */
  logger?: LeaderElectionLogger;
  /** @default noopMetrics */
  metrics?: LeaderElectionMetrics;
  /**
   * Called on stop/hand-over after the leadership signal aborted and before the release is
   * written, so leader-only work can settle. Bounded by the elector to `renewDeadline`.
   */
  beforeRelease?: () => Promise<void>;
}

/** The state an elector reports to `onStateChange` listeners and health checks. */
export type LeaderElectorStatus = 'idle' | 'running' | 'stopping' | 'stopped';

/** The timing options after defaults and validation. */
export interface ResolvedElectionDurations {
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  requestTimeout: number;
}

/** A `LeaderElectorConfig` with every default applied; what the elector runs on. */
export interface ResolvedLeaderElectorConfig extends ResolvedElectionDurations {
  lock: ResourceLock;
  identity: string;
  name: string;
  releaseOnCancel: boolean;
  watch: boolean;
  callbacks: LeaderCallbacks;
  clock: Clock;
  random: () => number;
  logger: LeaderElectionLogger;
  metrics: LeaderElectionMetrics;
  beforeRelease?: () => Promise<void>;
}

const fail = (option: string, message: string): never => {
  throw new LeaderElectionConfigError(option, message);
};

const finiteOrDefault = (option: string, value: unknown, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(option, messages.durationNotFinite(option, value));
  }
  return value as number;
};

/**
 * Applies the defaults to the timing options and checks them with client-go's rules, in
 * client-go's order (`NewLeaderElector`), so an all-zero config reports the first rule:
 * 1. leaseDuration > renewDeadline, 2. renewDeadline > retryPeriod × 1.2, 3–5. each > 0;
 * then this port's own rules (finite numbers first, leaseDuration ≥ 1 s, requestTimeout > 0).
 *
 * Exported so that adapters (the Nest module) validate options with the same rules and
 * messages before a lock exists.
 * @throws LeaderElectionConfigError naming the option, its value and the rule.
 */
export function validateDurations(options: {
  leaseDuration?: number;
  renewDeadline?: number;
  retryPeriod?: number;
  requestTimeout?: number;
}): ResolvedElectionDurations {
  const leaseDuration = finiteOrDefault(
    'leaseDuration',
    options.leaseDuration,
    DEFAULT_LEASE_DURATION_MS,
  );
  const renewDeadline = finiteOrDefault(
    'renewDeadline',
    options.renewDeadline,
    DEFAULT_RENEW_DEADLINE_MS,
  );
  const retryPeriod = finiteOrDefault('retryPeriod', options.retryPeriod, DEFAULT_RETRY_PERIOD_MS);

  if (leaseDuration <= renewDeadline) {
    fail(
      'leaseDuration',
      messages.leaseDurationNotGreaterThanRenewDeadline(leaseDuration, renewDeadline),
    );
  }
  if (renewDeadline <= JITTER_FACTOR * retryPeriod) {
    fail(
      'renewDeadline',
      messages.renewDeadlineNotGreaterThanJitteredRetryPeriod(
        renewDeadline,
        retryPeriod,
        JITTER_FACTOR,
      ),
    );
  }
  if (leaseDuration <= 0)
    fail('leaseDuration', messages.durationNotPositive('leaseDuration', leaseDuration));
  if (renewDeadline <= 0)
    fail('renewDeadline', messages.durationNotPositive('renewDeadline', renewDeadline));
  if (retryPeriod <= 0)
    fail('retryPeriod', messages.durationNotPositive('retryPeriod', retryPeriod));
  if (leaseDuration < 1000)
    fail('leaseDuration', messages.leaseDurationBelowOneSecond(leaseDuration));

  let requestTimeout = Math.max(1000, renewDeadline / 2);
  if (options.requestTimeout !== undefined) {
    const value: unknown = options.requestTimeout;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      fail('requestTimeout', messages.requestTimeoutInvalid(value));
    }
    requestTimeout = value as number;
  }
  return { leaseDuration, renewDeadline, retryPeriod, requestTimeout };
}

/**
 * Validates `config` and applies every default (see the `@default` tags of
 * `LeaderElectorConfig`). Timing rules first (see `validateDurations`), then the callbacks and
 * hooks, then the lock (client-go: `Lock must not be nil`, `Lock identity is empty`).
 * @throws LeaderElectionConfigError naming the option, its value and the rule.
 */
export function resolveConfig(config: LeaderElectorConfig): ResolvedLeaderElectorConfig {
  if (config === null || typeof config !== 'object') fail('lock', messages.lockMissing());
  const durations = validateDurations(config);

  for (const option of ['releaseOnCancel', 'watch'] as const) {
    const value: unknown = config[option];
    if (value !== undefined && typeof value !== 'boolean') {
      fail(option, messages.optionNotBoolean(option, value));
    }
  }
  const rawCallbacks: unknown = config.callbacks;
  if (rawCallbacks !== undefined && (rawCallbacks === null || typeof rawCallbacks !== 'object')) {
    fail('callbacks', messages.callbacksNotObject(rawCallbacks));
  }
  const callbacks: LeaderCallbacks = config.callbacks ?? {};
  for (const key of ['onStartedLeading', 'onStoppedLeading', 'onNewLeader'] as const) {
    const value: unknown = callbacks[key];
    if (value !== undefined && typeof value !== 'function') {
      fail(`callbacks.${key}`, messages.optionNotFunction(`callbacks.${key}`, value));
    }
  }
  for (const key of ['beforeRelease', 'random'] as const) {
    const value: unknown = config[key];
    if (value !== undefined && typeof value !== 'function') {
      fail(key, messages.optionNotFunction(key, value));
    }
  }

  const shapes = [
    ['clock', ['now', 'wallNow', 'setTimer']],
    ['logger', ['log', 'warn', 'error']],
    ['metrics', ['on', 'off', 'slowpathExercised']],
  ] as const;
  for (const [option, methods] of shapes) {
    const value = config[option] as unknown;
    if (value === undefined) continue;
    const missing = methods.filter(
      (method) =>
        typeof value !== 'object' ||
        value === null ||
        typeof (value as Record<string, unknown>)[method] !== 'function',
    );
    if (missing.length > 0) fail(option, messages.optionLacksMethods(option, missing));
  }

  const lock: unknown = config.lock;
  if (lock === undefined || lock === null || typeof lock !== 'object') {
    fail('lock', messages.lockMissing());
  }
  const missing = ['get', 'create', 'update', 'recordEvent', 'identity', 'describe'].filter(
    (method) => typeof (lock as Record<string, unknown>)[method] !== 'function',
  );
  if (missing.length > 0) fail('lock', messages.lockNotResourceLock(missing));
  const identity: unknown = config.lock.identity();
  if (typeof identity !== 'string' || identity === '')
    fail('identity', messages.lockIdentityEmpty());

  let name = config.name;
  if (name === undefined) name = config.lock.describe();
  else if (typeof name !== 'string' || name === '')
    fail('name', messages.electionNameInvalid(name));

  return {
    ...durations,
    lock: config.lock,
    identity: identity as string,
    name,
    releaseOnCancel: config.releaseOnCancel ?? true,
    watch: config.watch ?? true,
    callbacks,
    clock: config.clock ?? systemClock,
    random: config.random ?? Math.random,
    logger: config.logger ?? silentLogger,
    metrics: config.metrics ?? noopMetrics,
    beforeRelease: config.beforeRelease,
  };
}
