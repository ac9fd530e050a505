import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../clock.js';
import type { LeaderElectionLogger } from '../logger.js';

/** Lock types, as client-go v0.27 named them. `leases` is the default; the others are legacy/migration. */
export type LockType =
  'leases' | 'configmaps' | 'endpoints' | 'configmapsleases' | 'endpointsleases';

export const LOCK_TYPES: readonly LockType[] = [
  'leases',
  'configmaps',
  'endpoints',
  'configmapsleases',
  'endpointsleases',
];

/** Options of `createLock()` (implemented in `lock-factory.ts`). */
export interface CreateLockOptions {
  /** @default 'leases' */
  type?: LockType;
  /** The lock object's name. */
  name: string;
  namespace: string;
  identity: string;
  kubeConfig: KubeConfig;
  /** Put on the lock object on create, merged into it on update (client-go NewWithLabels). */
  labels?: Record<string, string>;
  /** Post core/v1 Events on the lock object for became/stopped leading. @default true */
  recordEvents?: boolean;
  /** Event `source.component` / `reportingComponent`. @default 'nestjs-leader-election' */
  eventComponent?: string;
  logger?: LeaderElectionLogger;
  /** Wall time for event timestamps and timers for watch/event timeouts. @default systemClock */
  clock?: Clock;
  /** Uniform random in [0, 1) (watch timeouts, event names). @default Math.random */
  random?: () => number;
}
