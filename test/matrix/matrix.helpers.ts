/**
 * Shared pieces of the bad-input and security matrix (test/matrix/*.spec.ts): roomy timings for a
 * loaded machine, a bounded wait, a core elector over a real Kubernetes lock, and the request
 * targets the lock messages are built from.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { LeaderElector } from '../../lib/core/leader-elector.js';
import type { LeaderElectorConfig } from '../../lib/core/leader-elector.config.js';
import { createLock } from '../../lib/core/locks/lock-factory.js';
import type { LockType } from '../../lib/core/locks/lock-factory.types.js';
import type { ResourceLock } from '../../lib/core/locks/resource-lock.interface.js';
import type { KubeRequestTarget } from '../../lib/core/messages.js';
import { CapturingLogger } from '../support/recorders.js';
import { sleep, waitFor } from '../support/wait-for.js';
export { sleep, waitFor };

/** Real-time durations with room for a loaded 2-core machine (renew rounds may be slow). */
export const TIMING = { leaseDuration: 4000, renewDeadline: 3000, retryPeriod: 500 } as const;

export interface KubeElectorOptions {
  kubeConfig: KubeConfig;
  name: string;
  namespace: string;
  identity: string;
  type?: LockType;
  labels?: Record<string, string>;
  recordEvents?: boolean;
  /** Overrides of the elector config (timings, watch, callbacks...). */
  config?: Partial<LeaderElectorConfig>;
}

export interface KubeElector {
  elector: LeaderElector;
  lock: ResourceLock;
  /** Every line the lock and the elector logged. */
  logger: CapturingLogger;
}

/** A core `LeaderElector` over `createLock()` (real client-node over HTTP), logging to memory. */
export function kubeElector(options: KubeElectorOptions): KubeElector {
  const logger = new CapturingLogger();
  const lock = createLock({
    type: options.type ?? 'leases',
    name: options.name,
    namespace: options.namespace,
    identity: options.identity,
    kubeConfig: options.kubeConfig,
    labels: options.labels,
    recordEvents: options.recordEvents ?? false,
    logger,
  });
  const elector = new LeaderElector({ lock, logger, ...TIMING, ...options.config });
  return { elector, lock, logger };
}

/** Where each lock type keeps its record: the API group and plural resource. */
export const LOCK_RESOURCE: Record<'leases' | 'configmaps' | 'endpoints', { group: string }> = {
  leases: { group: 'coordination.k8s.io' },
  configmaps: { group: '' },
  endpoints: { group: '' },
};

/** The request a lock message is about (create has no name: RBAC cannot restrict it). */
export function target(
  verb: KubeRequestTarget['verb'],
  namespace: string,
  name: string,
  resource: 'leases' | 'configmaps' | 'endpoints' = 'leases',
): KubeRequestTarget {
  return {
    verb,
    group: LOCK_RESOURCE[resource].group,
    resource,
    namespace,
    name: verb === 'create' ? undefined : name,
  };
}

/** `Lease ns/name`, as the locks name their object in log lines. */
export function objectName(
  resource: 'leases' | 'configmaps' | 'endpoints',
  namespace: string,
  name: string,
): string {
  const kind = { leases: 'Lease', configmaps: 'ConfigMap', endpoints: 'Endpoints' }[resource];
  return `${kind} ${namespace}/${name}`;
}
