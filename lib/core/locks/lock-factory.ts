import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { LeaderElectionConfigError } from '../errors.js';
import { lockMessages } from '../messages.js';
import { EventRecorder } from '../kube/event-recorder.js';
import { kubeRequestContext } from '../kube/request-options.js';
import type { KubeObjectLockOptions } from './kube-object-lock.js';
import { LeaseLock } from './lease-lock.js';
import { ConfigMapLock } from './legacy/configmap-lock.js';
import { EndpointsLock } from './legacy/endpoints-lock.js';
import { MultiLock } from './legacy/multi-lock.js';
import { LOCK_TYPES, type CreateLockOptions, type LockType } from './lock-factory.types.js';
import type { ResourceLock } from './resource-lock.interface.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The name part of a label key, and a non-empty label value (apimachinery's qualified name). */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Kubernetes label rules (apimachinery IsQualifiedName / IsValidLabelValue). */
function checkLabels(labels: Record<string, string> | undefined): void {
  if (labels === undefined) return;
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash === -1 ? undefined : key.slice(0, slash);
    const name = slash === -1 ? key : key.slice(slash + 1);
    const prefixOk =
      prefix === undefined ||
      (prefix.length > 0 && prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
    if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name))
      throw new LeaderElectionConfigError('labels', lockMessages.invalidLabelKey(key));
    if (
      typeof value !== 'string' ||
      (value !== '' && (value.length > 63 || !LABEL_NAME.test(value)))
    )
      throw new LeaderElectionConfigError('labels', lockMessages.invalidLabelValue(key, value));
  }
}

/**
 * Builds the lock for `options.type` (client-go's `resourcelock.New`) over the API clients of
 * `options.kubeConfig`, with an event recorder unless `recordEvents` is false.
 *
 * @throws LeaderElectionConfigError naming the option when the type is unknown, the name is not
 *   a DNS subdomain, the namespace not a DNS label, the identity empty, or a label key or value
 *   breaks Kubernetes' label rules.
 */
export function createLock(options: CreateLockOptions): ResourceLock {
  const type: LockType = options.type ?? 'leases';
  if (!LOCK_TYPES.includes(type))
    throw new LeaderElectionConfigError('lock', lockMessages.unknownLockType(type, LOCK_TYPES));
  if (
    typeof options.name !== 'string' ||
    options.name.length > 253 ||
    !DNS_SUBDOMAIN.test(options.name)
  )
    throw new LeaderElectionConfigError('name', lockMessages.invalidLockName(options.name));
  if (
    typeof options.namespace !== 'string' ||
    options.namespace.length > 63 ||
    !DNS_LABEL.test(options.namespace)
  )
    throw new LeaderElectionConfigError(
      'namespace',
      lockMessages.invalidNamespace(options.namespace),
    );
  if (typeof options.identity !== 'string' || options.identity.trim() === '')
    throw new LeaderElectionConfigError('identity', lockMessages.emptyIdentity(options.identity));
  if (!(options.kubeConfig instanceof KubeConfig))
    throw new LeaderElectionConfigError('kubeConfig', lockMessages.missingKubeConfig());
  // Checked here, because the API server would answer every create/update with 422 Invalid.
  checkLabels(options.labels);

  const kubeConfig = options.kubeConfig;
  const coreApi = kubeConfig.makeApiClient(CoreV1Api);
  const events =
    options.recordEvents === false
      ? undefined
      : new EventRecorder({
          coreApi,
          context: kubeRequestContext(kubeConfig),
          component: options.eventComponent,
          clock: options.clock,
          random: options.random,
          logger: options.logger,
        });
  const base: KubeObjectLockOptions = {
    name: options.name,
    namespace: options.namespace,
    identity: options.identity,
    kubeConfig,
    labels: options.labels,
    events,
    logger: options.logger,
    clock: options.clock,
    random: options.random,
  };
  const lease = () =>
    new LeaseLock({ ...base, coordinationApi: kubeConfig.makeApiClient(CoordinationV1Api) });

  switch (type) {
    case 'leases':
      return lease();
    case 'configmaps':
      return new ConfigMapLock({ ...base, coreApi });
    case 'endpoints':
      return new EndpointsLock({ ...base, coreApi });
    case 'configmapsleases':
      return new MultiLock(new ConfigMapLock({ ...base, coreApi }), lease());
    case 'endpointsleases':
      return new MultiLock(new EndpointsLock({ ...base, coreApi }), lease());
  }
}
