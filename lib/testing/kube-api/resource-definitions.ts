/**
 * The resources `KubeApiTestServer` serves, each with its REST strategy (kube-apiserver's
 * `AllowCreateOnUpdate` / `AllowUnconditionalUpdate`), its Go wire type and its validation.
 * core/v1 and events.k8s.io/v1 Events share one storage bucket (as in a real cluster), stored in
 * the core shape and converted for events.k8s.io.
 */
import { defaultDeployment, defaultService } from './app-defaults.js';
import {
  validateDeployment,
  validateDeploymentUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateService,
} from './app-validation.js';
import {
  type FieldError,
  forbidden,
  invalid,
  isConfigMapKey,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  notSupported,
  pathSegmentErrors,
  required,
  validateObjectMetaCreate,
  validateObjectMetaUpdate,
} from './field-error.js';
import { modelWireType } from './model-schema.js';
import {
  BOOL,
  I32,
  MICRO,
  OBJECT_META,
  S,
  STRING_MAP,
  struct,
  TIME,
  type WireType,
} from './wire-schema.js';

type Obj = Record<string, unknown>;

export interface ValidationContext {
  /** The CoordinatedLeaderElection feature gate (off by default, as in kube-apiserver). */
  coordinatedLeaderElection: boolean;
}

export interface ResourceDefinition {
  /** Plural name, as in the URL. */
  resource: string;
  singularName: string;
  /** API group, '' for core. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  /** Discovery categories (`kubectl get all` lists the `all` ones). */
  categories: string[];
  verbs: string[];
  /** Storage bucket; core and events.k8s.io Events share 'events'. */
  bucket: string;
  /** etcd key prefix, shown in storage precondition errors. */
  etcdPrefix: string;
  allowCreateOnUpdate: boolean;
  allowUnconditionalUpdate: boolean;
  /** Writes are recorded in the write log (the lock kinds). */
  lock: boolean;
  /**
   * Has a status subresource: writes to the main resource cannot set `status` (dropped on create,
   * kept from the stored object on update).
   */
  statusSubresource: boolean;
  /** `metadata.generation` starts at 1 and counts spec changes (workload kinds). */
  tracksGeneration: boolean;
  /** A deprecation warning sent with every response for this resource. */
  warning?: string;
  /** Field selectors beyond metadata.name / metadata.namespace. */
  fieldLabels: Record<string, (o: Obj) => string>;
  wire: WireType;
  /** Group and Kind named in 422 messages. */
  invalidKind: { group: string; kind: string };
  toStorage(o: Obj): Obj;
  fromStorage(o: Obj): Obj;
  prepareForCreate(o: Obj, ctx: ValidationContext): void;
  prepareForUpdate(o: Obj, old: Obj, ctx: ValidationContext): void;
  validateCreate(o: Obj): FieldError[];
  validateUpdate(o: Obj, old: Obj): FieldError[];
  /** Extra printer columns for `kubectl get` tables (Name and Age are always there). */
  columns: Array<{ name: string; description: string; cell(o: Obj): string }>;
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const meta = (o: Obj): Obj => (o.metadata ?? {}) as Obj;
const spec = (o: Obj): Obj => (o.spec ?? {}) as Obj;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const identity = (o: Obj): Obj => o;
const nothing = (): void => {};

function base(
  p: Pick<ResourceDefinition, 'resource' | 'singularName' | 'group' | 'version' | 'kind' | 'wire'> &
    Partial<ResourceDefinition>,
): ResourceDefinition {
  return {
    listKind: `${p.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    bucket: p.resource,
    etcdPrefix: `/registry/${p.resource}`,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: true,
    lock: false,
    statusSubresource: false,
    tracksGeneration: false,
    fieldLabels: {},
    invalidKind: { group: p.group, kind: p.kind },
    toStorage: identity,
    fromStorage: identity,
    prepareForCreate: nothing,
    prepareForUpdate: nothing,
    validateCreate: (o) => validateObjectMetaCreate(meta(o)),
    validateUpdate: (o, old) => validateObjectMetaUpdate(meta(o), meta(old)),
    columns: [],
    ...p,
  };
}

// ---- coordination.k8s.io/v1 Lease -----------------------------------------------------------

const LEASE_STRATEGIES = ['OldestEmulationVersion'];

function validateLeaseSpec(o: Obj): FieldError[] {
  const s = spec(o);
  const errors: FieldError[] = [];
  const duration = s.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) {
    errors.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  }
  const transitions = s.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) {
    errors.push(
      invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'),
    );
  }
  if (typeof s.strategy === 'string') {
    const strategy = s.strategy;
    // Upstream appends "strategy" to a path that already ends in it, hence the doubled name.
    if (strategy.split('/').length === 1) {
      if (!LEASE_STRATEGIES.includes(strategy)) {
        errors.push(notSupported('spec.strategy.strategy', strategy, LEASE_STRATEGIES));
      }
    } else {
      for (const msg of isQualifiedName(strategy)) {
        errors.push(invalid('spec.strategy.strategy', strategy, msg));
      }
    }
  }
  if (str(s.preferredHolder) !== '' && str(s.strategy) === '') {
    errors.push(
      forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'),
    );
  }
  return errors;
}

function dropCoordinatedFields(o: Obj, old: Obj | undefined, ctx: ValidationContext): void {
  if (ctx.coordinatedLeaderElection || !o.spec || typeof o.spec !== 'object') return;
  const s = o.spec as Obj;
  const oldSpec = old ? spec(old) : {};
  if (oldSpec.strategy === undefined || oldSpec.strategy === null) delete s.strategy;
  if (oldSpec.preferredHolder === undefined || oldSpec.preferredHolder === null) {
    delete s.preferredHolder;
  }
}

const lease = base({
  resource: 'leases',
  singularName: 'lease',
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: false,
  lock: true,
  wire: struct('v1.Lease', {
    kind: S,
    apiVersion: S,
    metadata: OBJECT_META,
    spec: struct('v1.LeaseSpec', {
      holderIdentity: S,
      leaseDurationSeconds: I32,
      acquireTime: MICRO,
      renewTime: MICRO,
      leaseTransitions: I32,
      strategy: S,
      preferredHolder: S,
    }),
  }),
  prepareForCreate: (o, ctx) => dropCoordinatedFields(o, undefined, ctx),
  prepareForUpdate: (o, old, ctx) => dropCoordinatedFields(o, old, ctx),
  validateCreate: (o) => [...validateObjectMetaCreate(meta(o)), ...validateLeaseSpec(o)],
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(meta(o), meta(old)),
    ...validateLeaseSpec(o),
  ],
  columns: [
    {
      name: 'Holder',
      description: 'holderIdentity contains the identity of the holder of a current lease.',
      cell: (o) => str(spec(o).holderIdentity),
    },
  ],
});

// ---- core/v1 ConfigMap, Endpoints, Namespace ------------------------------------------------

function validateConfigMapData(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['data', 'binaryData']) {
    const data = o[field];
    if (!data || typeof data !== 'object') continue;
    for (const key of Object.keys(data as Obj)) {
      for (const msg of isConfigMapKey(key)) errors.push(invalid(`${field}[${key}]`, key, msg));
    }
  }
  return errors;
}

const configMap = base({
  resource: 'configmaps',
  singularName: 'configmap',
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  shortNames: ['cm'],
  lock: true,
  wire: struct('v1.ConfigMap', {
    kind: S,
    apiVersion: S,
    metadata: OBJECT_META,
    data: STRING_MAP,
    binaryData: STRING_MAP,
    immutable: BOOL,
  }),
  validateCreate: (o) => [...validateObjectMetaCreate(meta(o)), ...validateConfigMapData(o)],
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(meta(o), meta(old)),
    ...validateConfigMapData(o),
  ],
  columns: [
    {
      name: 'Data',
      description: 'Number of data entries.',
      cell: (o) =>
        String(
          Object.keys((o.data ?? {}) as Obj).length +
            Object.keys((o.binaryData ?? {}) as Obj).length,
        ),
    },
  ],
});

const endpoints = base({
  resource: 'endpoints',
  singularName: 'endpoints',
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  shortNames: ['ep'],
  etcdPrefix: '/registry/services/endpoints',
  allowCreateOnUpdate: true,
  lock: true,
  warning: 'endpointsDeprecated',
  wire: struct('v1.Endpoints', {
    kind: S,
    apiVersion: S,
    metadata: OBJECT_META,
    subsets: {
      t: 'array',
      goType: '[]v1.EndpointSubset',
      item: struct('v1.EndpointSubset', {}, true),
    },
  }),
});

const namespace = base({
  resource: 'namespaces',
  singularName: 'namespace',
  group: '',
  version: 'v1',
  kind: 'Namespace',
  namespaced: false,
  shortNames: ['ns'],
  // No delete: a real deletion empties the namespace first, which this server does not model.
  verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'],
  wire: struct('v1.Namespace', {
    kind: S,
    apiVersion: S,
    metadata: OBJECT_META,
    spec: struct('v1.NamespaceSpec', {}, true),
    status: struct('v1.NamespaceStatus', {}, true),
  }),
  // The namespace controller owns status; the name label is re-applied on every write.
  prepareForUpdate: (o, old) => {
    const m = meta(o);
    m.labels = { ...((m.labels ?? {}) as Obj), 'kubernetes.io/metadata.name': m.name };
    o.status = old.status;
  },
  validateCreate: (o) => validateObjectMetaCreate(meta(o), isDns1123Label),
  columns: [
    {
      name: 'Status',
      description: 'The status of the namespace',
      cell: (o) => str(((o.status ?? {}) as Obj).phase),
    },
  ],
});

// ---- Events: core/v1 and events.k8s.io/v1 ---------------------------------------------------

const OBJECT_REFERENCE = struct('v1.ObjectReference', {
  kind: S,
  namespace: S,
  name: S,
  uid: S,
  apiVersion: S,
  resourceVersion: S,
  fieldPath: S,
});
const EVENT_SOURCE = struct('v1.EventSource', { component: S, host: S });
const EVENT_SERIES = struct('v1.EventSeries', { count: I32, lastObservedTime: MICRO });

/** events.k8s.io/v1 name ↔ core/v1 name (k8s pkg/apis/events/v1 conversion). */
const EVENTS_V1_RENAMES: Array<[string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function rename(o: Obj, pairs: Array<[string, string]>, apiVersion: string): Obj {
  const from = new Map(pairs);
  const out: Obj = {};
  for (const [key, value] of Object.entries(o)) {
    if (key === 'apiVersion') out.apiVersion = apiVersion;
    else out[from.get(key) ?? key] = value;
  }
  return out;
}

const ZERO_TIMES = new Set([undefined, null, '', '0001-01-01T00:00:00Z']);
const isUnset = (v: unknown): boolean => ZERO_TIMES.has(v as string);

/** k8s `legacyValidateEvent`, on the core shape (its field paths are the core names). */
function legacyValidateEvent(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const ns = str(meta(o).namespace);
  const involved = (o.involvedObject ?? {}) as Obj;
  const involvedNs = str(involved.namespace);
  if (isUnset(o.eventTime)) {
    if (involvedNs === '' ? ns !== '' && ns !== 'default' : ns !== involvedNs) {
      errors.push(
        invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'),
      );
    }
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') {
      errors.push(
        invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'),
      );
    }
    const controller = str(o.reportingComponent);
    if (!controller) errors.push(required('reportingController'));
    for (const msg of isQualifiedName(controller)) {
      errors.push(invalid('reportingController', controller, msg));
    }
    const limits: Array<[string, string, number, boolean]> = [
      ['reportingInstance', 'reportingInstance', 128, true],
      ['action', 'action', 128, true],
      ['reason', 'reason', 128, true],
      ['message', 'message', 1024, false],
    ];
    for (const [key, path, max, mandatory] of limits) {
      const value = str(o[key]);
      if (mandatory && !value) errors.push(required(path));
      if (value.length > max) errors.push(invalid(path, '', `can have at most ${max} characters`));
    }
  }
  for (const msg of isDns1123Subdomain(ns)) errors.push(invalid('namespace', ns, msg));
  return errors;
}

/** The extra rules events.k8s.io/v1 applies on create (k8s `ValidateEventCreate`). */
function strictValidateEvent(o: Obj): FieldError[] {
  const errors = validateObjectMetaCreate(meta(o));
  const series = o.series as Obj | undefined | null;
  if (series && typeof series === 'object') {
    if (typeof series.count !== 'number' || series.count < 2) {
      errors.push(invalid('series.count', '', 'should be at least 2'));
    }
    if (isUnset(series.lastObservedTime)) errors.push(required('series.lastObservedTime'));
  }
  if (isUnset(o.eventTime)) errors.push(required('eventTime'));
  const type = str(o.type);
  if (type !== 'Normal' && type !== 'Warning') {
    errors.push(invalid('type', '', `has invalid value: ${type}`));
  }
  if (!isUnset(o.firstTimestamp)) errors.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (!isUnset(o.lastTimestamp)) errors.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (typeof o.count === 'number' && o.count !== 0) {
    errors.push(invalid('count', '', 'needs to be unset'));
  }
  const source = (o.source ?? {}) as Obj;
  if (str(source.component) || str(source.host)) {
    errors.push(invalid('source', '', 'needs to be unset'));
  }
  return errors;
}

const IMMUTABLE_EVENT_FIELDS = [
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];

function strictValidateEventUpdate(o: Obj, old: Obj): FieldError[] {
  const errors = validateObjectMetaUpdate(meta(o), meta(old));
  for (const key of IMMUTABLE_EVENT_FIELDS) {
    if (JSON.stringify(o[key] ?? null) !== JSON.stringify(old[key] ?? null)) {
      const path = key === 'reportingComponent' ? 'reportingController' : key;
      errors.push(invalid(path, o[key] ?? null, 'field is immutable'));
    }
  }
  return errors;
}

const eventFieldLabels: Record<string, (o: Obj) => string> = {
  'involvedObject.kind': (o) => str(((o.involvedObject ?? {}) as Obj).kind),
  'involvedObject.namespace': (o) => str(((o.involvedObject ?? {}) as Obj).namespace),
  'involvedObject.name': (o) => str(((o.involvedObject ?? {}) as Obj).name),
  'involvedObject.uid': (o) => str(((o.involvedObject ?? {}) as Obj).uid),
  'involvedObject.apiVersion': (o) => str(((o.involvedObject ?? {}) as Obj).apiVersion),
  'involvedObject.resourceVersion': (o) => str(((o.involvedObject ?? {}) as Obj).resourceVersion),
  'involvedObject.fieldPath': (o) => str(((o.involvedObject ?? {}) as Obj).fieldPath),
  reason: (o) => str(o.reason),
  reportingComponent: (o) => str(o.reportingComponent),
  source: (o) => str(((o.source ?? {}) as Obj).component),
  type: (o) => str(o.type),
};

const coreEvent = base({
  resource: 'events',
  singularName: 'event',
  group: '',
  version: 'v1',
  kind: 'Event',
  shortNames: ['ev'],
  allowCreateOnUpdate: true,
  fieldLabels: eventFieldLabels,
  wire: struct('v1.Event', {
    kind: S,
    apiVersion: S,
    metadata: OBJECT_META,
    involvedObject: OBJECT_REFERENCE,
    reason: S,
    message: S,
    source: EVENT_SOURCE,
    firstTimestamp: TIME,
    lastTimestamp: TIME,
    count: I32,
    type: S,
    eventTime: MICRO,
    series: EVENT_SERIES,
    action: S,
    related: OBJECT_REFERENCE,
    reportingComponent: S,
    reportingInstance: S,
  }),
  validateCreate: legacyValidateEvent,
  validateUpdate: legacyValidateEvent,
  columns: [
    { name: 'Type', description: 'Type of this event.', cell: (o) => str(o.type) },
    {
      name: 'Reason',
      description: 'Short, machine understandable string.',
      cell: (o) => str(o.reason),
    },
    { name: 'Message', description: 'A human-readable description.', cell: (o) => str(o.message) },
  ],
});

const eventsV1 = base({
  resource: 'events',
  singularName: 'event',
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  shortNames: ['ev'],
  bucket: 'events',
  allowCreateOnUpdate: true,
  fieldLabels: eventFieldLabels,
  invalidKind: { group: '', kind: 'Event' },
  wire: struct('v1.Event', {
    kind: S,
    apiVersion: S,
    metadata: OBJECT_META,
    eventTime: MICRO,
    series: EVENT_SERIES,
    reportingController: S,
    reportingInstance: S,
    action: S,
    reason: S,
    regarding: OBJECT_REFERENCE,
    related: OBJECT_REFERENCE,
    note: S,
    type: S,
    deprecatedSource: EVENT_SOURCE,
    deprecatedFirstTimestamp: TIME,
    deprecatedLastTimestamp: TIME,
    deprecatedCount: I32,
  }),
  toStorage: (o) => rename(o, EVENTS_V1_RENAMES, 'v1'),
  fromStorage: (o) =>
    rename(
      o,
      EVENTS_V1_RENAMES.map(([a, b]) => [b, a]),
      'events.k8s.io/v1',
    ),
  validateCreate: (o) => [...legacyValidateEvent(o), ...strictValidateEvent(o)],
  validateUpdate: (o, old) => [...legacyValidateEvent(o), ...strictValidateEventUpdate(o, old)],
  columns: coreEvent.columns,
});

// ---- What an app's manifests hold: ServiceAccount, Service, Deployment, Role, RoleBinding ------
// Full Go types from the client-node models (unknown fields are reported as the API server
// reports them); validation is the handful of rules in app-validation.ts.

const serviceAccount = base({
  resource: 'serviceaccounts',
  singularName: 'serviceaccount',
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  shortNames: ['sa'],
  wire: modelWireType('V1ServiceAccount'),
  columns: [
    {
      name: 'Secrets',
      description: 'Number of secrets.',
      cell: (o) => String(Array.isArray(o.secrets) ? o.secrets.length : 0),
    },
  ],
});

const service = base({
  resource: 'services',
  singularName: 'service',
  group: '',
  version: 'v1',
  kind: 'Service',
  shortNames: ['svc'],
  categories: ['all'],
  statusSubresource: true,
  wire: modelWireType('V1Service'),
  prepareForCreate: defaultService,
  prepareForUpdate: defaultService,
  validateCreate: (o) => [
    ...validateObjectMetaCreate(meta(o), isDns1035Label),
    ...validateService(o),
  ],
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(meta(o), meta(old)),
    ...validateService(o),
  ],
  columns: [
    { name: 'Type', description: 'The type of the service.', cell: (o) => str(spec(o).type) },
    {
      name: 'Ports',
      description: 'The port(s) of the service.',
      cell: (o) =>
        (Array.isArray(spec(o).ports) ? (spec(o).ports as Obj[]) : [])
          .map((p) => `${String(p.port)}/${str(p.protocol) || 'TCP'}`)
          .join(','),
    },
  ],
});

const deployment = base({
  resource: 'deployments',
  singularName: 'deployment',
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  statusSubresource: true,
  tracksGeneration: true,
  wire: modelWireType('V1Deployment'),
  prepareForCreate: defaultDeployment,
  prepareForUpdate: defaultDeployment,
  validateCreate: (o) => [...validateObjectMetaCreate(meta(o)), ...validateDeployment(o)],
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(meta(o), meta(old)),
    ...validateDeploymentUpdate(o, old),
  ],
  columns: [
    {
      name: 'Replicas',
      description: 'Desired replicas (no controller runs here, so none become ready).',
      cell: (o) => String(spec(o).replicas ?? 1),
    },
  ],
});

// RBAC names are path segments, not DNS names (`system:controller:foo` is valid).
const rbacName = (name: string): string[] => pathSegmentErrors(name);

const role = base({
  resource: 'roles',
  singularName: 'role',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  wire: modelWireType('V1Role'),
  validateCreate: (o) => [...validateObjectMetaCreate(meta(o), rbacName), ...validateRole(o)],
  validateUpdate: (o, old) => [...validateObjectMetaUpdate(meta(o), meta(old)), ...validateRole(o)],
});

const roleBinding = base({
  resource: 'rolebindings',
  singularName: 'rolebinding',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  wire: modelWireType('V1RoleBinding'),
  validateCreate: (o) => [
    ...validateObjectMetaCreate(meta(o), rbacName),
    ...validateRoleBinding(o),
  ],
  validateUpdate: (o, old) => [
    ...validateObjectMetaUpdate(meta(o), meta(old)),
    ...validateRoleBindingUpdate(o, old),
  ],
  columns: [
    {
      name: 'Role',
      description: 'The role this binding grants.',
      cell: (o) => {
        const ref = (o.roleRef ?? {}) as Obj;
        return `${str(ref.kind)}/${str(ref.name)}`;
      },
    },
  ],
});

/** Every served resource, keyed `<group>/<resource>` ('' group for core). */
export const RESOURCE_DEFINITIONS: readonly ResourceDefinition[] = [
  namespace,
  configMap,
  endpoints,
  coreEvent,
  lease,
  eventsV1,
  serviceAccount,
  service,
  deployment,
  role,
  roleBinding,
];

export const definitionKey = (group: string, resource: string): string => `${group}/${resource}`;

const BY_KEY = new Map(RESOURCE_DEFINITIONS.map((d) => [definitionKey(d.group, d.resource), d]));

export function findDefinition(group: string, version: string, resource: string) {
  const def = BY_KEY.get(definitionKey(group, resource));
  return def && def.version === version ? def : undefined;
}

/**
 * The definition that the test helpers (`getObject('leases', ...)`) address by plural name:
 * the storage shape, so 'events' means core/v1 Events.
 */
export const STORAGE_DEFINITIONS: ReadonlyMap<string, ResourceDefinition> = new Map(
  RESOURCE_DEFINITIONS.filter((d) => d !== eventsV1).map((d) => [d.resource, d]),
);

/** The named API groups (/apis), each served in one version. */
export const API_GROUPS: ReadonlyArray<{ group: string; version: string }> = [
  { group: 'coordination.k8s.io', version: 'v1' },
  { group: 'events.k8s.io', version: 'v1' },
  { group: 'authorization.k8s.io', version: 'v1' },
  { group: 'apps', version: 'v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1' },
];
