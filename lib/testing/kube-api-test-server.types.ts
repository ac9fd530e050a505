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
  /** Serve HTTPS with a throwaway self-signed CA (kubectl sends bearer tokens only over TLS). @default false */
  tls?: boolean;
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
}

/** Which requests a fault applies to. All given fields must match. */
export interface FaultMatch {
  /** Token of the client (see `kubeConfig(token)`). */
  token?: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete. */
  verb?: string;
  /** Plural resource: leases, configmaps, endpoints, events. */
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

/** One write to a lock object (lease, configmap, endpoints), in order. */
export interface WriteLogEntry {
  /** Monotonic ms (performance.now()) when it was applied. */
  at: number;
  token: string;
  verb: 'create' | 'update' | 'patch' | 'delete';
  resource: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  /** The stored object after the write (before, for delete). */
  object: Record<string, unknown>;
}

/** Request counts, per token and verb (`counts[token][verb]`), plus totals. */
export interface RequestCounters {
  byToken: Record<string, Record<string, number>>;
  total: number;
}
