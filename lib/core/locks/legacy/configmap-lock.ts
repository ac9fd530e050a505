import type { ConfigurationOptions, CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import type { KubeObjectLockOptions } from '../kube-object-lock.js';
import { AnnotationLock } from './annotation-lock.js';

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
export class ConfigMapLock extends AnnotationLock<V1ConfigMap> {
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
}
