// ---------------------------------------------------------------------------------------------
// Locks and Kubernetes client plumbing (lib/core/locks, lib/core/kube).
// Every message names the value at fault and what to do about it. None may contain a token,
// password or other credential: callers pass server URLs through `safeServerUrl` first.
// ---------------------------------------------------------------------------------------------

/** What a Kubernetes API request was about, for error messages and RBAC hints. */
export interface KubeRequestTarget {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  /** API group; `''` for core (configmaps, endpoints, events). */
  group: string;
  /** Plural resource, e.g. `leases`. */
  resource: string;
  namespace: string;
  /** Absent for create/list, which RBAC cannot restrict by name. */
  name?: string;
}

const groupResource = (t: KubeRequestTarget): string =>
  t.group ? `${t.resource}.${t.group}` : t.resource;

/** `update leases.coordination.k8s.io "x" in namespace "ns"` */
export const describeKubeRequest = (t: KubeRequestTarget): string =>
  `${t.verb} ${groupResource(t)}${t.name !== undefined ? ` "${t.name}"` : ''} in namespace "${t.namespace}"`;

/** The Role rule that grants `t`, in the shape a user pastes into a Role. */
export const rbacRuleFor = (t: KubeRequestTarget): string =>
  `apiGroups ["${t.group}"], resources ["${t.resource}"], verbs ["${t.verb}"]` +
  (t.name !== undefined && t.verb !== 'create' && t.verb !== 'list'
    ? `, resourceNames ["${t.name}"]`
    : '');

export const lockMessages = {
  forbidden: (t: KubeRequestTarget, serverMessage: string | undefined): string =>
    `cannot ${describeKubeRequest(t)}: 403 Forbidden` +
    (serverMessage ? ` (${serverMessage})` : '') +
    `. Grant it with a Role rule in namespace "${t.namespace}": ${rbacRuleFor(t)}`,

  unauthorized: (t: KubeRequestTarget, serverMessage: string | undefined): string =>
    `cannot ${describeKubeRequest(t)}: 401 Unauthorized` +
    (serverMessage && serverMessage !== 'Unauthorized' ? ` (${serverMessage})` : '') +
    '. The API server rejected the credentials: check that the kubeconfig user (or the pod\'s ' +
    'service account token) is valid and not expired or revoked',

  apiStatus: (
    t: KubeRequestTarget,
    code: number,
    reason: string | undefined,
    serverMessage: string | undefined,
  ): string =>
    `cannot ${describeKubeRequest(t)}: ${code}${reason ? ` ${reason}` : ''}` +
    (serverMessage ? ` (${serverMessage})` : ''),

  timeout: (t: KubeRequestTarget, server: string): string =>
    `cannot ${describeKubeRequest(t)}: no answer from the API server at ${server} before the ` +
    'request was aborted (request timeout or renew deadline); it will be retried',

  unavailable: (t: KubeRequestTarget, server: string, cause: string): string =>
    `cannot ${describeKubeRequest(t)}: the API server at ${server} is unreachable (${cause}); ` +
    'check the server address in the kubeconfig and the network path to it',

  unexpected: (t: KubeRequestTarget, cause: string): string =>
    `cannot ${describeKubeRequest(t)}: ${cause}`,

  notInitialized: (kind: 'lease' | 'configmap' | 'endpoint', describe: string): string =>
    `${kind} not initialized, call get or create first (lock ${describe})`,

  corruptedRecord: (object: string, problems: readonly string[]): string =>
    `the leader election record in ${object} is corrupted: ${problems.join('; ')}. ` +
    'Reading the bad fields as zero values (a lease without a valid holder and duration can be ' +
    'taken over at once); the next write by an elector repairs it',

  apiWarning: (object: string, warning: string): string =>
    `the API server warns about ${object}: ${warning} (logged once per lock)`,

  unknownLockType: (value: unknown, valid: readonly string[]): string =>
    `lock type ${JSON.stringify(value)} is not supported: use one of ${valid.map((v) => `'${v}'`).join(', ')} ` +
    "('leases' is the default; the others are legacy types kept for migration)",

  invalidLockName: (value: unknown): string =>
    `lock name ${JSON.stringify(value)} is invalid: it must be a lowercase RFC 1123 subdomain ` +
    "(lowercase letters, digits, '-' or '.', starting and ending with a letter or digit, at most " +
    "253 characters), e.g. 'billing-jobs'",

  invalidNamespace: (value: unknown): string =>
    `namespace ${JSON.stringify(value)} is invalid: it must be a lowercase RFC 1123 label ` +
    "(lowercase letters, digits or '-', starting and ending with a letter or digit, at most 63 " +
    'characters); leave it unset to use the pod\'s namespace',

  emptyIdentity: (value: unknown): string =>
    `identity ${JSON.stringify(value)} is invalid: it must be a non-empty string unique to this ` +
    'replica; leave it unset to use `${POD_NAME ?? hostname}_<random>`',

  missingKubeConfig: (): string =>
    'kubeConfig is required to create a lock: pass a KubeConfig (see loadKubeConfig())',

  watchExpired: (object: string): string =>
    `watch on ${object} expired (410); re-reading the object and watching again`,

  eventFailed: (object: string, message: string, cause: string): string =>
    `could not record the event "${message}" on ${object}: ${cause} (events are best effort)`,

  eventDropped: (object: string, message: string, limit: number): string =>
    `dropped the event "${message}" on ${object}: ${limit} events are already being sent`,
};

export const kubeConfigMessages = {
  emptyPath: (): string =>
    'kubeConfig is an empty string: pass the path of a kubeconfig file, a KubeConfig instance, ' +
    'or leave it unset to use the in-cluster config, KUBECONFIG or ~/.kube/config',

  fileMissing: (path: string, origin: string): string =>
    `kubeconfig file ${JSON.stringify(path)} (${origin}) does not exist or cannot be read: fix ` +
    'the path, or leave kubeConfig unset to use the in-cluster config',

  fileInvalid: (path: string, origin: string, cause: string): string =>
    `kubeconfig file ${JSON.stringify(path)} (${origin}) could not be loaded (${cause}): check ` +
    'that it is a valid kubeconfig YAML file',

  noCurrentCluster: (origin: string, context: string): string =>
    `the kubeconfig from ${origin} has no cluster for its current context ${JSON.stringify(context)}: ` +
    'set current-context to a context whose cluster exists (kubectl config use-context <name>)',

  notFound: (tried: readonly string[]): string =>
    `no Kubernetes configuration found. Tried: ${tried.join('; ')}. Fix: run in a pod with a ` +
    'service account token mounted, set KUBECONFIG to a kubeconfig file, create ~/.kube/config, ' +
    'or pass kubeConfig (a KubeConfig instance or the path of a kubeconfig file)',
};
