// ---------------------------------------------------------------------------------------------
// Election core (lib/core/leader-elector*.ts, jitter.ts, locks/memory-lock.ts).
// Config messages name the option, its value and the rule; log lines are client-go's texts
// (tools/leaderelection) followed by `lock="<namespace>/<name>"` and the relevant values.
// ---------------------------------------------------------------------------------------------

/** Renders an option value for a message: numbers as `N ms`, anything else as JSON. */
const ms = (value: unknown): string =>
  typeof value === 'number' && Number.isFinite(value)
    ? `${value} ms`
    : typeof value === 'number'
      ? String(value)
      : (JSON.stringify(value) ?? String(value));

/** Keeps an error's message only (locks never put credentials in it). */
const causeOf = (err: unknown): string =>
  err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

export const durationNotFinite = (option: string, value: unknown): string =>
  `${option} (${ms(value)}) must be a finite number of milliseconds, e.g. ${option === 'leaseDuration' ? 15000 : option === 'renewDeadline' ? 10000 : 2000}`;

export const leaseDurationNotGreaterThanRenewDeadline = (
  leaseDuration: number,
  renewDeadline: number,
): string =>
  `leaseDuration (${ms(leaseDuration)}) must be greater than renewDeadline (${ms(renewDeadline)})`;

export const renewDeadlineNotGreaterThanJitteredRetryPeriod = (
  renewDeadline: number,
  retryPeriod: number,
  jitterFactor: number,
): string =>
  `renewDeadline (${ms(renewDeadline)}) must be greater than retryPeriod × ${jitterFactor} ` +
  `(${ms(round3(retryPeriod * jitterFactor))})`;

export const durationNotPositive = (option: string, value: number): string =>
  `${option} (${ms(value)}) must be greater than zero`;

export const leaseDurationBelowOneSecond = (value: number): string =>
  `leaseDuration (${ms(value)}) must be at least 1000 ms: the lock record stores whole seconds, ` +
  'and a lease of 0 seconds is rejected by the API server (422 Invalid)';

export const requestTimeoutInvalid = (value: unknown): string =>
  `requestTimeout (${ms(value)}) must be a finite number of milliseconds greater than zero; ` +
  'leave it unset for max(1000, renewDeadline / 2)';

export const optionNotBoolean = (option: string, value: unknown): string =>
  `${option} (${ms(value)}) must be true or false`;

export const optionNotFunction = (option: string, value: unknown): string =>
  `${option} must be a function, got ${typeof value}`;

export const callbacksNotObject = (value: unknown): string =>
  `callbacks (${value === null ? 'null' : typeof value}) must be an object with ` +
  'onStartedLeading, onStoppedLeading and/or onNewLeader functions, or left unset';

export const optionLacksMethods = (option: string, missing: readonly string[]): string =>
  `${option} lacks ${missing.map((m) => `${m}()`).join(', ')}: pass an object implementing ` +
  `them, or leave ${option} unset for the default`;

export const electionNameInvalid = (value: unknown): string =>
  `name (${ms(value)}) must be a non-empty string; leave it unset to use the lock's description`;

export const lockMissing = (): string =>
  'Lock must not be nil: pass a ResourceLock as the lock option (e.g. createLock() or a MemoryLock)';

export const lockNotResourceLock = (missing: readonly string[]): string =>
  `lock is not a ResourceLock: it lacks ${missing.map((m) => `${m}()`).join(', ')}; pass a lock ` +
  'from createLock(), a MemoryLock, or an object implementing ResourceLock';

export const lockIdentityEmpty = (): string => 'Lock identity is empty: set a non-empty identity';

export const toleranceInvalid = (value: unknown): string =>
  `maxTolerableExpiredLease (${ms(value)}) must be a finite number of milliseconds >= 0`;

/** client-go's watchdog text (`Check`), filled with the election's name. */
export const failedToRenewLeadership = (name: string): string =>
  `failed election to renew leadership on lease ${name}`;

export const electionLoopDied = (name: string, err: unknown): string =>
  `leader election loop for ${name} stopped unexpectedly (${causeOf(err)}); restart the elector`;

export const requestTimedOut = (lock: string, timeoutMs: number): string =>
  `request to lock ${lock} got no answer within ${timeoutMs} ms (requestTimeout); it will be retried`;

export const leadershipEnded = (lock: string, reason: string): string =>
  `leadership of lock ${lock} ended: ${reason}`;

// Why a term ended (inserted into leadershipEnded and the log line).
export const reasonRenewDeadlineExceeded = (renewDeadline: number): string =>
  `no successful renewal within renewDeadline (${ms(renewDeadline)})`;
export const reasonRenewFailed = (): string => 'the renew round failed';
export const reasonLeaseTaken = (holder: string): string =>
  holder === ''
    ? 'the lease was released by another client'
    : `the lease is now held by "${holder}"`;
export const reasonLeaseDeleted = (): string => 'the lock object was deleted';
export const reasonStopped = (): string => 'the elector was stopped';
export const notLeading = (): string =>
  'this replica is not the leader (leadershipSignal() of a follower is always aborted)';
export const reasonUnexpectedError = (): string => 'an unexpected error in the election loop';
export const reasonHandOver = (identity: string | undefined): string =>
  identity === undefined
    ? 'handOver() was called: any other candidate may take the lease'
    : `handOver("${identity}") was called: "${identity}" is to take the lease`;
export const reasonPreferredHolder = (preferred: string): string =>
  `the lease names "${preferred}" as its preferred holder (spec.preferredHolder): handing it over`;

// handOver(identity) input.
export const handOverIdentityInvalid = (value: unknown): string =>
  `handOver(identity): identity (${JSON.stringify(value) ?? String(value)}) must be a ` +
  'non-empty string naming another candidate; leave it out to let any other candidate take ' +
  'the lease';
export const handOverToSelf = (identity: string): string =>
  `handOver(identity): "${identity}" is this replica's own identity; pass another candidate's ` +
  'identity, or leave it out to let any other candidate take the lease';

// Log lines (client-go §1.16 texts first).
export const logAttemptingToAcquire = (lock: string): string =>
  `Attempting to acquire leader lease... lock="${lock}"`;
export const logAcquired = (lock: string, identity: string, fencingToken: number): string =>
  `Successfully acquired lease lock="${lock}" identity="${identity}" leaderTransitions=${fencingToken}`;
export const logFailedToAcquire = (lock: string): string =>
  `Failed to acquire lease lock="${lock}"`;
export const logRenewed = (lock: string): string => `Successfully renewed lease lock="${lock}"`;
export const logFailedToRenew = (lock: string, reason: string): string =>
  `Failed to renew lease lock="${lock}" err="${reason}"`;
export const logOptimisticUpdateFailed = (lock: string, err: unknown): string =>
  `Failed to update lease optimistically, falling back to slow path lock="${lock}" err="${causeOf(err)}"`;
export const logErrorRetrievingLock = (lock: string, err: unknown): string =>
  `Error retrieving lease lock lock="${lock}" err="${causeOf(err)}"`;
export const logErrorCreatingLock = (lock: string, err: unknown): string =>
  `Error initially creating lease lock lock="${lock}" err="${causeOf(err)}"`;
export const logLeaseHeld = (lock: string, holder: string): string =>
  `Lease is held by ${holder} and has not yet expired lock="${lock}"`;
export const logFailedToUpdate = (lock: string, err: unknown): string =>
  `Failed to update lease lock="${lock}" err="${causeOf(err)}"`;
export const logConflictReleasing = (lock: string): string =>
  `Conflict when releasing lease, retrying lock="${lock}"`;
export const logFailedToRelease = (lock: string, err: unknown): string =>
  `Failed to release lease lock="${lock}" err="${causeOf(err)}"`;
export const logReleaseLockNotFound = (lock: string): string =>
  `lease lock not found, nothing to release lock="${lock}"`;
export const logErrorRetrievingForRelease = (lock: string, err: unknown): string =>
  `error retrieving resource lock before release lock="${lock}" err="${causeOf(err)}"`;
export const logReleaseNotHolder = (lock: string, holder: string): string =>
  `Not releasing: the lease is held by "${holder}", not by us lock="${lock}"`;
export const logReleased = (lock: string): string => `Released lease lock="${lock}"`;
export const logNewLeader = (lock: string, identity: string): string =>
  `New leader observed lock="${lock}" holder="${identity}"`;
export const logTermEnded = (lock: string, reason: string): string =>
  `Stopped leading lock="${lock}" reason="${reason}"`;
export const logStaleSuccess = (lock: string, elapsedMs: number): string =>
  `Acquire request succeeded only after ${elapsedMs} ms (>= renewDeadline); renewing before leading lock="${lock}"`;
export const logCallbackFailed = (callback: string, lock: string, err: unknown): string =>
  `${callback} callback failed (the elector goes on) lock="${lock}" err="${causeOf(err)}"`;
export const logCallbackTimedOut = (callback: string, lock: string, timeoutMs: number): string =>
  `${callback} did not settle within ${timeoutMs} ms (renewDeadline); going on without it lock="${lock}"`;
export const logWatchClosed = (lock: string, err: unknown, retryMs: number): string =>
  `Watch on the lock closed${err ? ` (${causeOf(err)})` : ''}; polling every retryPeriod and ` +
  `watching again in ${Math.round(retryMs)} ms lock="${lock}"`;
export const logWatchReopened = (lock: string): string =>
  `Watch on the lock closed by the server; watching again lock="${lock}"`;
export const logLoopError = (lock: string, err: unknown): string =>
  `Unexpected error in the leader election loop; it goes on lock="${lock}" err="${causeOf(err)}"`;
export const logHandingOver = (lock: string, identity: string | undefined): string =>
  identity === undefined
    ? `Handing over the lease to any other candidate lock="${lock}"`
    : `Handing over the lease to "${identity}" lock="${lock}"`;
export const logHandOverNotLeading = (lock: string): string =>
  `handOver() ignored: this replica is not the leader, nothing was released lock="${lock}"`;
export const logReleasingForPreferredHolder = (lock: string, preferred: string): string =>
  `The lease still names us as holder but "${preferred}" as preferred holder; releasing it ` +
  `for them instead of leading lock="${lock}"`;
export const logWaitingForPreferredHolder = (lock: string, preferred: string): string =>
  `Lease is free but reserved for its preferred holder "${preferred}" until it takes it or the ` +
  `lease duration passes lock="${lock}"`;
export const logPreferredHolderDropped = (lock: string, preferred: string): string =>
  `The API server dropped preferredHolder "${preferred}" from the release (the ` +
  'CoordinatedLeaderElection feature gate is off): the hand-over became an ordinary release, ' +
  `any candidate may take the lease lock="${lock}"`;
export const logHandOverTakenBy = (lock: string, preferred: string, holder: string): string =>
  `Hand-over to "${preferred}": the lease was taken by "${holder}" instead lock="${lock}"`;
export const logStartWhileStopping = (lock: string): string =>
  `start() ignored: the elector is still stopping; await stop() first lock="${lock}"`;

// MemoryLock (in-process lock): texts shaped like the API server's.
export const memoryLockNotFound = (name: string): string => `memory lock "${name}" not found`;
export const memoryLockAlreadyExists = (name: string): string =>
  `memory lock "${name}" already exists`;
export const memoryLockConflict = (name: string): string =>
  `Operation cannot be fulfilled on memory lock "${name}": the object has been modified; please ` +
  'apply your changes to the latest version and try again';
export const memoryLockNotInitialized = (lock: string): string =>
  `memory lock not initialized, call get or create first (lock ${lock})`;
export const memoryLockAborted = (lock: string): string =>
  `request to memory lock ${lock} was aborted before it answered (request timeout or stop)`;
export const memoryLockInjectedFault = (lock: string, reason: string): string =>
  `injected ${reason} fault on memory lock ${lock}`;
export const memoryLockOptionInvalid = (option: string, value: unknown): string =>
  `MemoryLock ${option} (${JSON.stringify(value)}) must be a non-empty string`;

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
    ". The API server rejected the credentials: check that the kubeconfig user (or the pod's " +
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

  /** A TLS handshake that failed verification: not a network fault, and retrying will not help. */
  certificateRejected: (t: KubeRequestTarget, server: string, code: string): string =>
    `cannot ${describeKubeRequest(t)}: the TLS certificate of the API server at ${server} was ` +
    `rejected (${code}). Put the cluster's CA in the kubeconfig (certificate-authority or ` +
    'certificate-authority-data) and check that the server address matches the certificate; ' +
    'this library never turns TLS verification off',

  /** A create answered 404 for the namespace itself (not for the object). */
  namespaceNotFound: (t: KubeRequestTarget, serverMessage: string | undefined): string =>
    `cannot ${describeKubeRequest(t)}: 404 NotFound` +
    (serverMessage ? ` (${serverMessage})` : '') +
    `. Namespace "${t.namespace}" does not exist: create it (kubectl create namespace ` +
    `${t.namespace}) or set the namespace option to an existing namespace`,

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

  invalidLabelKey: (key: string): string =>
    `labels key ${JSON.stringify(key)} is invalid: a label key is an optional DNS subdomain ` +
    "prefix and '/', then a name of 1 to 63 characters (letters, digits, '-', '_' or '.', " +
    "starting and ending with a letter or digit), e.g. 'app' or 'example.com/tier'; the API " +
    'server would reject the lock object with 422 Invalid on every attempt',

  invalidLabelValue: (key: string, value: unknown): string =>
    `labels.${key} (${JSON.stringify(value)}) is invalid: a label value is empty or 1 to 63 ` +
    "characters (letters, digits, '-', '_' or '.', starting and ending with a letter or digit); " +
    'the API server would reject the lock object with 422 Invalid on every attempt',

  invalidNamespace: (value: unknown): string =>
    `namespace ${JSON.stringify(value)} is invalid: it must be a lowercase RFC 1123 label ` +
    "(lowercase letters, digits or '-', starting and ending with a letter or digit, at most 63 " +
    "characters); leave it unset to use the pod's namespace",

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

// ---------------------------------------------------------------------------------------------
// Preflight (lib/core/kube/preflight.ts): namespace source, identity uniqueness and the RBAC
// self-check at startup. Nothing here blocks the election; the texts say what to change.
// ---------------------------------------------------------------------------------------------

/** A permission as the preflight reports it (structurally `PermissionCheck`). */
export interface PreflightPermission extends KubeRequestTarget {
  purpose: string;
  /** `false`: the election works without it, degraded. */
  required: boolean;
}

const lockObjectKind = (t: KubeRequestTarget): string => {
  const name = t.name !== undefined ? ` ${JSON.stringify(t.name)}` : '';
  if (t.resource === 'leases') return `the Lease${name}`;
  if (t.resource === 'configmaps') return `the ConfigMap${name}`;
  if (t.resource === 'endpoints') return `the Endpoints${name}`;
  return `${t.resource}${name}`;
};

const namespaceSources: Record<string, (context: string) => string> = {
  option: () => 'the namespace option',
  serviceaccount: () =>
    "the pod's service-account namespace file (/var/run/secrets/kubernetes.io/serviceaccount/namespace)",
  POD_NAMESPACE: () => 'the POD_NAMESPACE environment variable',
  kubeconfig: (context) => `the namespace of kubeconfig context ${JSON.stringify(context)}`,
  default: (context) =>
    'the fallback "default": no namespace option, no service-account namespace file, no ' +
    `POD_NAMESPACE and no namespace in kubeconfig context ${JSON.stringify(context)}; set the ` +
    'namespace option or POD_NAMESPACE to use another one',
};

export const preflightMessages = {
  /** What the library does with a permission, for the missing-permissions warning. */
  purpose: (t: KubeRequestTarget): string => {
    if (t.resource === 'events')
      return 'record "became leader" / "stopped leading" Events on the lock object (without it no Events are recorded)';
    const object = lockObjectKind(t);
    switch (t.verb) {
      case 'create':
        return `create ${lockObjectKind({ ...t, name: undefined })} when it does not exist yet`;
      case 'get':
        return `read ${object} on every acquire attempt and on the renew slow path`;
      case 'update':
        return `take over and renew ${object}`;
      case 'watch':
        return `watch ${object} so followers react to a release at once (without it they poll every retryPeriod)`;
      default:
        return `${t.verb} ${object}`;
    }
  },

  namespace: (lockType: string, lock: string, source: string, context: string): string =>
    `Leader election lock ${lockType} ${lock}: namespace ${JSON.stringify(lock.split('/')[0])} ` +
    `from ${(namespaceSources[source] ?? (() => source))(context)}`,

  identityIsHostname: (identity: string): string =>
    `identity ${JSON.stringify(identity)} is this machine's hostname and POD_NAME is not set: every ` +
    'process on this host (or container sharing the hostname) would use it, and all of them ' +
    'would believe they hold the lease. Leave identity unset (default `${POD_NAME ?? hostname}_<uuid>`) ' +
    'or make it unique per process',

  identityWithoutSuffix: (identity: string): string =>
    `identity ${JSON.stringify(identity)} has no random suffix: a restarted or duplicated process ` +
    'with the same identity takes the lease back at once, without waiting for it to expire, so ' +
    'two live processes with it (e.g. a StatefulSet pod recreated while the old one still runs ' +
    'on a partitioned node) could both lead. Leave identity unset (default ' +
    '`${POD_NAME ?? hostname}_<uuid>`) or append a random suffix',

  missingPermissions: (
    lock: string,
    missing: readonly PreflightPermission[],
    roleRulesYaml: string,
    unchecked: number,
  ): string => {
    const namespace = missing[0]?.namespace ?? '';
    const lines = missing.map(
      (p) =>
        `  - ${describeKubeRequest(p)} (${p.required ? 'required' : 'optional'}: ${p.purpose})`,
    );
    const blocking = missing.some((p) => p.required);
    return (
      `RBAC preflight for leader election lock ${lock}: these credentials lack ` +
      `${missing.length} permission${missing.length === 1 ? '' : 's'}:\n${lines.join('\n')}\n` +
      "Add these rules to the Role bound to this replica's service account (or kubeconfig user) " +
      `in namespace ${JSON.stringify(namespace)}:\n${roleRulesYaml}\n` +
      (blocking
        ? 'Until then the election keeps retrying and the requests that lack a permission fail with 403 Forbidden.'
        : 'Until then the election works, without what is listed as optional.') +
      (unchecked > 0
        ? ` (${unchecked} more permission${unchecked === 1 ? '' : 's'} could not be checked.)`
        : '')
    );
  },

  skipped: (lock: string, why: string): string =>
    `RBAC preflight for leader election lock ${lock} skipped: ${why}. The election goes on; a ` +
    'missing permission will show up as a 403 error naming the Role rule to add',

  passed: (lock: string, count: number): string =>
    `RBAC preflight for leader election lock ${lock}: all ${count} permissions granted`,

  reviewFailed: (reason: string, statusCode: number | undefined, server: string): string => {
    const code = statusCode !== undefined ? `${statusCode} ` : '';
    switch (reason) {
      case 'Forbidden':
        return (
          `the credentials may not create SelfSubjectAccessReviews (${code}Forbidden; every ` +
          'authenticated user normally may, through the system:basic-user ClusterRole)'
        );
      case 'Unauthorized':
        return (
          `the API server at ${server} rejected the credentials (${code}Unauthorized): check that ` +
          "the kubeconfig user (or the pod's service-account token) is valid; the election will " +
          'fail the same way'
        );
      case 'NotFound':
        return `the API server at ${server} does not serve authorization.k8s.io/v1 SelfSubjectAccessReviews (${code}NotFound)`;
      case 'Timeout':
        return `the API server at ${server} did not answer the SelfSubjectAccessReviews in time`;
      case 'Unavailable':
        return `the API server at ${server} is unreachable${statusCode !== undefined ? ` (${statusCode})` : ''}`;
      default:
        return `the SelfSubjectAccessReview failed (${code}${reason})`;
    }
  },

  noVerdict: (): string => 'a SelfSubjectAccessReview came back without status.allowed',
};
