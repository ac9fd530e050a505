import type {
  ConfigurationOptions,
  KubeConfig,
  ResponseContext,
  V1ObjectMeta,
} from '@kubernetes/client-node';
import { systemClock, type Clock } from '../clock.js';
import { LockError, isNotFound } from '../errors.js';
import type { LeaderElectionRecord } from '../leader-election-record.js';
import { silentLogger, type LeaderElectionLogger } from '../logger.js';
import { lockMessages, type KubeRequestTarget } from '../messages.js';
import type { EventRecorder, EventSubject } from '../kube/event-recorder.js';
import { kubeCall, kubeRequestContext, type KubeRequestContext } from '../kube/request-options.js';
import { watchObject } from './object-watch.js';
import type {
  LockGetResult,
  LockRequestOptions,
  LockWatchEvent,
  LockWatchHandle,
  LockWatchHandlers,
  ResourceLock,
} from './resource-lock.interface.js';

/** Options shared by the Lease, ConfigMap and Endpoints locks. */
export interface KubeObjectLockOptions {
  /** The lock object's name. */
  name: string;
  namespace: string;
  /** This replica's identity, written as `holderIdentity`. */
  identity: string;
  /** The cluster to talk to; also used for watches. */
  kubeConfig: KubeConfig;
  /** Put on the object on create and merged into it on every update (other labels are kept). */
  labels?: Record<string, string>;
  /** Records became/stopped leading events on the object; none when absent. */
  events?: EventRecorder;
  /** @default silentLogger */
  logger?: LeaderElectionLogger;
  /** @default systemClock */
  clock?: Clock;
  /** @default Math.random */
  random?: () => number;
  /**
   * Reuse connections to the API server across requests (one TLS handshake instead of one per
   * request). false: client-node's own behaviour, a new connection for every request.
   * The watch keeps its own long-lived connection either way.
   * @default true
   */
  keepAlive?: boolean;
}

/** The part of a Kubernetes object every lock object has. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
}

/**
 * What the Lease, ConfigMap and Endpoints locks share (client-go's leaselock / configmaplock /
 * endpointslock): the last object read or written is cached, so `update` PUTs it back with its
 * `resourceVersion` and `uid` (optimistic concurrency) and a watch can keep it current.
 * Subclasses map the record into their object and name their API calls.
 */
export abstract class KubeObjectLock<T extends KubeObject> implements ResourceLock {
  protected readonly name: string;
  protected readonly namespace: string;
  protected readonly logger: LeaderElectionLogger;
  protected readonly context: KubeRequestContext;
  private readonly identityValue: string;
  private readonly labels: Record<string, string>;
  private cached: T | undefined;
  /** resourceVersion of the newest object state seen (read, written, watched or deleted). */
  private objectVersion: string | undefined;
  /** Where a watch resumes: the newest of objectVersion and the last bookmark. */
  private watchVersion: string | undefined;
  private lastWarnedRaw: string | undefined;

  protected abstract readonly kind: EventSubject['kind'];
  protected abstract readonly apiVersion: string;
  protected abstract readonly group: string;
  protected abstract readonly resource: string;
  /** The word client-go uses in "… not initialized, call get or create first". */
  protected abstract readonly uninitializedName: 'lease' | 'configmap' | 'endpoint';

  protected abstract collectionPath(): string;
  protected abstract readObject(options: ConfigurationOptions | undefined): Promise<T>;
  protected abstract createObject(body: T, options: ConfigurationOptions | undefined): Promise<T>;
  protected abstract replaceObject(body: T, options: ConfigurationOptions | undefined): Promise<T>;
  /** A new object holding `record`, with `metadata` as given. */
  protected abstract newObject(record: LeaderElectionRecord, metadata: V1ObjectMeta): T;
  /** A copy of `cached` holding `record` instead (`cached` is not modified). */
  protected abstract withRecord(cached: T, record: LeaderElectionRecord): T;
  /** The record in `object`; never throws, lists what is malformed in `problems`. */
  protected abstract readRecord(object: T, problems: string[]): LeaderElectionRecord;
  protected abstract rawOf(object: T, record: LeaderElectionRecord): string;

  constructor(protected readonly options: KubeObjectLockOptions) {
    this.name = options.name;
    this.namespace = options.namespace;
    this.identityValue = options.identity;
    this.labels = { ...options.labels };
    this.logger = options.logger ?? silentLogger;
    this.context = kubeRequestContext(options.kubeConfig, { keepAlive: options.keepAlive });
  }

  identity(): string {
    return this.identityValue;
  }

  describe(): string {
    return `${this.namespace}/${this.name}`;
  }

  async get(options?: LockRequestOptions): Promise<LockGetResult> {
    const object = await this.call('get', (o) => this.readObject(o), options);
    this.remember(object);
    return this.recordOf(object);
  }

  async create(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<void> {
    const metadata: V1ObjectMeta = { name: this.name, namespace: this.namespace };
    if (Object.keys(this.labels).length > 0) metadata.labels = { ...this.labels };
    const body = this.newObject(record, metadata);
    this.remember(await this.call('create', (o) => this.createObject(body, o), options));
  }

  async update(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<LockGetResult> {
    const cached = this.cached;
    if (!cached)
      throw new LockError(
        'Unknown',
        lockMessages.notInitialized(this.uninitializedName, this.describe()),
      );
    const body = this.withRecord(cached, record);
    if (Object.keys(this.labels).length > 0)
      body.metadata = { ...body.metadata, labels: { ...body.metadata?.labels, ...this.labels } };
    const stored = await this.call('update', (o) => this.replaceObject(body, o), options);
    this.remember(stored);
    return new StoredRecord(() => this.recordOf(stored));
  }

  recordEvent(message: string): void {
    try {
      const meta = this.cached?.metadata;
      this.options.events?.record(
        {
          kind: this.kind,
          apiVersion: this.apiVersion,
          namespace: this.namespace,
          name: this.name,
          uid: meta?.uid,
          resourceVersion: meta?.resourceVersion,
        },
        `${this.identityValue} ${message}`,
      );
    } catch (err) {
      this.logger.debug?.(
        `could not record event "${message}" on ${this.describeObject()}: ${String(err)}`,
      );
    }
  }

  watch(handlers: LockWatchHandlers): LockWatchHandle {
    return watchObject(
      {
        kubeConfig: this.options.kubeConfig,
        context: this.context,
        path: this.collectionPath(),
        target: this.target('watch'),
        clock: this.options.clock ?? systemClock,
        random: this.options.random ?? Math.random,
        logger: this.logger,
        resumeFrom: () => this.watchVersion,
        onBookmark: (rv) => {
          if (compareVersions(rv, this.watchVersion) !== -1) this.watchVersion = rv;
        },
        onObject: (type, object) => this.applyWatched(type, object as T),
        relist: (signal) => this.relist(signal),
      },
      handlers,
    );
  }

  /** `Lease ns/name`, for log lines. */
  protected describeObject(): string {
    return `${this.kind} ${this.namespace}/${this.name}`;
  }

  /** Response hook for every request of this lock (Endpoints uses it for API warnings). */
  protected onResponse?(response: ResponseContext): void;

  protected target(verb: KubeRequestTarget['verb']): KubeRequestTarget {
    return {
      verb,
      group: this.group,
      resource: this.resource,
      namespace: this.namespace,
      name: verb === 'create' ? undefined : this.name,
    };
  }

  private call<R>(
    verb: KubeRequestTarget['verb'],
    fn: (options: ConfigurationOptions | undefined) => Promise<R>,
    options: LockRequestOptions | undefined,
  ): Promise<R> {
    return kubeCall(
      fn,
      this.target(verb),
      this.context,
      options?.signal,
      this.onResponse ? (response) => this.onResponse?.(response) : undefined,
    );
  }

  private remember(object: T): void {
    this.cached = object;
    this.noteVersion(object.metadata?.resourceVersion);
  }

  private noteVersion(rv: string | undefined): void {
    if (!rv) return;
    if (compareVersions(rv, this.objectVersion) !== -1) this.objectVersion = rv;
    if (compareVersions(rv, this.watchVersion) !== -1) this.watchVersion = rv;
  }

  private recordOf(object: T): LockGetResult {
    const problems: string[] = [];
    const record = this.readRecord(object, problems);
    const raw = this.rawOf(object, record);
    // Once per distinct content: a follower reads the same corrupted record every retry period.
    if (problems.length > 0 && raw !== this.lastWarnedRaw) {
      this.lastWarnedRaw = raw;
      this.logger.warn(lockMessages.corruptedRecord(this.describeObject(), problems));
    }
    return { record, raw };
  }

  /**
   * A watched object becomes the cached object (so the next `update` carries its
   * resourceVersion) unless it is older than what the lock already has: a watch event can
   * arrive after the response to our own later write, and must not roll the cache back.
   */
  private applyWatched(type: LockWatchEvent['type'], object: T): LockWatchEvent | undefined {
    if (!object || typeof object !== 'object' || object.metadata?.name !== this.name)
      return undefined;
    const rv = object.metadata?.resourceVersion;
    const order = compareVersions(rv, this.objectVersion);
    if (type === 'DELETED') {
      if (order === -1) return undefined;
      this.cached = undefined;
      this.noteVersion(rv);
    } else {
      // Equal: the state we already hold (our own write echoed, or a restarted watch's ADDED).
      if (order === -1 || (order === 0 && this.cached)) return undefined;
      // A watch started without a resourceVersion (after a relist) opens with a synthetic ADDED
      // of the current state; when the object changed since the relist, it is the same object
      // modified, whichever of the relist answer and the watch's first line came first.
      const previousUid = this.cached?.metadata?.uid;
      if (type === 'ADDED' && previousUid !== undefined && previousUid === object.metadata?.uid)
        type = 'MODIFIED';
      this.remember(object);
    }
    return { type, ...this.recordOf(object) };
  }

  private async relist(signal: AbortSignal): Promise<LockWatchEvent | undefined> {
    const previous = this.cached;
    try {
      const object = await this.call('get', (o) => this.readObject(o), { signal });
      const rv = object.metadata?.resourceVersion;
      if (previous && compareVersions(rv, previous.metadata?.resourceVersion) === 0)
        return undefined;
      this.remember(object);
      return { type: previous ? 'MODIFIED' : 'ADDED', ...this.recordOf(object) };
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (!previous) return undefined;
      this.cached = undefined;
      return { type: 'DELETED', ...this.recordOf(previous) };
    }
  }
}

/**
 * `recordOf(object)` read on first use: a renewal ignores the stored record (only a release
 * reads it), and parsing it was most of the lock's own CPU per renewal.
 */
class StoredRecord implements LockGetResult {
  private result: LockGetResult | undefined;

  constructor(private readonly read: () => LockGetResult) {}

  get record(): LeaderElectionRecord {
    return (this.result ??= this.read()).record;
  }

  get raw(): string {
    return (this.result ??= this.read()).raw;
  }
}

const DECIMAL = /^(0|[1-9]\d*)$/;

/**
 * Orders two resourceVersions: -1, 0, 1, or undefined when they cannot be ordered. Kubernetes
 * calls them opaque, but every API server (etcd revisions) and the test server issue increasing
 * decimal integers; anything else is treated as "not older", which only costs an extra event.
 */
export function compareVersions(
  a: string | undefined,
  b: string | undefined,
): -1 | 0 | 1 | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a === b) return 0;
  if (DECIMAL.test(a) && DECIMAL.test(b)) {
    // Canonical decimals order by length, then digit by digit; no BigInt needed.
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a < b ? -1 : 1;
  }
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
