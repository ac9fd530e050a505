import type { Clock } from './clock.js';
import type { LeaderElectionLogger } from './logger.js';
import type { LeaderElectionMetrics } from './metrics.js';
import type { ResourceLock } from './locks/resource-lock.interface.js';

/** client-go's `JitterFactor`: acquire retries wait `retryPeriod × (1 + U[0,1) × 1.2)`. */
export const JITTER_FACTOR = 1.2;

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
  /** How long followers wait after they last saw the record change. @default 15000 */
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
