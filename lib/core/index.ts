// The `./core` subpath: the framework-free elector and locks (no @nestjs/*, rxjs or
// reflect-metadata). Internals (message factories, record converters' helpers, jitter) stay out.
export { systemClock, sleep, type Clock } from './clock.js';
export {
  LeaderElectionConfigError,
  LockError,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type LockErrorReason,
} from './errors.js';
export type { LeaderElectionRecord } from './leader-election-record.js';
export {
  DEFAULT_LEASE_DURATION_MS,
  DEFAULT_RENEW_DEADLINE_MS,
  DEFAULT_RETRY_PERIOD_MS,
  HAND_OVER_STRATEGY,
  JITTER_FACTOR,
  validateDurations,
  type LeaderCallbacks,
  type LeaderElectorConfig,
  type LeaderElectorStatus,
  type LeadershipContext,
  type ResolvedElectionDurations,
} from './leader-elector.config.js';
export { LeaderElector } from './leader-elector.js';
export { silentLogger, type LeaderElectionLogger } from './logger.js';
export { noopMetrics, type LeaderElectionMetrics } from './metrics.js';
export {
  createOpenTelemetryMetrics,
  type OpenTelemetryLeaderElectionMetrics,
  type OpenTelemetryMetricsOptions,
} from './metrics/otel-metrics.js';
export * from './kube/index.js';
export * from './locks/index.js';
