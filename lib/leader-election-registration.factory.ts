import { LeaderElectionConfigError } from './core/errors.js';
import { LeaderElector } from './core/leader-elector.js';
import type { LeaderCallbacks } from './core/leader-elector.config.js';
import type { LeaderElectionLogger } from './core/logger.js';
import { defaultIdentity } from './core/kube/identity.js';
import { loadKubeConfig } from './core/kube/kube-config.js';
import { resolveNamespace } from './core/kube/namespace.js';
import { createLock } from './core/locks/lock-factory.js';
import type { ResourceLock } from './core/locks/resource-lock.interface.js';
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
 * it validates the options, builds the lock (or takes `resourceLock`) and the core elector.
 * Every error names the election and the option.
 */
export function createElectionRegistration(options: unknown, order: number): ElectionRegistration {
  let resolved: ResolvedModuleOptions | undefined;
  const resolve = () => (resolved ??= validateModuleOptions(options));
  return {
    order,
    resolveName: () => resolve().name,
    createElector: (callbacks, logger) => createElection(resolve(), callbacks, logger),
  };
}

function createElection(
  options: ResolvedModuleOptions,
  callbacks: LeaderCallbacks,
  logger: LeaderElectionLogger,
): ElectionSetup {
  const wrap = (fallbackOption: string, error: unknown): never => {
    const option = error instanceof LeaderElectionConfigError ? error.option : fallbackOption;
    const detail = error instanceof Error ? error.message : String(error);
    throw new LeaderElectionConfigError(option, INVALID_ELECTION_OPTIONS(options.name, detail));
  };

  let lock: ResourceLock;
  if (options.resourceLock) {
    lock = options.resourceLock;
    if (options.identity !== undefined && options.identity !== lock.identity()) {
      wrap('identity', IDENTITY_MISMATCH(options.identity, lock.identity()));
    }
  } else {
    lock = createKubernetesLock(options, logger, wrap);
  }

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
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
  } catch (error) {
    return wrap('options', error);
  }

  return {
    elector,
    settings: {
      name: options.name,
      identity: lock.identity(),
      lock: lock.describe(),
      leaseDuration: options.leaseDuration,
      renewDeadline: options.renewDeadline,
      retryPeriod: options.retryPeriod,
      healthTolerance: options.healthTolerance,
      releaseOnShutdown: options.releaseOnShutdown,
      autoStart: options.autoStart,
    },
  };
}

function createKubernetesLock(
  options: ResolvedModuleOptions,
  logger: LeaderElectionLogger,
  wrap: (option: string, error: unknown) => never,
): ResourceLock {
  let kubeConfig;
  try {
    kubeConfig = loadKubeConfig(options.kubeConfig);
  } catch (error) {
    return wrap('kubeConfig', error);
  }
  const { namespace } = resolveNamespace(options.namespace, kubeConfig);
  try {
    return createLock({
      type: options.lock,
      name: options.name,
      namespace,
      identity: options.identity ?? defaultIdentity(),
      kubeConfig,
      labels: options.labels,
      recordEvents: options.recordEvents,
      logger,
    });
  } catch (error) {
    return wrap('lock', error);
  }
}
