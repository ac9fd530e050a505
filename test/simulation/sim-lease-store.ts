import { LockError } from '../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import type { LockWatchEvent } from '../../lib/core/locks/resource-lock.interface.js';

/** The object as the server stores it. */
export interface StoredLease {
  record: LeaderElectionRecord;
  raw: string;
  resourceVersion: number;
}

export interface StoreChange {
  type: LockWatchEvent['type'];
  record: LeaderElectionRecord;
  raw: string;
  resourceVersion: number;
}

/** A server-side watch registration. */
export interface StoreWatcher {
  deliver(change: StoreChange): void;
}

export type StoreOutcome<T> = { ok: true; value: T } | { ok: false; error: LockError };

/**
 * The API server's view of the one lock object: optimistic concurrency on resourceVersion (one
 * counter, bumped by every real write), 404 → NotFound, POST on an existing object →
 * AlreadyExists, PUT with a stale resourceVersion → Conflict, a PUT that changes nothing keeps
 * the resourceVersion and notifies nobody (as etcd3's GuaranteedUpdate), and the Lease
 * validation that matters (leaseDurationSeconds > 0, leaseTransitions >= 0, times as dates).
 * Every operation is applied synchronously at the request's arrival time.
 */
export class SimLeaseStore {
  private current: StoredLease | undefined;
  private revision = 0;
  private readonly history: StoreChange[] = [];
  private readonly watchers = new Set<StoreWatcher>();

  constructor(
    /** Called on every applied write with the old and new record and the writer's identity. */
    private readonly onWrite: (
      before: LeaderElectionRecord | undefined,
      after: StoredLease,
      writer: string,
    ) => void,
    readonly name = 'sim-lease',
    readonly namespace = 'default',
  ) {}

  get object(): StoredLease | undefined {
    return this.current;
  }

  get writes(): number {
    return this.history.length;
  }

  get(): StoreOutcome<StoredLease> {
    if (!this.current) return { ok: false, error: this.notFound() };
    return { ok: true, value: this.copy(this.current) };
  }

  create(record: LeaderElectionRecord, writer = ''): StoreOutcome<StoredLease> {
    const invalid = this.validate(record);
    if (invalid) return { ok: false, error: invalid };
    if (this.current) {
      return {
        ok: false,
        error: new LockError(
          'AlreadyExists',
          `leases.coordination.k8s.io "${this.name}" already exists`,
          409,
        ),
      };
    }
    return { ok: true, value: this.write(record, 'ADDED', writer) };
  }

  update(
    record: LeaderElectionRecord,
    resourceVersion: number,
    writer = '',
  ): StoreOutcome<StoredLease> {
    const invalid = this.validate(record);
    if (invalid) return { ok: false, error: invalid };
    // A PUT carrying the uid of a deleted object fails its precondition with 409 Conflict.
    if (!this.current || this.current.resourceVersion !== resourceVersion) {
      return { ok: false, error: conflictError(this.name) };
    }
    if (rawRecord(record) === this.current.raw) return { ok: true, value: this.copy(this.current) };
    return { ok: true, value: this.write(record, 'MODIFIED', writer) };
  }

  /** Registers a watch from `sinceResourceVersion` (replaying later changes), or from now. */
  watch(watcher: StoreWatcher, sinceResourceVersion: number | undefined): void {
    if (sinceResourceVersion === undefined) {
      if (this.current) {
        const c = this.copy(this.current);
        watcher.deliver({
          type: 'ADDED',
          record: c.record,
          raw: c.raw,
          resourceVersion: c.resourceVersion,
        });
      }
    } else {
      for (const change of this.history) {
        if (change.resourceVersion > sinceResourceVersion) watcher.deliver(copyChange(change));
      }
    }
    this.watchers.add(watcher);
  }

  unwatch(watcher: StoreWatcher): void {
    this.watchers.delete(watcher);
  }

  private write(
    record: LeaderElectionRecord,
    type: 'ADDED' | 'MODIFIED',
    writer: string,
  ): StoredLease {
    const before = this.current?.record;
    const stored: StoredLease = {
      record: copyRecord(record),
      raw: rawRecord(record),
      resourceVersion: ++this.revision,
    };
    this.current = stored;
    const change: StoreChange = { type, ...stored };
    this.history.push(change);
    this.onWrite(before, stored, writer);
    for (const w of [...this.watchers]) w.deliver(copyChange(change));
    return this.copy(stored);
  }

  private copy(s: StoredLease): StoredLease {
    return { record: copyRecord(s.record), raw: s.raw, resourceVersion: s.resourceVersion };
  }

  private notFound(): LockError {
    return new LockError('NotFound', `leases.coordination.k8s.io "${this.name}" not found`, 404);
  }

  private validate(record: LeaderElectionRecord): LockError | undefined {
    const problems: string[] = [];
    if (typeof record.holderIdentity !== 'string')
      problems.push('spec.holderIdentity: must be a string');
    if (!Number.isInteger(record.leaseDurationSeconds) || record.leaseDurationSeconds <= 0) {
      problems.push(
        `spec.leaseDurationSeconds: Invalid value: ${record.leaseDurationSeconds}: must be greater than 0`,
      );
    }
    if (!Number.isInteger(record.leaderTransitions) || record.leaderTransitions < 0) {
      problems.push(
        `spec.leaseTransitions: Invalid value: ${record.leaderTransitions}: must be greater than or equal to 0`,
      );
    }
    for (const field of ['acquireTime', 'renewTime'] as const) {
      const v = record[field];
      if (v !== null && !(v instanceof Date && Number.isFinite(v.getTime()))) {
        problems.push(`spec.${field}: must be a valid date or null`);
      }
    }
    if (problems.length === 0) return undefined;
    return new LockError(
      'Invalid',
      `Lease.coordination.k8s.io "${this.name}" is invalid: ${problems.join(', ')}`,
      422,
    );
  }
}

export function conflictError(name: string): LockError {
  return new LockError(
    'Conflict',
    `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    409,
  );
}

export function copyRecord(r: LeaderElectionRecord): LeaderElectionRecord {
  const copy: LeaderElectionRecord = {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: r.acquireTime ? new Date(r.acquireTime.getTime()) : null,
    renewTime: r.renewTime ? new Date(r.renewTime.getTime()) : null,
    leaderTransitions: r.leaderTransitions,
  };
  if (r.strategy) copy.strategy = r.strategy;
  if (r.preferredHolder) copy.preferredHolder = r.preferredHolder;
  return copy;
}

function copyChange(c: StoreChange): StoreChange {
  return {
    type: c.type,
    record: copyRecord(c.record),
    raw: c.raw,
    resourceVersion: c.resourceVersion,
  };
}

/** The record in client-go's field order; times with ms precision (all the sim's clocks have). */
export function rawRecord(r: LeaderElectionRecord): string {
  return JSON.stringify({
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: r.acquireTime ? r.acquireTime.toISOString() : null,
    renewTime: r.renewTime ? r.renewTime.toISOString() : null,
    leaderTransitions: r.leaderTransitions,
    strategy: r.strategy ?? '',
    preferredHolder: r.preferredHolder ?? '',
  });
}

/** A record in one short token for traces. */
export function describeRecord(r: LeaderElectionRecord): string {
  return `{holder=${r.holderIdentity || "''"} dur=${r.leaseDurationSeconds} tr=${r.leaderTransitions}}`;
}
