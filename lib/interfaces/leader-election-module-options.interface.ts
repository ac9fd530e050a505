import type { KubeConfig } from '@kubernetes/client-node';
import type { LockType } from '../core/locks/lock-factory.types.js';
import type { ResourceLock } from '../core/locks/resource-lock.interface.js';
import type { LeaderElectionMetrics } from '../core/metrics.js';

/**
 * Options of `LeaderElectionModule.forRoot()`. Durations are milliseconds. They are validated
 * when the application initialises (`app.init()` rejects with a message naming the option, its
 * value and the rule), with client-go's rules: `leaseDuration > renewDeadline > 1.2 ×
 * retryPeriod > 0`.
 *
 * @publicApi
 */
export interface LeaderElectionModuleOptions {
  /**
   * The election's name and the lock object's name (a DNS-1123 subdomain, e.g. `billing-jobs`).
   * Replicas that use the same name and namespace compete for the same lock. Decorators, the
   * guard, the health indicator and the service take it when several elections are registered.
   */
  name: string;
  /**
   * Namespace of the lock object.
   * @default the service-account namespace file, then `POD_NAMESPACE`, then the kubeconfig
   * context's namespace, then `'default'`
   */
  namespace?: string;
  /**
   * This replica's identity, written as the lease holder. Must be unique per replica.
   * @default `${POD_NAME ?? hostname}_${random suffix}`
   */
  identity?: string;
  /**
   * Lock type. `configmaps`/`endpoints` and the migration types `configmapsleases`/
   * `endpointsleases` exist only to interoperate with older holders.
   * @default 'leases'
   */
  lock?: LockType;
  /** How long followers wait after they last saw the lease change before taking it. @default 15000 */
  leaseDuration?: number;
  /** How long the leader keeps retrying a renewal before it steps down. @default 10000 */
  renewDeadline?: number;
  /** Wait between attempts (acquire retries are jittered by up to 1.2×). @default 2000 */
  retryPeriod?: number;
  /**
   * Release the lease when the application shuts down (`app.close()`, or a signal handled by
   * `app.enableShutdownHooks()`), so another replica takes over at once instead of after
   * `leaseDuration`. Leader-only work is told to stop (the leadership signal aborts and
   * `@OnStoppedLeading` handlers run) before the release is written; make sure it honours the
   * signal, or two replicas may act at the same time (client-go's `ReleaseOnCancel` caveat).
   * @default true
   */
  releaseOnShutdown?: boolean;
  /**
   * Watch the lock object so followers react to a release at once and take over at the exact
   * expiry; polling stays as the fallback. `false` = plain client-go polling.
   * @default true
   */
  watch?: boolean;
  /**
   * Where to reach the API server: a `KubeConfig`, or a path to a kubeconfig file.
   * @default in-cluster config, else `KUBECONFIG`, else `~/.kube/config`
   */
  kubeConfig?: KubeConfig | string;
  /** Post Kubernetes Events (`became leader` / `stopped leading`) on the lock object. @default true */
  recordEvents?: boolean;
  /**
   * How long past `leaseDuration` a leader may go without renewing before
   * `LeaderElectionHealthIndicator.isHealthy()` reports it down (client-go's watchdog).
   * @default 20000
   */
  healthTolerance?: number;
  /**
   * Start competing when the application bootstraps. With `false`, call
   * `LeaderElectionService.start(name)` yourself.
   * @default true
   */
  autoStart?: boolean;
  /** Labels put on the lock object. @default none */
  labels?: Record<string, string>;
  /**
   * Advanced: a custom lock (like controller-runtime's `LeaderElectionResourceLockInterface`),
   * e.g. `MemoryLock` for local development. When set, `kubeConfig`, `namespace`, `lock`,
   * `labels` and `recordEvents` are ignored and the identity is `resourceLock.identity()`.
   * @default a lock of type `lock` created from `kubeConfig`
   */
  resourceLock?: ResourceLock;
  /**
   * Metrics: `leader_election_master_status` and `leader_election_slowpath_total` (client-go's
   * names) plus transitions, conflicts, renew duration and seconds since the last renew, with
   * the label `name`. By default they are reported through the OpenTelemetry metrics API, which
   * records nothing until the application registers a `MeterProvider` (e.g. the SDK with a
   * Prometheus exporter). `false` turns them off; an object implementing
   * `LeaderElectionMetrics` (e.g. `createOpenTelemetryMetrics(meter)` on your own meter) is used
   * as is and stays yours to dispose of.
   * @default createOpenTelemetryMetrics() for this election, disposed of when the app closes
   */
  metrics?: LeaderElectionMetrics | false;
  /**
   * Check at start-up, without delaying the election or the application: log the lock's
   * namespace and where it came from, warn when the identity looks shared by several
   * processes, and ask the API server (SelfSubjectAccessReviews) whether these credentials have
   * every permission the lock needs, logging ONE warning with the Role rules to add when some
   * are missing. When the reviews are not allowed the check is skipped with a log line. Not
   * run with a custom `resourceLock`.
   * @default true
   */
  preflight?: boolean;
  /**
   * On shutdown and on `stop({ release: true })`, how long the leader waits, after the
   * leadership signal aborted and before it releases the lease, for `@OnLeader()` invocations
   * still running (async methods whose promise has not settled) to finish. The wait is logged.
   * Capped at `renewDeadline`; 0 releases at once. Another replica takes over only after the
   * release, so an invocation that settles in time never overlaps with the next leader's work;
   * one still running after `drainTimeout` may (the log says so).
   * @default 5000
   */
  drainTimeout?: number;
}
