import type {
  ConfigurationOptions,
  CoordinationV1Api,
  V1Lease,
  V1ObjectMeta,
} from '@kubernetes/client-node';
import type { LeaderElectionRecord } from '../leader-election-record.js';
import { KubeObjectLock, type KubeObjectLockOptions } from './kube-object-lock.js';
import { leaseSpecToRecord, recordToLeaseSpec } from './lease-record.js';
import { rawRecord } from './record-format.js';

export interface LeaseLockOptions extends KubeObjectLockOptions {
  coordinationApi: Pick<
    CoordinationV1Api,
    'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
  >;
}

/**
 * client-go's `LeaseLock`: the record lives in a `coordination.k8s.io/v1` Lease's spec
 * (`leaderTransitions` ↔ `leaseTransitions`, times as MicroTime). The default lock type.
 */
export class LeaseLock extends KubeObjectLock<V1Lease> {
  protected readonly kind = 'Lease';
  protected readonly apiVersion = 'coordination.k8s.io/v1';
  protected readonly group = 'coordination.k8s.io';
  protected readonly resource = 'leases';
  protected readonly uninitializedName = 'lease';
  private readonly api: LeaseLockOptions['coordinationApi'];

  constructor(options: LeaseLockOptions) {
    super(options);
    this.api = options.coordinationApi;
  }

  protected collectionPath(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/leases`;
  }

  protected readObject(options: ConfigurationOptions | undefined): Promise<V1Lease> {
    return this.api.readNamespacedLease({ name: this.name, namespace: this.namespace }, options);
  }

  protected createObject(
    body: V1Lease,
    options: ConfigurationOptions | undefined,
  ): Promise<V1Lease> {
    return this.api.createNamespacedLease({ namespace: this.namespace, body }, options);
  }

  protected replaceObject(
    body: V1Lease,
    options: ConfigurationOptions | undefined,
  ): Promise<V1Lease> {
    return this.api.replaceNamespacedLease(
      { name: this.name, namespace: this.namespace, body },
      options,
    );
  }

  protected newObject(record: LeaderElectionRecord, metadata: V1ObjectMeta): V1Lease {
    return {
      apiVersion: this.apiVersion,
      kind: this.kind,
      metadata,
      spec: recordToLeaseSpec(record),
    };
  }

  protected withRecord(cached: V1Lease, record: LeaderElectionRecord): V1Lease {
    return { ...cached, spec: recordToLeaseSpec(record) };
  }

  protected readRecord(object: V1Lease, problems: string[]): LeaderElectionRecord {
    return leaseSpecToRecord(object.spec, problems);
  }

  protected rawOf(_object: V1Lease, record: LeaderElectionRecord): string {
    return rawRecord(record);
  }
}
