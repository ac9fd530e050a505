import { systemClock, type Clock } from '../clock.js';
import { LockError, type LockErrorReason } from '../errors.js';
import { copyRecord, type LeaderElectionRecord } from '../leader-election-record.js';
import * as messages from '../messages.js';
import type {
  LockGetResult,
  LockRequestOptions,
  LockWatchEvent,
  LockWatchHandle,
  LockWatchHandlers,
  ResourceLock,
} from './resource-lock.interface.js';

/** The operations a `MemoryLock` sends to its store (the API verbs they stand for). */
export type MemoryLockVerb = 'get' | 'create' | 'update' | 'watch';

/**
 * A fault the store injects into matching requests, like `KubeApiTestServer`'s:
 * - `error`: answer with a `LockError` of that reason (nothing is applied);
 * - `hang`: never answer (the request ends only when its signal aborts; a watch delivers nothing);
 * - `drop-response`: apply the request, then never answer (a lost response);
 * - `latency`: add `ms` before the request is applied.
 */
export type MemoryLockFault =
  | { kind: 'error'; reason: LockErrorReason; message?: string }
  | { kind: 'hang' }
  | { kind: 'drop-response' }
  | { kind: 'latency'; ms: number };

export interface MemoryLockFaultOptions {
  /** Which requests it applies to; omitted fields match anything. */
  match?: { identity?: string; verb?: MemoryLockVerb; name?: string };
  /** How many requests it applies to before it clears itself. @default unlimited */
  times?: number;
}

export interface MemoryLockFaultHandle {
  clear(): void;
}

export interface MemoryLockStoreOptions {
  /** Time source for latencies; share the electors' clock in virtual-time tests. @default systemClock */
  clock?: Clock;
  /** Milliseconds before a request is applied. @default 0 */
  latency?: number;
  /** Milliseconds between applying a request and its answer. @default 0 */
  responseLatency?: number;
  /** Milliseconds before a change reaches watchers. @default 0 */
  watchLatency?: number;
  /** How many entries `requests()`, `writes()` and `events()` keep (oldest dropped). @default 10000 */
  logLimit?: number;
}

/** One request as the store saw it. */
export interface MemoryLockRequest {
  /** `clock.now()` when it arrived. */
  at: number;
  identity: string;
  verb: MemoryLockVerb;
  name: string;
}

/** One change of a stored record. */
export interface MemoryLockWrite {
  /** `clock.now()` when it was applied. */
  at: number;
  /** Who wrote it; `''` for `MemoryLockStore.write/delete` (a foreign client). */
  identity: string;
  name: string;
  verb: 'create' | 'update' | 'write' | 'delete';
  /** The record after the change (for delete: the last state). */
  record: LeaderElectionRecord;
  resourceVersion: number;
}

export interface MemoryLockEvent {
  at: number;
  name: string;
  /** `<identity> became leader` / `<identity> stopped leading`, as client-go words it. */
  message: string;
}

export interface MemoryLockOptions {
  /** The lock object's name. */
  name: string;
  /** This candidate's identity. */
  identity: string;
  /** Only for `describe()`. @default 'default' */
  namespace?: string;
  /** Offer `watch()` (electors then watch instead of polling). @default true */
  watch?: boolean;
}

interface StoredObject {
  record: LeaderElectionRecord;
  uid: string;
  resourceVersion: number;
}

interface Snapshot {
  record: LeaderElectionRecord;
  uid: string;
  resourceVersion: number;
}

interface ActiveFault {
  fault: MemoryLockFault;
  match: NonNullable<MemoryLockFaultOptions['match']>;
  remaining: number;
}

interface Watcher {
  name: string;
  identity: string;
  handlers: LockWatchHandlers;
  /**
   * Offers a watched version to the owning lock: false for one it has already seen (an event
   * older than its last read or write is not delivered, as a resumed watch would not send it).
   */
  accept(snapshot: Snapshot, deleted: boolean): boolean;
  /** Cancels deliveries still in flight when the watch ends. */
  pending: Set<() => void>;
  closed: boolean;
  /** A `hang` fault: the watch stays open but delivers nothing. */
  silent: boolean;
}

/** client-go's raw record: JSON in `LeaderElectionRecord` field order, no field omitted. */
export function memoryRecordRaw(record: LeaderElectionRecord): string {
  return JSON.stringify({
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: record.acquireTime ? record.acquireTime.toISOString() : null,
    renewTime: record.renewTime ? record.renewTime.toISOString() : null,
    leaderTransitions: record.leaderTransitions,
    strategy: record.strategy ?? '',
    preferredHolder: record.preferredHolder ?? '',
  });
}

const statusFor: Partial<Record<LockErrorReason, number>> = {
  NotFound: 404,
  Conflict: 409,
  AlreadyExists: 409,
  Unauthorized: 401,
  Forbidden: 403,
  Invalid: 422,
  Unavailable: 503,
};

/** The store's machinery; `MemoryLockStore` is its public face, `MemoryLock` its client. */
class MemoryStoreCore {
  private readonly clock: Clock;
  private readonly latency: number;
  private readonly responseLatency: number;
  private readonly watchLatency: number;
  private readonly logLimit: number;
  private readonly objects = new Map<string, StoredObject>();
  private readonly watchers = new Set<Watcher>();
  private faults: ActiveFault[] = [];
  private revision = 0;
  private uidCounter = 0;
  private readonly counts = new Map<string, number>();
  private readonly requestLog: MemoryLockRequest[] = [];
  private readonly writeLog: MemoryLockWrite[] = [];
  private readonly eventLog: MemoryLockEvent[] = [];

  constructor(options: MemoryLockStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.latency = Math.max(0, options.latency ?? 0);
    this.responseLatency = Math.max(0, options.responseLatency ?? 0);
    this.watchLatency = Math.max(0, options.watchLatency ?? 0);
    this.logLimit = Math.max(1, options.logLimit ?? 10_000);
  }

  /** The stored record (a copy), or undefined. */
  read(name: string): LeaderElectionRecord | undefined {
    const object = this.objects.get(name);
    return object ? copyRecord(object.record) : undefined;
  }

  /** The stored object's resourceVersion, or undefined. */
  resourceVersion(name: string): number | undefined {
    return this.objects.get(name)?.resourceVersion;
  }

  /** Writes `record` as another client would (no version check); watchers see it. */
  write(name: string, record: LeaderElectionRecord): void {
    const existing = this.objects.get(name);
    this.store(name, record, existing?.uid ?? this.nextUid(), '', 'write');
  }

  /** Deletes the object as another client would; watchers see DELETED. */
  delete(name: string): boolean {
    const existing = this.objects.get(name);
    if (!existing) return false;
    this.objects.delete(name);
    const resourceVersion = ++this.revision;
    this.logWrite({
      at: this.clock.now(),
      identity: '',
      name,
      verb: 'delete',
      record: copyRecord(existing.record),
      resourceVersion,
    });
    this.notify(name, 'DELETED', { ...existing, resourceVersion });
    return true;
  }

  /** Injects `fault` into matching requests until cleared (or `times` requests). */
  fault(fault: MemoryLockFault, options: MemoryLockFaultOptions = {}): MemoryLockFaultHandle {
    const active: ActiveFault = {
      fault,
      match: options.match ?? {},
      remaining: options.times ?? Number.POSITIVE_INFINITY,
    };
    this.faults.push(active);
    return { clear: () => void (this.faults = this.faults.filter((f) => f !== active)) };
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Ends every open watch (`onClose(err)`), as a server restart or a network cut would. */
  closeWatches(err?: Error): void {
    for (const watcher of [...this.watchers]) this.closeWatcher(watcher, err);
  }

  /** Open watches (for tests: proves a stopped elector closed its watch). */
  watchCount(): number {
    return this.watchers.size;
  }

  /** How many requests matched the filter since the last `resetRequests()`. */
  count(filter: { identity?: string; verb?: MemoryLockVerb } = {}): number {
    let total = 0;
    for (const [key, n] of this.counts) {
      const [identity, verb] = key.split('\u0000');
      if (filter.identity !== undefined && filter.identity !== identity) continue;
      if (filter.verb !== undefined && filter.verb !== verb) continue;
      total += n;
    }
    return total;
  }

  /** The latest requests, oldest first. */
  requests(): readonly MemoryLockRequest[] {
    return [...this.requestLog];
  }

  resetRequests(): void {
    this.counts.clear();
    this.requestLog.length = 0;
  }

  /** The latest changes of stored records, oldest first. */
  writes(): readonly MemoryLockWrite[] {
    return [...this.writeLog];
  }

  /** The events locks recorded (`recordEvent`), oldest first. */
  events(): readonly MemoryLockEvent[] {
    return [...this.eventLog];
  }

  recordEvent(name: string, message: string): void {
    this.push(this.eventLog, { at: this.clock.now(), name, message });
  }

  /** One request, with latency and faults applied. */
  async perform<T>(
    identity: string,
    verb: Exclude<MemoryLockVerb, 'watch'>,
    name: string,
    describe: string,
    signal: AbortSignal | undefined,
    apply: () => T,
  ): Promise<T> {
    this.countRequest(identity, verb, name);
    const fault = this.takeFault(identity, verb, name);
    const extra = fault?.kind === 'latency' ? Math.max(0, fault.ms) : 0;
    await this.wait(this.latency + extra, signal, describe);
    if (fault?.kind === 'error') {
      throw new LockError(
        fault.reason,
        fault.message ?? messages.memoryLockInjectedFault(describe, fault.reason),
        statusFor[fault.reason],
      );
    }
    if (fault?.kind === 'hang') await this.wait(Number.POSITIVE_INFINITY, signal, describe);
    // A rejected request (404, 409) travels back like any answer.
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: apply() };
    } catch (error) {
      outcome = { error };
    }
    if (fault?.kind === 'drop-response') {
      await this.wait(Number.POSITIVE_INFINITY, signal, describe);
    }
    await this.wait(this.responseLatency, signal, describe);
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  getObject(name: string): Snapshot {
    const object = this.objects.get(name);
    if (!object) throw new LockError('NotFound', messages.memoryLockNotFound(name), 404);
    return { ...object, record: copyRecord(object.record) };
  }

  createObject(name: string, record: LeaderElectionRecord, identity: string): Snapshot {
    if (this.objects.has(name)) {
      throw new LockError('AlreadyExists', messages.memoryLockAlreadyExists(name), 409);
    }
    return this.store(name, record, this.nextUid(), identity, 'create');
  }

  /** Optimistic update: `expected` is the version the caller last saw. */
  updateObject(
    name: string,
    expected: { uid: string; resourceVersion: number },
    record: LeaderElectionRecord,
    identity: string,
  ): Snapshot {
    const object = this.objects.get(name);
    // As for a Lease PUT carrying a uid: a missing or re-created object is a conflict too.
    if (
      !object ||
      object.uid !== expected.uid ||
      object.resourceVersion !== expected.resourceVersion
    ) {
      throw new LockError('Conflict', messages.memoryLockConflict(name), 409);
    }
    // As the API server: identical content is a no-op (same version, no watch event).
    if (memoryRecordRaw(record) === memoryRecordRaw(object.record)) {
      return { ...object, record: copyRecord(object.record) };
    }
    return this.store(name, record, object.uid, identity, 'update');
  }

  openWatch(
    watcher: Omit<Watcher, 'closed' | 'silent' | 'pending'>,
    lastSeen: number | undefined,
  ): LockWatchHandle {
    this.countRequest(watcher.identity, 'watch', watcher.name);
    const fault = this.takeFault(watcher.identity, 'watch', watcher.name);
    const entry: Watcher = {
      ...watcher,
      closed: false,
      silent: fault?.kind === 'hang',
      pending: new Set(),
    };
    this.watchers.add(entry);
    if (fault?.kind === 'error') {
      const err = new LockError(
        fault.reason,
        fault.message ?? messages.memoryLockInjectedFault(watcher.name, fault.reason),
        statusFor[fault.reason],
      );
      this.deliver(entry, () => this.closeWatcher(entry, err));
    } else if (!entry.silent) {
      // A watch resumes from the version the lock last saw: replay what it missed since then
      // (this store keeps no history, so the current state stands for all of it).
      const object = this.objects.get(watcher.name);
      if (object && object.resourceVersion !== lastSeen) {
        this.deliverEvent(entry, lastSeen === undefined ? 'ADDED' : 'MODIFIED', { ...object });
      }
    }
    return { stop: () => this.closeWatcher(entry, undefined, false) };
  }

  private store(
    name: string,
    record: LeaderElectionRecord,
    uid: string,
    identity: string,
    verb: 'create' | 'update' | 'write',
  ): Snapshot {
    const existed = this.objects.has(name);
    const object: StoredObject = {
      record: copyRecord(record),
      uid,
      resourceVersion: ++this.revision,
    };
    this.objects.set(name, object);
    this.logWrite({
      at: this.clock.now(),
      identity,
      name,
      verb,
      record: copyRecord(record),
      resourceVersion: object.resourceVersion,
    });
    this.notify(name, existed ? 'MODIFIED' : 'ADDED', object);
    return { ...object, record: copyRecord(object.record) };
  }

  private notify(name: string, type: LockWatchEvent['type'], object: StoredObject): void {
    const snapshot = { ...object, record: copyRecord(object.record) };
    for (const watcher of this.watchers) {
      if (watcher.name === name && !watcher.silent) this.deliverEvent(watcher, type, snapshot);
    }
  }

  private deliverEvent(watcher: Watcher, type: LockWatchEvent['type'], snapshot: Snapshot): void {
    this.deliver(watcher, () => {
      if (watcher.closed || !watcher.accept(snapshot, type === 'DELETED')) return;
      const record = copyRecord(snapshot.record);
      watcher.handlers.onEvent({ type, record, raw: memoryRecordRaw(record) });
    });
  }

  /** Runs `fn` after the watch latency; with none, after the current call stack (as I/O would). */
  private deliver(watcher: Watcher, fn: () => void): void {
    if (this.watchLatency <= 0) return queueMicrotask(fn);
    const cancel = this.clock.setTimer(() => {
      watcher.pending.delete(cancel);
      fn();
    }, this.watchLatency);
    watcher.pending.add(cancel);
  }

  private closeWatcher(watcher: Watcher, err: Error | undefined, notify = true): void {
    if (watcher.closed) return;
    watcher.closed = true;
    this.watchers.delete(watcher);
    for (const cancel of watcher.pending) cancel();
    watcher.pending.clear();
    if (notify) queueMicrotask(() => watcher.handlers.onClose(err));
  }

  private takeFault(
    identity: string,
    verb: MemoryLockVerb,
    name: string,
  ): MemoryLockFault | undefined {
    for (const active of this.faults) {
      const { match } = active;
      if (match.identity !== undefined && match.identity !== identity) continue;
      if (match.verb !== undefined && match.verb !== verb) continue;
      if (match.name !== undefined && match.name !== name) continue;
      active.remaining -= 1;
      if (active.remaining <= 0) this.faults = this.faults.filter((f) => f !== active);
      return active.fault;
    }
    return undefined;
  }

  /**
   * Waits `ms` of clock time. Rejects with a Timeout `LockError` when `signal` aborts first.
   * Zero still yields once, so answers never arrive synchronously.
   */
  private wait(ms: number, signal: AbortSignal | undefined, describe: string): Promise<void> {
    const aborted = () => new LockError('Timeout', messages.memoryLockAborted(describe));
    if (signal?.aborted) return Promise.reject(aborted());
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let cancel: (() => void) | undefined;
      const onAbort = () => {
        cancel?.();
        reject(aborted());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(ms)) {
        cancel = this.clock.setTimer(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
      }
    });
  }

  private countRequest(identity: string, verb: MemoryLockVerb, name: string): void {
    const key = `${identity}\u0000${verb}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.push(this.requestLog, { at: this.clock.now(), identity, verb, name });
  }

  private logWrite(entry: MemoryLockWrite): void {
    this.push(this.writeLog, entry);
  }

  private push<T>(log: T[], entry: T): void {
    log.push(entry);
    if (log.length > this.logLimit) log.splice(0, log.length - this.logLimit);
  }

  private nextUid(): string {
    this.uidCounter += 1;
    return `memory-${this.uidCounter.toString(16).padStart(8, '0')}`;
  }
}

const cores = new WeakMap<MemoryLockStore, MemoryStoreCore>();

function coreOf(store: MemoryLockStore): MemoryStoreCore {
  const core = cores.get(store);
  if (!core) throw new TypeError('MemoryLock needs a MemoryLockStore (new MemoryLockStore())');
  return core;
}

/**
 * An in-process stand-in for the API server's storage of lock objects, shared by several
 * `MemoryLock`s (one per candidate). It keeps the properties leader election relies on:
 * one global, increasing resourceVersion; optimistic concurrency (an update must carry the
 * version its lock last saw, else `Conflict`); `AlreadyExists` on a second create; ordered watch
 * events. Latency and faults (hang, lost response, errors) are injectable, and everything waits
 * on the injected `Clock`, so a virtual clock drives it deterministically.
 *
 * For unit tests, simulations and local development without a cluster; not a distributed lock.
 * @example
 * const store = new MemoryLockStore();
 * const elector = new LeaderElector({ lock: store.createLock({ name: 'jobs', identity: 'a' }) });
 */
export class MemoryLockStore {
  constructor(options: MemoryLockStoreOptions = {}) {
    cores.set(this, new MemoryStoreCore(options));
  }

  /** A lock on object `options.name` of this store for one candidate. */
  createLock(options: MemoryLockOptions): MemoryLock {
    return new MemoryLock(this, options);
  }

  /** The stored record (a copy), or undefined. */
  read(name: string): LeaderElectionRecord | undefined {
    return coreOf(this).read(name);
  }

  /** The stored object's resourceVersion, or undefined. */
  resourceVersion(name: string): number | undefined {
    return coreOf(this).resourceVersion(name);
  }

  /** Writes `record` as another client would (no version check); watchers see it. */
  write(name: string, record: LeaderElectionRecord): void {
    coreOf(this).write(name, record);
  }

  /** Deletes the object as another client would; watchers see DELETED. */
  delete(name: string): boolean {
    return coreOf(this).delete(name);
  }

  /** Injects `fault` into matching requests until cleared (or `times` requests). */
  fault(fault: MemoryLockFault, options?: MemoryLockFaultOptions): MemoryLockFaultHandle {
    return coreOf(this).fault(fault, options);
  }

  clearFaults(): void {
    coreOf(this).clearFaults();
  }

  /** Ends every open watch (`onClose(err)`), as a server restart or a network cut would. */
  closeWatches(err?: Error): void {
    coreOf(this).closeWatches(err);
  }

  /** Open watches (for tests: proves a stopped elector closed its watch). */
  watchCount(): number {
    return coreOf(this).watchCount();
  }

  /** How many requests matched the filter since the last `resetRequests()`. */
  count(filter?: { identity?: string; verb?: MemoryLockVerb }): number {
    return coreOf(this).count(filter);
  }

  /** The latest requests, oldest first. */
  requests(): readonly MemoryLockRequest[] {
    return coreOf(this).requests();
  }

  resetRequests(): void {
    coreOf(this).resetRequests();
  }

  /** The latest changes of stored records, oldest first. */
  writes(): readonly MemoryLockWrite[] {
    return coreOf(this).writes();
  }

  /** The events locks recorded (`recordEvent`), oldest first. */
  events(): readonly MemoryLockEvent[] {
    return coreOf(this).events();
  }
}

/**
 * A `ResourceLock` over a `MemoryLockStore`: one per candidate, like a Lease lock per replica.
 * It caches the version it last read, wrote or watched, so `update` is optimistic exactly as a
 * Lease PUT carrying `resourceVersion` and `uid` is; `update` before any `get`/`create` rejects.
 */
export class MemoryLock implements ResourceLock {
  /** Present unless `watch: false` (then electors poll, as client-go does). */
  readonly watch?: (handlers: LockWatchHandlers) => LockWatchHandle;
  private readonly store: MemoryStoreCore;
  private readonly name: string;
  private readonly id: string;
  private readonly description: string;
  private cached: { uid: string; resourceVersion: number } | undefined;

  constructor(store: MemoryLockStore, options: MemoryLockOptions) {
    for (const key of ['name', 'identity'] as const) {
      const value: unknown = options?.[key];
      if (typeof value !== 'string' || value === '') {
        throw new TypeError(messages.memoryLockOptionInvalid(key, value));
      }
    }
    this.store = coreOf(store);
    this.name = options.name;
    this.id = options.identity;
    this.description = `${options.namespace ?? 'default'}/${options.name}`;
    if (options.watch !== false) this.watch = (handlers) => this.openWatch(handlers);
  }

  identity(): string {
    return this.id;
  }

  describe(): string {
    return this.description;
  }

  async get(options: LockRequestOptions = {}): Promise<LockGetResult> {
    const snapshot = await this.store.perform(
      this.id,
      'get',
      this.name,
      this.description,
      options.signal,
      () => this.store.getObject(this.name),
    );
    this.remember(snapshot);
    return { record: snapshot.record, raw: memoryRecordRaw(snapshot.record) };
  }

  async create(record: LeaderElectionRecord, options: LockRequestOptions = {}): Promise<void> {
    const snapshot = await this.store.perform(
      this.id,
      'create',
      this.name,
      this.description,
      options.signal,
      () => this.store.createObject(this.name, record, this.id),
    );
    this.remember(snapshot);
  }

  async update(
    record: LeaderElectionRecord,
    options: LockRequestOptions = {},
  ): Promise<LockGetResult> {
    const expected = this.cached;
    if (!expected) {
      throw new LockError('Unknown', messages.memoryLockNotInitialized(this.description));
    }
    const snapshot = await this.store.perform(
      this.id,
      'update',
      this.name,
      this.description,
      options.signal,
      () => this.store.updateObject(this.name, expected, record, this.id),
    );
    this.remember(snapshot);
    return { record: snapshot.record, raw: memoryRecordRaw(snapshot.record) };
  }

  recordEvent(message: string): void {
    this.store.recordEvent(this.name, `${this.id} ${message}`);
  }

  private openWatch(handlers: LockWatchHandlers): LockWatchHandle {
    return this.store.openWatch(
      {
        name: this.name,
        identity: this.id,
        handlers,
        // Watched versions feed the cache, so an update right after an event needs no GET.
        accept: (snapshot, deleted) => {
          if (this.cached && snapshot.resourceVersion <= this.cached.resourceVersion) return false;
          if (!deleted) this.remember(snapshot);
          return true;
        },
      },
      this.cached?.resourceVersion,
    );
  }

  private remember(snapshot: Snapshot): void {
    this.cached = { uid: snapshot.uid, resourceVersion: snapshot.resourceVersion };
  }
}
