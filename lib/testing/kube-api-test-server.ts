import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { FaultInjector } from './kube-api/fault-injector.js';
import { testServerMessages as t } from './kube-api/kube-api.messages.js';
import { buildKubeConfig, buildKubeConfigYaml } from './kube-api/kube-config.js';
import { ObjectStore } from './kube-api/object-store.js';
import { RbacAuthorizer } from './kube-api/rbac-authorizer.js';
import { RequestHandler, newNamespace } from './kube-api/request-handler.js';
import { RequestRecorder } from './kube-api/request-recorder.js';
import { STORAGE_DEFINITIONS, type ResourceDefinition } from './kube-api/resource-definitions.js';
import {
  TEST_CA_CERT_PEM,
  TEST_SERVER_CERT_PEM,
  TEST_SERVER_KEY_PEM,
} from './kube-api/test-certificates.js';
import type { WatchStream } from './kube-api/watch-stream.js';
import { nowTime } from './kube-api/wire-time.js';
import { WriteLog } from './kube-api/write-log.js';
import type {
  Fault,
  FaultHandle,
  FaultOptions,
  KubeApiTestServerOptions,
  RequestCounters,
  RequestLogEntry,
  TestPolicyRule,
  TestTokenOptions,
  WriteLogEntry,
} from './kube-api-test-server.types.js';

type Obj = Record<string, unknown>;

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(t.badOption(name, value, 'a finite number >= 0'));
  }
  return value;
}

/**
 * An in-process stand-in for kube-apiserver, for tests, demos and benchmarks: the real HTTP
 * protocol (so `@kubernetes/client-node`, kubectl and any other client talk to it unchanged) for
 * what leader election uses — Leases, ConfigMaps, Endpoints, core and events.k8s.io Events,
 * Namespaces, discovery and SelfSubjectAccessReview — with the API server's status codes,
 * `Status` bodies and messages, one global resourceVersion, watches with bookmarks and
 * 410 Expired, bearer-token RBAC, and fault injection. It also stores what an app's manifests
 * hold (ServiceAccounts, Services, apps/v1 Deployments, RBAC Roles and RoleBindings; no
 * controllers run), honours `dryRun=All` and `fieldValidation`, and serves the OpenAPI v3 index
 * kubectl reads, so `kubectl apply -k` (also `--dry-run=client|server`) works against it.
 *
 * It listens on 127.0.0.1 only. Token `admin` exists from the start with full access.
 *
 * @example
 * ```ts
 * const server = new KubeApiTestServer();
 * await server.start();
 * const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
 * // ... exercise code under test ...
 * await server.stop();
 * ```
 */
export class KubeApiTestServer {
  /** The test-only CA that signed the TLS certificate, when `tls` is on (else undefined). */
  readonly caPem: string | undefined;

  private readonly store: ObjectStore;
  private readonly authorizer = new RbacAuthorizer();
  private readonly faults = new FaultInjector();
  private readonly recorder: RequestRecorder;
  private readonly writes: WriteLog;
  private readonly watches = new Set<WatchStream>();
  private readonly handler: RequestHandler;
  private readonly sockets = new Set<Socket>();
  private readonly delays = new Set<{ timer: NodeJS.Timeout; resolve(ok: boolean): void }>();
  private readonly tls: { cert: string; key: string } | undefined;
  private readonly port: number;
  private server: http.Server | undefined;
  private address: AddressInfo | undefined;
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  private stopping: Promise<void> | undefined;

  constructor(options: KubeApiTestServerOptions = {}) {
    this.port = nonNegative('port', options.port, 0);
    if (!Number.isInteger(this.port) || this.port > 65535) {
      throw new TypeError(t.badOption('port', options.port, 'an integer from 0 to 65535'));
    }
    if (options.tls === true) {
      this.tls = { cert: TEST_SERVER_CERT_PEM, key: TEST_SERVER_KEY_PEM };
      this.caPem = TEST_CA_CERT_PEM;
    } else if (options.tls) {
      this.tls = { cert: options.tls.cert, key: options.tls.key };
      this.caPem = options.tls.ca;
    }
    this.store = new ObjectStore(nonNegative('watchHistory', options.watchHistory, 1000));
    this.recorder = new RequestRecorder(
      nonNegative('requestLogLimit', options.requestLogLimit, 10000),
    );
    this.writes = new WriteLog(nonNegative('writeLogLimit', options.writeLogLimit, 100000));
    this.authorizer.add('admin');
    for (const ns of options.namespaces ?? ['default', 'kube-system']) {
      this.store.put('namespaces', '', ns, newNamespace(ns));
    }
    this.handler = new RequestHandler({
      store: this.store,
      authorizer: this.authorizer,
      faults: this.faults,
      recorder: this.recorder,
      writeLog: this.writes,
      watches: this.watches,
      options: {
        allowAnonymous: options.allowAnonymous ?? false,
        autoCreateNamespaces: options.autoCreateNamespaces ?? true,
        bookmarkInterval: nonNegative('bookmarkInterval', options.bookmarkInterval, 1000),
        coordinatedLeaderElection: options.coordinatedLeaderElection ?? false,
      },
      serverAddress: () => `127.0.0.1:${this.address?.port ?? 0}`,
      delay: (ms) => this.delay(ms),
    });
  }

  /** Base URL, e.g. `http://127.0.0.1:41234` (`https://` with tls). Available after `start()`. */
  get url(): string {
    if (!this.address) throw new Error(t.notStarted('url'));
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.address.port}`;
  }

  /** Listens on 127.0.0.1 (the given port, or an ephemeral one). */
  async start(): Promise<void> {
    if (this.state === 'stopped') throw new Error(t.stopped);
    if (this.state !== 'new') throw new Error(t.alreadyStarted);
    this.state = 'starting';
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handler.handle(req, res).catch(() => res.destroy());
    };
    const server = this.tls
      ? https.createServer({ cert: this.tls.cert, key: this.tls.key }, onRequest)
      : http.createServer(onRequest);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.address = server.address() as AddressInfo;
    this.state = 'running';
  }

  /**
   * Stops listening and closes everything: open watches, hung and delayed requests, keep-alive
   * sockets; pending `waitForWrite()` calls reject. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopped';
    this.closeWatches({ abrupt: true });
    this.faults.clearAll();
    for (const d of this.delays) {
      clearTimeout(d.timer);
      d.resolve(false);
    }
    this.delays.clear();
    this.writes.close();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    server.closeAllConnections();
    await closed;
  }

  private delay(ms: number): Promise<boolean> {
    if (this.state === 'stopped') return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.delays.delete(entry);
          resolve(this.state !== 'stopped');
        }, ms),
        resolve,
      };
      this.delays.add(entry);
    });
  }

  // ---- tokens and kubeconfigs ---------------------------------------------------------------

  /** Adds (or replaces) a bearer token; without `rules` it has full access. */
  addToken(token: string, options?: TestTokenOptions): void {
    this.authorizer.add(token, options);
  }

  /** Forgets a token: its requests get 401 from now on. */
  removeToken(token: string): void {
    this.authorizer.remove(token);
  }

  /** Sets a token's RBAC rules (`undefined` = full access); an unknown token is added. */
  setRules(token: string, rules: TestPolicyRule[] | undefined): void {
    this.authorizer.setRules(token, rules);
  }

  /**
   * A client-node `KubeConfig` that authenticates with `token` (added with full access if
   * unknown). Over plain http it sets `skipTLSVerify`, which client-node requires for http://
   * URLs — acceptable only because this is a local test server; with `tls` it trusts `caPem`
   * through certificate-authority-data and verifies normally.
   * @default token 'admin'
   */
  kubeConfig(token = 'admin', options: { namespace?: string } = {}): KubeConfig {
    if (!this.authorizer.has(token)) this.authorizer.add(token);
    return buildKubeConfig({
      url: this.url,
      token,
      caPem: this.caPem,
      namespace: options.namespace,
    });
  }

  /** The same as `kubeConfig()`, as a kubeconfig file body (for child processes and kubectl). */
  kubeConfigYaml(token = 'admin', options: { namespace?: string } = {}): string {
    if (!this.authorizer.has(token)) this.authorizer.add(token);
    return buildKubeConfigYaml({
      url: this.url,
      token,
      caPem: this.caPem,
      namespace: options.namespace,
    });
  }

  // ---- faults, counters and logs ------------------------------------------------------------

  /** Injects a fault for the requests `options.match` selects (all of them by default). */
  fault(fault: Fault, options?: FaultOptions): FaultHandle {
    return this.faults.add(fault, options);
  }

  /** Removes every fault and releases every hung request. */
  clearFaults(): void {
    this.faults.clearAll();
  }

  counters(): RequestCounters {
    return this.recorder.counters();
  }

  resetCounters(): void {
    this.recorder.resetCounters();
  }

  /** The most recent requests, oldest first (see `requestLogLimit`). */
  requests(): readonly RequestLogEntry[] {
    return this.recorder.entries();
  }

  /** Forgets the entries `requests()` returns (counters are kept). */
  clearRequests(): void {
    this.recorder.clearEntries();
  }

  /** Writes to lock objects through the API, in order. */
  writeLog(): readonly WriteLogEntry[] {
    return this.writes.entries();
  }

  clearWriteLog(): void {
    this.writes.clear();
  }

  /**
   * Resolves with the first logged write (past or future) that `predicate` accepts; rejects
   * after `timeoutMs` with an error saying so, or when the server stops.
   */
  waitForWrite(
    predicate: (entry: WriteLogEntry) => boolean,
    timeoutMs: number,
  ): Promise<WriteLogEntry> {
    return this.writes.waitFor(predicate, timeoutMs);
  }

  // ---- direct access to the stored objects --------------------------------------------------

  private definition(resource: string): ResourceDefinition {
    const def = STORAGE_DEFINITIONS.get(resource);
    if (!def) throw new TypeError(t.unknownResource(resource, [...STORAGE_DEFINITIONS.keys()]));
    return def;
  }

  private namespaceFor(def: ResourceDefinition, namespace: string | undefined): string {
    if (!def.namespaced) return '';
    if (typeof namespace !== 'string' || namespace === '') {
      throw new TypeError(t.namespaceRequired(def.resource));
    }
    return namespace;
  }

  /**
   * A deep copy of a stored object (core/v1 shape for 'events'), or undefined. `resource` is the
   * plural: leases, configmaps, endpoints, events, namespaces, serviceaccounts, services,
   * deployments, roles, rolebindings.
   */
  getObject(resource: string, namespace: string, name: string): Obj | undefined {
    const def = this.definition(resource);
    const stored = this.store.get(def.bucket, this.namespaceFor(def, namespace), name);
    return stored && structuredClone(stored);
  }

  /**
   * Seeds an object as-is (no validation, no write log): fills kind, apiVersion, namespace,
   * uid and creationTimestamp when missing, assigns a new resourceVersion and notifies watches.
   * Returns a copy of what was stored.
   */
  putObject(resource: string, namespace: string, object: Obj): Obj {
    const def = this.definition(resource);
    const ns = this.namespaceFor(def, namespace);
    const copy = structuredClone(object);
    const meta = { ...((copy.metadata ?? {}) as Obj) };
    const name = meta.name;
    if (typeof name !== 'string' || name === '') throw new TypeError(t.objectWithoutName(resource));
    if (ns && !this.store.get('namespaces', '', ns)) {
      this.store.put('namespaces', '', ns, newNamespace(ns));
    }
    const previous = (this.store.get(def.bucket, ns, name)?.metadata ?? {}) as Obj;
    if (def.namespaced) meta.namespace = ns;
    meta.uid ??= previous.uid ?? randomUUID();
    meta.creationTimestamp ??= previous.creationTimestamp ?? nowTime();
    const stored: Obj = {
      kind: copy.kind ?? def.kind,
      apiVersion: copy.apiVersion ?? (def.group ? `${def.group}/${def.version}` : def.version),
      ...copy,
      metadata: meta,
    };
    this.store.put(def.bucket, ns, name, stored);
    return structuredClone(stored);
  }

  /** Deletes an object (watchers see DELETED); false if it did not exist. */
  deleteObject(resource: string, namespace: string, name: string): boolean {
    const def = this.definition(resource);
    return this.store.remove(def.bucket, this.namespaceFor(def, namespace), name) !== undefined;
  }

  /** Deep copies of the stored objects, sorted by namespace and name; all namespaces if omitted. */
  listObjects(resource: string, namespace?: string): Obj[] {
    const def = this.definition(resource);
    const ns = def.namespaced ? namespace : undefined;
    return this.store.list(def.bucket, ns).map((o) => structuredClone(o));
  }

  /** The current global resourceVersion. */
  resourceVersion(): string {
    return String(this.store.currentRevision());
  }

  /** Forgets watch history: a watch from any earlier resourceVersion now gets 410 Expired. */
  compact(): void {
    this.store.compact();
  }

  /**
   * Ends every open watch: by default cleanly (as when the API server's watch timeout ends
   * it), or with `abrupt: true` by destroying the connection (a broken network).
   */
  closeWatches(options: { abrupt?: boolean } = {}): void {
    for (const stream of [...this.watches]) stream.close(options.abrupt ?? false);
  }
}
