import type { LeaderElectionRecord } from '../leader-election-record.js';

/** Options for one lock request. */
export interface LockRequestOptions {
  /**
   * Aborts the request (the elector combines the renew round's deadline and the per-request
   * timeout `max(1 s, renewDeadline / 2)` into this signal). A lock must stop waiting for the
   * response when it fires and reject with `LockError('Timeout', …)`.
   */
  signal?: AbortSignal;
}

/** What `ResourceLock.get` returns. */
export interface LockGetResult {
  record: LeaderElectionRecord;
  /**
   * A stable serialisation of the record, compared byte-for-byte by the elector to detect
   * change (client-go's `observedRawRecord`): `JSON.stringify` of the record in client-go's
   * field order, times as RFC3339 seconds (the way Go marshals `metav1.Time`).
   */
  raw: string;
}

/** One change of the lock object seen through a watch. */
export interface LockWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The record in the object (for DELETED: the last state). */
  record: LeaderElectionRecord;
  raw: string;
}

export interface LockWatchHandlers {
  onEvent(event: LockWatchEvent): void;
  /**
   * The watch ended: `undefined` for a normal close by the server, an Error otherwise. The lock
   * does not restart it by itself; the caller decides (with backoff).
   */
  onClose(err?: Error): void;
}

export interface LockWatchHandle {
  stop(): void;
}

/**
 * client-go's `resourcelock.Interface`. A lock caches the last object it read or wrote so that
 * `update` carries its `resourceVersion` (optimistic concurrency); `update` before any
 * `get`/`create` rejects.
 *
 * Errors are `LockError`s (see `errors.ts`). A record that cannot be parsed (corrupted
 * annotation, wrong types) is not an error: it reads as the empty record (holder `''`), which
 * client-go would take over, and the lock logs a warning naming the object.
 */
export interface ResourceLock {
  get(options?: LockRequestOptions): Promise<LockGetResult>;
  create(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<void>;
  /**
   * Writes `record` over the cached object. May resolve with the record as stored, when the
   * lock can tell (the Lease and MemoryLock locks do): an API server can drop fields, e.g.
   * `preferredHolder` without the CoordinatedLeaderElection feature gate.
   */
  update(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<LockGetResult | void>;
  /** Records `<identity> <message>` as a Kubernetes Event on the lock object; never throws. */
  recordEvent(message: string): void;
  identity(): string;
  /** `<namespace>/<name>`. */
  describe(): string;
  /**
   * Watches this one object (fieldSelector `metadata.name=<name>`, bookmarks on), resuming
   * from the last resourceVersion the lock has seen; relists (GET) on 410 Expired. Optional:
   * locks without it make the elector poll as client-go does.
   */
  watch?(handlers: LockWatchHandlers): LockWatchHandle;
}
