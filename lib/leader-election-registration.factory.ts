import type { KubeConfig } from '@kubernetes/client-node';
import { LeaderElectionConfigError } from './core/errors.js';
import { LeaderElector } from './core/leader-elector.js';
import type { LeaderCallbacks } from './core/leader-elector.config.js';
import type { LeaderElectionLogger } from './core/logger.js';
import { defaultIdentity } from './core/kube/identity.js';
import { loadKubeConfig } from './core/kube/kube-config.js';
import { resolveNamespace, type ResolvedNamespace } from './core/kube/namespace.js';
import { runPreflight } from './core/kube/preflight.js';
import { createLock } from './core/locks/lock-factory.js';
import type { ResourceLock } from './core/locks/resource-lock.interface.js';
import type { LeaderElectionMetrics } from './core/metrics.js';
import {
  createOpenTelemetryMetrics,
  type OpenTelemetryLeaderElectionMetrics,
} from './core/metrics/otel-metrics.js';
import type { LeaderElectionInFlightTracker } from './leader-election-in-flight.tracker.js';
import { IDENTITY_MISMATCH, INVALID_ELECTION_OPTIONS } from './leader-election.messages.js';
import {
  validateModuleOptions,
  type ResolvedModuleOptions,
} from './leader-election-options.validator.js';
import type {
  ElectionRegistration,
  ElectionSetup,
} from './interfaces/managed-elector.interface.js';

/**
 * @internal
 * The registration of one `LeaderElectionModule.forRoot()`/`forRootAsync()`: at `onModuleInit`
 * it validates the options, builds the lock (or takes `resourceLock`), the metrics, the core
 * elector (whose `beforeRelease` drains `inFlight`), and the start-up preflight.
 * Every error names the election and the option.
 */
export function createElectionRegistration(options: unknown, order: number): ElectionRegistration {
  let resolved: ResolvedModuleOptions | undefined;
  const resolve = () => (resolved ??= validateModuleOptions(options));
  return {
    order,
    resolveName: () => resolve().name,
    createElector: (callbacks, logger, inFlight) =>
      createElection(resolve(), callbacks, logger, inFlight),
  };
}

function createElection(
  options: ResolvedModuleOptions,
  callbacks: LeaderCallbacks,
  logger: LeaderElectionLogger,
  inFlight: LeaderElectionInFlightTracker | undefined,
): ElectionSetup {
  const wrap = (fallbackOption: string, error: unknown): never => {
    const option = error instanceof LeaderElectionConfigError ? error.option : fallbackOption;
    const detail = error instanceof Error ? error.message : String(error);
    throw new LeaderElectionConfigError(option, INVALID_ELECTION_OPTIONS(options.name, detail));
  };

  let lock: ResourceLock;
  let kubernetes: KubernetesLock | undefined;
  if (options.resourceLock) {
    lock = options.resourceLock;
    if (options.identity !== undefined && options.identity !== lock.identity()) {
      wrap('identity', IDENTITY_MISMATCH(options.identity, lock.identity()));
    }
  } else {
    kubernetes = createKubernetesLock(options, logger, wrap);
    lock = kubernetes.lock;
  }
  const lockName = lock.describe();

  // The default reports through the global OpenTelemetry API (a no-op until the app registers a
  // MeterProvider); it is this election's own, so it is disposed of with it.
  let metrics: LeaderElectionMetrics | undefined;
  let ownMetrics: OpenTelemetryLeaderElectionMetrics | undefined;
  if (options.metrics === undefined) metrics = ownMetrics = createOpenTelemetryMetrics();
  else if (options.metrics !== false) metrics = options.metrics;

  let elector: LeaderElector;
  try {
    elector = new LeaderElector({
      lock,
      name: options.name,
      leaseDuration: options.leaseDuration,
      renewDeadline: options.renewDeadline,
      retryPeriod: options.retryPeriod,
      releaseOnCancel: options.releaseOnShutdown,
      watch: options.watch,
      callbacks,
      logger,
      ...(metrics ? { metrics } : {}),
      ...(inFlight && options.drainTimeout > 0
        ? { beforeRelease: () => inFlight.drain(lockName, options.drainTimeout, logger) }
        : {}),
    });
  } catch (error) {
    ownMetrics?.dispose();
    return wrap('options', error);
  }

  const setup: ElectionSetup = {
    elector,
    settings: {
      name: options.name,
      identity: lock.identity(),
      lock: lockName,
      leaseDuration: options.leaseDuration,
      renewDeadline: options.renewDeadline,
      retryPeriod: options.retryPeriod,
      healthTolerance: options.healthTolerance,
      releaseOnShutdown: options.releaseOnShutdown,
      autoStart: options.autoStart,
      drainTimeout: options.drainTimeout,
    },
  };
  if (ownMetrics) setup.dispose = () => ownMetrics.dispose();
  if (kubernetes && options.preflight) {
    const { kubeConfig, namespace } = kubernetes;
    setup.preflight = (signal) =>
      runPreflight({
        kubeConfig,
        namespace: namespace.namespace,
        namespaceSource: namespace.source,
        name: options.name,
        lockType: options.lock,
        identity: lock.identity(),
        recordEvents: options.recordEvents,
        watch: options.watch,
        logger,
        signal,
      });
  }
  return setup;
}

interface KubernetesLock {
  lock: ResourceLock;
  kubeConfig: KubeConfig;
  namespace: ResolvedNamespace;
}

function createKubernetesLock(
  options: ResolvedModuleOptions,
  logger: LeaderElectionLogger,
  wrap: (option: string, error: unknown) => never,
): KubernetesLock {
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeConfig(options.kubeConfig);
  } catch (error) {
    return wrap('kubeConfig', error);
  }
  const namespace = resolveNamespace(options.namespace, kubeConfig);
  try {
    const lock = createLock({
      type: options.lock,
      name: options.name,
      namespace: namespace.namespace,
      identity: options.identity ?? defaultIdentity(),
      kubeConfig,
      labels: options.labels,
      recordEvents: options.recordEvents,
      logger,
    });
    return { lock, kubeConfig, namespace };
  } catch (error) {
    return wrap('lock', error);
  }
}
