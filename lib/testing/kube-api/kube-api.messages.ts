/**
 * Every text `KubeApiTestServer` produces: first the API server's own messages (reproduced
 * exactly, so code under test sees what a real cluster sends), then the test server's errors for
 * misuse of its own API (naming the value and the fix).
 */

/** `GroupResource.String()`: `leases.coordination.k8s.io`, or `configmaps` for the core group. */
export const groupResource = (resource: string, group: string): string =>
  group ? `${resource}.${group}` : resource;

/** `GroupKind.String()`: `Lease.coordination.k8s.io`, or `ConfigMap` for the core group. */
export const groupKind = (kind: string, group: string): string =>
  group ? `${kind}.${group}` : kind;

export const apiServerMessages = {
  notFound: (gr: string, name: string) => `${gr} ${JSON.stringify(name)} not found`,
  alreadyExists: (gr: string, name: string) => `${gr} ${JSON.stringify(name)} already exists`,
  /** `Operation cannot be fulfilled on ...` with client-go's `OptimisticLockErrorMsg`. */
  optimisticLock: (gr: string, name: string) =>
    `Operation cannot be fulfilled on ${gr} ${JSON.stringify(name)}: the object has been modified; please apply your changes to the latest version and try again`,
  uidPrecondition: (gr: string, name: string, key: string, want: string, have: string) =>
    `Operation cannot be fulfilled on ${gr} ${JSON.stringify(name)}: StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${want}, UID in object meta: ${have}`,
  invalid: (qualifiedKind: string, name: string, aggregated: string) =>
    `${qualifiedKind} ${JSON.stringify(name)} is invalid: ${aggregated}`,
  mustSpecifyResourceVersion: 'must be specified for an update',
  resourceVersionOnCreate: 'resourceVersion should not be set on objects to be created',
  namespaceMismatch:
    'the namespace of the provided object does not match the namespace sent on the request',
  nameUndeterminable: (urlName: string) =>
    `the name of the object (${urlName} based on URL) was undeterminable: name must be provided`,
  namespaceMismatchOnUpdate: (objectNamespace: string, urlNamespace: string) =>
    `the namespace of the object (${objectNamespace}) does not match the namespace on the request (${urlNamespace})`,
  rvPrecondition: (gr: string, name: string, key: string, want: string, have: string) =>
    `Operation cannot be fulfilled on ${gr} ${JSON.stringify(name)}: StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ResourceVersion in precondition: ${want}, ResourceVersion in object meta: ${have}`,
  nameRequired: 'Name parameter required.',
  nameInvalid: (name: string, why: string[]) =>
    `Name parameter invalid: ${JSON.stringify(name)}: ${why.join(';')}`,
  ssarAttributesRequired:
    'exactly one of nonResourceAttributes or resourceAttributes must be specified',
  nameMismatch: (bodyName: string, urlName: string) =>
    `the name of the object (${bodyName}) does not match the name on the URL (${urlName})`,
  cannotBeHandled: (kind: string, version: string, expectedKind: string, err: string) =>
    `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${expectedKind}: ${err}`,
  unrecognizedObject: (expectedKind: string, err: string, summary: string) =>
    `the object provided is unrecognized (must be of type ${expectedKind}): ${err} (${summary})`,
  apiVersionMismatch: (got: string, want: string) =>
    `the API version in the data (${got}) does not match the expected API version (${want})`,
  unauthorized: 'Unauthorized',
  forbiddenResource: (
    user: string,
    verb: string,
    resource: string,
    group: string,
    namespace: string,
  ) =>
    namespace
      ? `User ${JSON.stringify(user)} cannot ${verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(group)} in the namespace ${JSON.stringify(namespace)}`
      : `User ${JSON.stringify(user)} cannot ${verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(group)} at the cluster scope`,
  forbiddenPath: (user: string, verb: string, path: string) =>
    `User ${JSON.stringify(user)} cannot ${verb} path ${JSON.stringify(path)}`,
  /** `NewForbidden`: `<gr> "<name>" is forbidden: <why>`, without the name for create/list. */
  forbidden: (gr: string, name: string, why: string) =>
    gr === ''
      ? `forbidden: ${why}`
      : name
        ? `${gr} ${JSON.stringify(name)} is forbidden: ${why}`
        : `${gr} is forbidden: ${why}`,
  tooOldResourceVersion: (requested: number, oldest: number) =>
    `too old resource version: ${requested} (${oldest})`,
  tooLargeResourceVersion: (requested: number, current: number) =>
    `Timeout: Too large resource version: ${requested}, current: ${current}`,
  tooLargeResourceVersionCause: 'Too large resource version',
  invalidResourceVersion: (rv: string) => `invalid resource version ${JSON.stringify(rv)}`,
  parseUint: (rv: string) => `strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`,
  sendInitialEventsNeedsMatch:
    'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
  sendInitialEventsForbidden:
    'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
  sendInitialEventsForList: 'sendInitialEvents is forbidden for list',
  resourceVersionMatchForWatch:
    'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
  fieldLabelNotSupported: (label: string) => `field label not supported: ${label}`,
  invalidFieldSelector: (selector: string, term: string) =>
    `invalid selector: '${selector}'; can't understand '${term}'`,
  invalidLabelSelector: (term: string) =>
    `unable to parse requirement: found '${term}', expected: a valid label selector`,
  methodNotAllowed: 'the server does not allow this method on the requested resource',
  unsupportedMediaType: (contentType: string) =>
    `the body of the request was in an unknown format (${contentType}) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
  applyPatchUnsupported:
    'KubeApiTestServer does not implement server-side apply (application/apply-patch+yaml); use a merge or JSON patch',
  requestEntityTooLarge: 'Request entity too large: limit is 3145728',
  internalError: (why: string) => `Internal error occurred: ${why}`,
  tooManyRequests: 'Too many requests, please try again later.',
  serviceUnavailable: 'the server is currently unable to handle the request',
  gatewayTimeout:
    'the server was unable to return a response in the time allotted, but may still be processing the request',
  badRequest: 'the server rejected our request for an unknown reason',
  namespaceNotFound: (ns: string) => `namespaces ${JSON.stringify(ns)} not found`,
  endpointsDeprecated:
    '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"',
  /** sigs.k8s.io/json strict decoding, as `?fieldValidation=Strict` reports unknown fields. */
  strictDecoding: (paths: readonly string[]) =>
    `strict decoding error: ${paths.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ')}`,
  unknownField: (path: string) =>
    `299 - "unknown field ${JSON.stringify(path).replace(/"/g, '\\"')}"`,
  injectedFault: (code: number) => `injected by KubeApiTestServer fault (code ${code})`,
  jsonPatchFailed: (why: string) =>
    `the server rejected our request due to an error in our request: ${why}`,
  notFoundPage: '404 page not found\n',
};

export const testServerMessages = {
  badOption: (name: string, value: unknown, rule: string) =>
    `KubeApiTestServer: option ${name} must be ${rule}, got ${JSON.stringify(value)}`,
  badRules: (rules: unknown) =>
    `KubeApiTestServer: rules must be an array of PolicyRules (or undefined for full access), got ${JSON.stringify(rules)}`,
  badRule: (key: string, rule: unknown) =>
    `KubeApiTestServer: every rule needs ${key} as an array of strings (use [''] for the core group, ['*'] for any), got ${JSON.stringify(rule)}`,
  notStarted: (what: string) =>
    `KubeApiTestServer.${what} is not available before start(): await server.start() first`,
  alreadyStarted:
    'KubeApiTestServer.start() was already called: create a new server to start again',
  stopped: 'KubeApiTestServer was stopped: create a new server to start again',
  unknownResource: (resource: string, known: readonly string[]) =>
    `KubeApiTestServer: unknown resource ${JSON.stringify(resource)}; use one of ${known.map((k) => JSON.stringify(k)).join(', ')}`,
  objectWithoutName: (resource: string) =>
    `KubeApiTestServer.putObject(${JSON.stringify(resource)}, ...): object.metadata.name is required (a non-empty string)`,
  namespaceRequired: (resource: string) =>
    `KubeApiTestServer: ${JSON.stringify(resource)} is namespaced; pass a namespace such as 'default'`,
  badToken: (token: unknown) =>
    `KubeApiTestServer: token must be a non-empty string without whitespace, got ${JSON.stringify(token)}`,
  badFault: (fault: unknown) =>
    `KubeApiTestServer.fault(): unknown fault ${JSON.stringify(fault)}; use { kind: 'latency', ms }, { kind: 'error', code }, { kind: 'hang' } or { kind: 'drop-response' }`,
  badFaultNumber: (field: string, value: unknown) =>
    `KubeApiTestServer.fault(): ${field} must be a finite number >= 0, got ${JSON.stringify(value)}`,
  badErrorCode: (code: unknown) =>
    `KubeApiTestServer.fault(): error code must be an HTTP status from 400 to 599, got ${JSON.stringify(code)}`,
  waitForWriteTimeout: (timeoutMs: number, seen: number) =>
    `KubeApiTestServer.waitForWrite(): no matching write within ${timeoutMs} ms (${seen} writes in the log); check the predicate or raise the timeout`,
  waitForWriteStopped:
    'KubeApiTestServer.waitForWrite(): the server stopped before a matching write',
  unknownModel: (model: string) =>
    `KubeApiTestServer: @kubernetes/client-node has no model ${JSON.stringify(model)}; name a generated model class such as 'V1Deployment'`,
  badTimeout: (value: unknown) =>
    `KubeApiTestServer.waitForWrite(): timeoutMs must be a finite number > 0, got ${JSON.stringify(value)}`,
};
