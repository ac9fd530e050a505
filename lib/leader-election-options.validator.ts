import { KubeConfig } from '@kubernetes/client-node';
import { LeaderElectionConfigError } from './core/errors.js';
import { validateDurations } from './core/leader-elector.config.js';
import { LOCK_TYPES, type LockType } from './core/locks/lock-factory.types.js';
import type { ResourceLock } from './core/locks/resource-lock.interface.js';
import type { LeaderElectionMetrics } from './core/metrics.js';
import { lockMessages } from './core/messages.js';
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_HEALTH_TOLERANCE_MS,
} from './leader-election.constants.js';
import {
  INVALID_BOOLEAN,
  INVALID_DRAIN_TIMEOUT,
  INVALID_ELECTION_OPTIONS,
  INVALID_HEALTH_TOLERANCE,
  INVALID_KUBECONFIG,
  INVALID_LABEL_VALUE,
  INVALID_LABELS,
  INVALID_METRICS,
  INVALID_NON_EMPTY_STRING,
  INVALID_RESOURCE_LOCK,
  OPTIONS_NOT_OBJECT,
} from './leader-election.messages.js';

/** @internal `LeaderElectionModuleOptions` after type checks, with defaults applied. */
export interface ResolvedModuleOptions {
  name: string;
  namespace?: string;
  identity?: string;
  lock: LockType;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  releaseOnShutdown: boolean;
  watch: boolean;
  kubeConfig?: KubeConfig | string;
  recordEvents: boolean;
  healthTolerance: number;
  autoStart: boolean;
  labels?: Record<string, string>;
  resourceLock?: ResourceLock;
  /** `false`: no metrics; `undefined`: the default (OpenTelemetry); else the user's hooks. */
  metrics?: LeaderElectionMetrics | false;
  preflight: boolean;
  /** Already capped at renewDeadline. */
  drainTimeout: number;
}

const RESOURCE_LOCK_METHODS = ['get', 'create', 'update', 'recordEvent', 'identity', 'describe'];
const METRICS_METHODS = ['on', 'off', 'slowpathExercised'];
const OPTIONAL_METRICS_METHODS = ['transition', 'renewLatency', 'conflict', 'renewed'];

/**
 * @internal
 * Checks the types and shapes of the module options and applies the defaults. The timing rules
 * are the core's (`validateDurations`), and the lock name, namespace and identity rules are
 * `createLock()`'s, so they are not repeated here.
 */
export function validateModuleOptions(input: unknown): ResolvedModuleOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LeaderElectionConfigError('options', OPTIONS_NOT_OBJECT(input));
  }
  const options = input as Record<string, unknown>;
  const rawName = options['name'];
  if (typeof rawName !== 'string' || rawName.trim() === '') {
    throw new LeaderElectionConfigError(
      'name',
      INVALID_ELECTION_OPTIONS(undefined, INVALID_NON_EMPTY_STRING('name', rawName)),
    );
  }
  const name = rawName;
  const fail = (option: string, detail: string): never => {
    throw new LeaderElectionConfigError(option, INVALID_ELECTION_OPTIONS(name, detail));
  };

  const optionalString = (option: string, message: (value: unknown) => string) => {
    const value = options[option];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') return fail(option, message(value));
    return value;
  };
  const boolean = (option: string, fallback: boolean): boolean => {
    const value = options[option];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') return fail(option, INVALID_BOOLEAN(option, value));
    return value;
  };

  // The core's timing rules, checked here already so they fail before any kubeconfig is read.
  let durations: ReturnType<typeof validateDurations>;
  try {
    durations = validateDurations({
      leaseDuration: options['leaseDuration'] as number | undefined,
      renewDeadline: options['renewDeadline'] as number | undefined,
      retryPeriod: options['retryPeriod'] as number | undefined,
    });
  } catch (error) {
    const option = error instanceof LeaderElectionConfigError ? error.option : 'leaseDuration';
    return fail(option, (error as Error).message);
  }

  const lock = options['lock'] ?? 'leases';
  if (!LOCK_TYPES.includes(lock as LockType)) {
    fail('lock', lockMessages.unknownLockType(lock, LOCK_TYPES));
  }

  const healthTolerance = options['healthTolerance'] ?? DEFAULT_HEALTH_TOLERANCE_MS;
  if (
    typeof healthTolerance !== 'number' ||
    !Number.isFinite(healthTolerance) ||
    healthTolerance < 0
  ) {
    fail('healthTolerance', INVALID_HEALTH_TOLERANCE(healthTolerance));
  }

  const kubeConfig = options['kubeConfig'];
  if (
    kubeConfig !== undefined &&
    typeof kubeConfig !== 'string' &&
    !(kubeConfig instanceof KubeConfig)
  ) {
    fail('kubeConfig', INVALID_KUBECONFIG(kubeConfig));
  }

  const labels = options['labels'];
  if (labels !== undefined) {
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
      fail('labels', INVALID_LABELS(labels));
    }
    for (const [key, value] of Object.entries(labels as object)) {
      if (typeof value !== 'string') fail('labels', INVALID_LABEL_VALUE(key, value));
    }
  }

  const resourceLock = options['resourceLock'];
  if (
    resourceLock !== undefined &&
    (typeof resourceLock !== 'object' ||
      resourceLock === null ||
      RESOURCE_LOCK_METHODS.some(
        (method) => typeof (resourceLock as Record<string, unknown>)[method] !== 'function',
      ))
  ) {
    fail('resourceLock', INVALID_RESOURCE_LOCK(resourceLock));
  }

  const metrics = options['metrics'];
  if (metrics !== undefined && metrics !== false) {
    const hooks = metrics as Record<string, unknown>;
    if (
      typeof metrics !== 'object' ||
      metrics === null ||
      METRICS_METHODS.some((method) => typeof hooks[method] !== 'function') ||
      OPTIONAL_METRICS_METHODS.some(
        (method) => hooks[method] !== undefined && typeof hooks[method] !== 'function',
      )
    ) {
      fail('metrics', INVALID_METRICS(metrics));
    }
  }

  const drainTimeout = options['drainTimeout'] ?? DEFAULT_DRAIN_TIMEOUT_MS;
  if (typeof drainTimeout !== 'number' || !Number.isFinite(drainTimeout) || drainTimeout < 0) {
    fail('drainTimeout', INVALID_DRAIN_TIMEOUT(drainTimeout));
  }

  return {
    name,
    namespace: optionalString('namespace', (v) => INVALID_NON_EMPTY_STRING('namespace', v)),
    identity: optionalString('identity', lockMessages.emptyIdentity),
    lock: lock as LockType,
    leaseDuration: durations.leaseDuration,
    renewDeadline: durations.renewDeadline,
    retryPeriod: durations.retryPeriod,
    releaseOnShutdown: boolean('releaseOnShutdown', true),
    watch: boolean('watch', true),
    kubeConfig: kubeConfig as KubeConfig | string | undefined,
    recordEvents: boolean('recordEvents', true),
    healthTolerance: healthTolerance as number,
    autoStart: boolean('autoStart', true),
    labels: labels as Record<string, string> | undefined,
    resourceLock: resourceLock as ResourceLock | undefined,
    metrics: metrics as LeaderElectionMetrics | false | undefined,
    preflight: boolean('preflight', true),
    // The elector bounds its beforeRelease hook by renewDeadline anyway.
    drainTimeout: Math.min(drainTimeout as number, durations.renewDeadline),
  };
}
