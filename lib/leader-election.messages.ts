/**
 * Every Nest-side message, as factories that name the value and say what to do. Tests import
 * these to assert exact texts. Values are rendered by `describeValue`, which never prints
 * objects in full (a kubeconfig could carry a token).
 */

/** Renders a user-supplied value for a message: strings quoted, objects by kind only. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  const ctor = (value as object).constructor?.name;
  return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}

const list = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(', ');

export const OPTIONS_NOT_OBJECT = (value: unknown) =>
  `LeaderElectionModule options must be an object with at least a name, got ${describeValue(value)}. Pass e.g. LeaderElectionModule.forRoot({ name: 'my-app' }).`;

/** Prefix that ties an option error to its election (several can be registered). */
export const INVALID_ELECTION_OPTIONS = (election: string | undefined, detail: string) =>
  election === undefined
    ? `Invalid LeaderElectionModule options: ${detail}`
    : `Invalid LeaderElectionModule options for election ${JSON.stringify(election)}: ${detail}`;

export const INVALID_NON_EMPTY_STRING = (option: string, value: unknown) =>
  `${option} (${describeValue(value)}) must be a non-empty string; leave it out to use the default.`;

export const INVALID_BOOLEAN = (option: string, value: unknown) =>
  `${option} (${describeValue(value)}) must be true or false.`;

export const INVALID_HEALTH_TOLERANCE = (value: unknown) =>
  `healthTolerance (${describeValue(value)}) must be a finite number of milliseconds >= 0 (default 20000).`;

export const INVALID_DRAIN_TIMEOUT = (value: unknown) =>
  `drainTimeout (${describeValue(value)}) must be a finite number of milliseconds >= 0 (default 5000, capped at renewDeadline); 0 releases without waiting for in-flight @OnLeader invocations.`;

export const INVALID_METRICS = (value: unknown) =>
  `metrics (${describeValue(value)}) must be false (no metrics) or an object implementing LeaderElectionMetrics (on, off, slowpathExercised functions), e.g. createOpenTelemetryMetrics(meter); leave it out to report through the OpenTelemetry API (a no-op until the application registers a MeterProvider).`;

export const INVALID_LABELS = (value: unknown) =>
  `labels (${describeValue(value)}) must be an object of string values, e.g. { app: 'billing' }.`;

export const INVALID_LABEL_VALUE = (key: string, value: unknown) =>
  `labels.${key} (${describeValue(value)}) must be a string.`;

export const INVALID_KUBECONFIG = (value: unknown) =>
  `kubeConfig (${describeValue(value)}) must be a KubeConfig from @kubernetes/client-node or a path to a kubeconfig file; leave it out to load the in-cluster or default config.`;

export const INVALID_RESOURCE_LOCK = (value: unknown) =>
  `resourceLock (${describeValue(value)}) must implement ResourceLock (get, create, update, recordEvent, identity, describe).`;

export const IDENTITY_MISMATCH = (identity: string, lockIdentity: string) =>
  `identity (${JSON.stringify(identity)}) differs from resourceLock.identity() (${JSON.stringify(lockIdentity)}); leave identity out when you pass a resourceLock, it is taken from the lock.`;

export const ASYNC_OPTIONS_MISSING = () =>
  `LeaderElectionModule.forRootAsync() needs one of useFactory, useClass or useExisting.`;

export const ASYNC_OPTIONS_FACTORY_MISSING = (className: string) =>
  `${className} is used as LeaderElectionModule.forRootAsync() useClass/useExisting but has no createLeaderElectionOptions() method; implement LeaderElectionOptionsFactory.`;

export const DUPLICATE_ELECTION = (name: string) =>
  `Leader election ${JSON.stringify(name)} is registered twice. Give each LeaderElectionModule.forRoot()/forRootAsync() its own name.`;

export const NO_ELECTIONS = () =>
  `No leader election is registered. Import LeaderElectionModule.forRoot({ name }) (or LeaderElectionTestingModule.forRoot() in tests).`;

export const UNKNOWN_ELECTION = (name: string, known: readonly string[]) =>
  known.length === 0
    ? `No leader election named ${JSON.stringify(name)} is registered (none is). Import LeaderElectionModule.forRoot({ name: ${JSON.stringify(name)} }).`
    : `No leader election named ${JSON.stringify(name)} is registered. Known elections: ${list(known)}. Use one of them, or register it with LeaderElectionModule.forRoot({ name: ${JSON.stringify(name)} }).`;

export const UNKNOWN_ELECTION_IN_DECORATOR = (
  decorator: string,
  className: string,
  method: string,
  detail: string,
) => `@${decorator}() on ${className}.${method}: ${detail}`;

export const NOT_INITIALIZED = (method: string) =>
  `LeaderElectionService.${method}() was called before the application was initialised. Call it after app.init() (or from onApplicationBootstrap or later).`;

export const NON_STATIC_HANDLER = (decorator: string, className: string, method: string) =>
  `Cannot register @${decorator}() handler "${className}@${method}" because it is defined in a non static (request-scoped or transient) provider; move it to a singleton provider.`;

export const UNBOUND_INSTANCE = (decorator: string, className: string, method: string) =>
  `@${decorator}() ${className}.${method}() was called on an instance that no Nest application with LeaderElectionModule discovered (created with "new", or its app is closed), so the call was skipped. Let Nest create the instance, or check leadership yourself with LeaderElectionService.`;

export const AMBIGUOUS_INSTANCE = (decorator: string, className: string, method: string) =>
  `@${decorator}() ${className}.${method}() was called on an instance that Nest did not create, and several running applications use this class, so its leadership is unknown and the call was skipped. Let Nest create the instance.`;

export const SKIPPED_CALL = (
  decorator: string,
  className: string,
  method: string,
  election: string,
) =>
  `${className}.${method}() skipped: @${decorator}() and this replica is ${decorator === 'OnLeader' ? 'not the leader' : 'not a running follower'} of election ${JSON.stringify(election)}.`;

export const HANDLER_FAILED = (
  decorator: string,
  className: string,
  method: string,
  election: string,
) =>
  `@${decorator}() handler ${className}.${method}() of election ${JSON.stringify(election)} failed; the elector goes on.`;

export const START_FAILED = (election: string) =>
  `Leader election ${JSON.stringify(election)} could not start; the application keeps running as a follower.`;

export const STOP_FAILED = (election: string) =>
  `Leader election ${JSON.stringify(election)} did not stop cleanly.`;

export const TESTING_ELECTION_NOT_READY = (name: string) =>
  `Testing election ${JSON.stringify(name)} is not initialised yet; call app.init() (or compile() and init()) before changing its leadership.`;

export const DRAIN_WAITING = (count: number, lock: string, timeoutMs: number) =>
  `Waiting for ${count} in-flight @OnLeader invocation(s) to settle before releasing lock "${lock}" (up to ${timeoutMs} ms).`;

export const DRAIN_SETTLED = (count: number, lock: string, elapsedMs: number) =>
  `${count} in-flight @OnLeader invocation(s) settled after ${elapsedMs} ms; releasing lock "${lock}".`;

export const DRAIN_TIMED_OUT = (count: number, lock: string, timeoutMs: number) =>
  `${count} in-flight @OnLeader invocation(s) still running after ${timeoutMs} ms; releasing lock "${lock}" anyway. Make leader-only work stop when LeaderElectionService.leadershipSignal() aborts, or raise drainTimeout (at most renewDeadline).`;

export const PREFLIGHT_FAILED = (election: string) =>
  `The startup preflight of leader election ${JSON.stringify(election)} failed unexpectedly; the election is not affected.`;
