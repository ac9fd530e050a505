/**
 * Public contract of `KubeApiTestServer` (implemented in `kube-api-test-server.ts`).
 * Tests, the demo, the benchmarks and the chaos run code against these types.
 */

/** An RBAC PolicyRule, as in a Kubernetes Role. `'*'` matches anything. */
export interface TestPolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  /** Restricts get/update/patch/delete/watch to these names (create and list cannot be name-restricted). */
  resourceNames?: string[];
  /** Restrict the rule to these namespaces; absent = every namespace (a ClusterRole). */
  namespaces?: string[];
}

export interface TestTokenOptions {
  /** Username shown in 403 messages. @default `system:serviceaccount:default:<token>` */
  user?: string;
  /** Absent = full access (cluster-admin). */
  rules?: TestPolicyRule[];
}

export interface KubeApiTestServerOptions {
  /** @default 0 (an ephemeral port) */
  port?: number;
  /**
   * Serve HTTPS with a throwaway, test-only CA and certificate for 127.0.0.1 (kubectl sends bearer
   * tokens only over TLS). `true` uses the certificates shipped with this package; pass your own
   * PEMs to use others. `caPem` and the kubeconfigs then carry the CA. @default false
   */
  tls?: boolean | { cert: string; key: string; ca: string };
  /** Accept requests without a token as `system:anonymous` with full access. @default false */
  allowAnonymous?: boolean;
  /** Namespaces that exist at start. @default ['default', 'kube-system'] */
  namespaces?: string[];
  /** Create any namespace on first use instead of answering 404. @default true */
  autoCreateNamespaces?: boolean;
  /** How many past events a watch can resume from before 410 Expired. @default 1000 */
  watchHistory?: number;
  /** Send a BOOKMARK every this many ms on watches that asked for them (0 = never). @default 1000 */
  bookmarkInterval?: number;
  /**
   * The CoordinatedLeaderElection feature gate. Off, as in kube-apiserver by default, the server
   * drops `spec.strategy` / `spec.preferredHolder` from Leases written without them before.
   * Seed them with `putObject()` or turn this on to test preferred-holder handover. @default false
   */
  coordinatedLeaderElection?: boolean;
  /** How many entries `requests()` keeps (a ring: the oldest go first). @default 10000 */
  requestLogLimit?: number;
  /** How many entries `writeLog()` keeps (the oldest go first). @default 100000 */
  writeLogLimit?: number;
}

/** Which requests a fault applies to. All given fields must match. */
export interface FaultMatch {
  /** Token of the client (see `kubeConfig(token)`). */
  token?: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete. */
  verb?: string;
  /** Plural resource: leases, configmaps, endpoints, events (or any other served kind). */
  resource?: string;
  namespace?: string;
  name?: string;
}

export type Fault =
  /** Delay the response by `ms` (the request is applied after the delay). */
  | { kind: 'latency'; ms: number }
  /** Answer with this status code and a real Status body, without applying the request. */
  | { kind: 'error'; code: number; message?: string }
  /** Never answer (the socket stays open until the client gives up or the fault is cleared). */
  | { kind: 'hang' }
  /** Apply the write, then destroy the socket without answering (a lost response). */
  | { kind: 'drop-response' };

export interface FaultOptions {
  match?: FaultMatch;
  /** Apply to the next N matching requests only. @default unlimited */
  times?: number;
}

export interface FaultHandle {
  /** Removes the fault; requests hung by it are released (their sockets destroyed). */
  clear(): void;
}

/**
 * One write to a lock object (lease, configmap, endpoints) made through the HTTP API, in order.
 * (Seeding with `putObject()` / `deleteObject()` is not logged.)
 */
export interface WriteLogEntry {
  /** Monotonic ms (performance.now()) when it was applied. */
  at: number;
  /** The client's bearer token ('' for an anonymous request). */
  token: string;
  /** The request's verb: a PUT that created the object is still `update` (see `created`). */
  verb: 'create' | 'update' | 'patch' | 'delete';
  /** True when the write created the object (POST, or a PUT to a missing Lease / Endpoints). */
  created: boolean;
  resource: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  /** The stored object after the write (before, for delete). */
  object: Record<string, unknown>;
}

/**
 * Request counts, per token and verb (`byToken[token][verb]`), plus the total. Verbs are
 * Kubernetes verbs (get, list, watch, create, update, patch, delete, deletecollection); discovery
 * and other non-resource requests count under the lower-case HTTP method. Anonymous requests
 * count under the token ''.
 */
export interface RequestCounters {
  byToken: Record<string, Record<string, number>>;
  total: number;
}

/** One request as the server saw it (`requests()`). */
export interface RequestLogEntry {
  /** Monotonic ms (performance.now()) when the request arrived. */
  at: number;
  /** The client's bearer token ('' when none was sent). */
  token: string;
  /** Kubernetes verb, or the lower-case HTTP method for non-resource paths. */
  verb: string;
  /** Plural resource ('' for non-resource paths). */
  resource: string;
  namespace: string;
  name: string;
  /** HTTP status sent; 0 while pending or when no answer was sent (hang, drop-response, stop). */
  status: number;
  method: string;
  /** Path and query string as requested. */
  path: string;
}
