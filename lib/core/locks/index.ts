export * from './resource-lock.interface.js';
export * from './lock-factory.types.js';
export { createLock } from './lock-factory.js';
export { LeaseLock, type LeaseLockOptions } from './lease-lock.js';
export type { KubeObjectLockOptions } from './kube-object-lock.js';
export { ConfigMapLock, type ConfigMapLockOptions } from './legacy/configmap-lock.js';
export { EndpointsLock, type EndpointsLockOptions } from './legacy/endpoints-lock.js';
export { MultiLock, UNKNOWN_LEADER } from './legacy/multi-lock.js';
export { LEADER_ANNOTATION_KEY } from './legacy/annotation-record.js';
export {
  MemoryLock,
  MemoryLockStore,
  type MemoryLockEvent,
  type MemoryLockFault,
  type MemoryLockFaultHandle,
  type MemoryLockFaultOptions,
  type MemoryLockOptions,
  type MemoryLockRequest,
  type MemoryLockStoreOptions,
  type MemoryLockVerb,
  type MemoryLockWrite,
} from './memory-lock.js';
