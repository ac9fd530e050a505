import type {
  ConfigurationOptions,
  CoreV1Api,
  V1ConfigMap,
  V1ObjectMeta,
} from '@kubernetes/client-node';
import type { LeaderElectionRecord } from '../../leader-election-record.js';
import { KubeObjectLock, type KubeObjectLockOptions } from '../kube-object-lock.js';
import {
  LEADER_ANNOTATION_KEY,
  formatAnnotationRecord,
  parseAnnotationRecord,
} from './annotation-record.js';

export interface ConfigMapLockOptions extends KubeObjectLockOptions {
  coreApi: Pick<
    CoreV1Api,
    'readNamespacedConfigMap' | 'createNamespacedConfigMap' | 'replaceNamespacedConfigMap'
  >;
}

/**
 * LEGACY: client-go's `ConfigMapLock` (removed in client-go v0.24), for migrating from, or
 * running next to, components that still elect through a ConfigMap. The record is JSON in the
 * annotation `control-plane.alpha.kubernetes.io/leader`. Prefer the `leases` lock; to migrate,
 * run the `configmapsleases` MultiLock for one release first.
 */
export class ConfigMapLock extends KubeObjectLock<V1ConfigMap> {
  protected readonly kind = 'ConfigMap';
  protected readonly apiVersion = 'v1';
  protected readonly group = '';
  protected readonly resource = 'configmaps';
  protected readonly uninitializedName = 'configmap';
  private readonly api: ConfigMapLockOptions['coreApi'];

  constructor(options: ConfigMapLockOptions) {
    super(options);
    this.api = options.coreApi;
  }

  protected collectionPath(): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps`;
  }

  protected readObject(options: ConfigurationOptions | undefined): Promise<V1ConfigMap> {
    return this.api.readNamespacedConfigMap(
      { name: this.name, namespace: this.namespace },
      options,
    );
  }

  protected createObject(
    body: V1ConfigMap,
    options: ConfigurationOptions | undefined,
  ): Promise<V1ConfigMap> {
    return this.api.createNamespacedConfigMap({ namespace: this.namespace, body }, options);
  }

  protected replaceObject(
    body: V1ConfigMap,
    options: ConfigurationOptions | undefined,
  ): Promise<V1ConfigMap> {
    return this.api.replaceNamespacedConfigMap(
      { name: this.name, namespace: this.namespace, body },
      options,
    );
  }

  protected newObject(record: LeaderElectionRecord, metadata: V1ObjectMeta): V1ConfigMap {
    return {
      apiVersion: this.apiVersion,
      kind: this.kind,
      metadata: {
        ...metadata,
        annotations: { [LEADER_ANNOTATION_KEY]: formatAnnotationRecord(record) },
      },
    };
  }

  protected withRecord(cached: V1ConfigMap, record: LeaderElectionRecord): V1ConfigMap {
    return {
      ...cached,
      metadata: {
        ...cached.metadata,
        annotations: {
          ...cached.metadata?.annotations,
          [LEADER_ANNOTATION_KEY]: formatAnnotationRecord(record),
        },
      },
    };
  }

  protected readRecord(object: V1ConfigMap, problems: string[]): LeaderElectionRecord {
    return parseAnnotationRecord(object.metadata?.annotations?.[LEADER_ANNOTATION_KEY], problems);
  }

  /** client-go's raw record for annotation locks is the annotation itself ('' when absent). */
  protected rawOf(object: V1ConfigMap): string {
    return object.metadata?.annotations?.[LEADER_ANNOTATION_KEY] ?? '';
  }
}
