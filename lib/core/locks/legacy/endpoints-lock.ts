import type {
  ConfigurationOptions,
  CoreV1Api,
  ResponseContext,
  V1Endpoints,
} from '@kubernetes/client-node';
import { lockMessages } from '../../messages.js';
import { redact } from '../../kube/request-options.js';
import type { KubeObjectLockOptions } from '../kube-object-lock.js';
import { AnnotationLock } from './annotation-lock.js';

export interface EndpointsLockOptions extends KubeObjectLockOptions {
  coreApi: Pick<
    CoreV1Api,
    'readNamespacedEndpoints' | 'createNamespacedEndpoints' | 'replaceNamespacedEndpoints'
  >;
}

/**
 * LEGACY: client-go's `EndpointsLock` (removed in client-go v0.24; the v1 Endpoints API is
 * deprecated since Kubernetes 1.33), for migrating from components that still elect through an
 * Endpoints object. The record is JSON in the annotation `control-plane.alpha.kubernetes.io/leader`.
 * Prefer the `leases` lock; to migrate, run the `endpointsleases` MultiLock for one release first.
 */
export class EndpointsLock extends AnnotationLock<V1Endpoints> {
  protected readonly kind = 'Endpoints';
  protected readonly apiVersion = 'v1';
  protected readonly group = '';
  protected readonly resource = 'endpoints';
  protected readonly uninitializedName = 'endpoint';
  private readonly api: EndpointsLockOptions['coreApi'];
  private warned = false;

  constructor(options: EndpointsLockOptions) {
    super(options);
    this.api = options.coreApi;
  }

  protected collectionPath(): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/endpoints`;
  }

  protected readObject(options: ConfigurationOptions | undefined): Promise<V1Endpoints> {
    return this.api.readNamespacedEndpoints(
      { name: this.name, namespace: this.namespace },
      options,
    );
  }

  protected createObject(
    body: V1Endpoints,
    options: ConfigurationOptions | undefined,
  ): Promise<V1Endpoints> {
    return this.api.createNamespacedEndpoints({ namespace: this.namespace, body }, options);
  }

  protected replaceObject(
    body: V1Endpoints,
    options: ConfigurationOptions | undefined,
  ): Promise<V1Endpoints> {
    return this.api.replaceNamespacedEndpoints(
      { name: this.name, namespace: this.namespace, body },
      options,
    );
  }

  /**
   * Every Endpoints response carries the API server's deprecation warning (Kubernetes 1.33+);
   * it is logged once per lock, not on every renewal.
   */
  protected override onResponse(response: ResponseContext): void {
    if (this.warned) return;
    const warning = response.headers['warning'];
    if (!warning) return;
    this.warned = true;
    this.logger.warn(
      lockMessages.apiWarning(
        this.describeObject(),
        redact(parseWarning(warning), this.context.secrets),
      ),
    );
  }
}

/** `299 - "text"` (RFC 7234 warn-code, agent, quoted text) → `text`. */
function parseWarning(header: string): string {
  const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(header);
  return m?.[1] ? m[1].replace(/\\(.)/g, '$1') : header;
}
