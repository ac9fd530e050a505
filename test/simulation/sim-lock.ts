import { LockError } from '../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import type {
  LockGetResult,
  LockRequestOptions,
  LockWatchHandle,
  LockWatchHandlers,
  ResourceLock,
} from '../../lib/core/locks/resource-lock.interface.js';
import type { QueuedEvent } from './event-queue.js';
import type { LockOperation } from './sim-network.js';
import {
  copyRecord,
  type StoreChange,
  type StoreOutcome,
  type StoredLease,
  type StoreWatcher,
} from './sim-lease-store.js';
import type { SimProcess } from './sim-process.js';

/** Server-side watch timeout, as the real lock asks for (timeoutSeconds in [240, 300]). */
const WATCH_TIMEOUT_MIN_MS = 240_000;
const WATCH_TIMEOUT_MAX_MS = 300_000;

/**
 * One process's connection to the simulated API server, as a `ResourceLock` with client-go's
 * lease-lock semantics: it caches the resourceVersion of the last object it read, wrote or saw
 * through its watch, and `update` carries it (optimistic concurrency). Requests travel through
 * the network model: applied at the server on arrival, answered after the return latency, and
 * rejected with `LockError('Timeout')` as soon as `options.signal` aborts.
 */
export class SimLock implements ResourceLock {
  /** resourceVersion of the cached object. */
  cachedVersion: number | undefined;
  /** The record of the last successful create/update whose response this process received. */
  lastWrite: LeaderElectionRecord | undefined;
  private watchCount = 0;
  /** Present only when the simulation offers watches (else the elector must poll). */
  readonly watch?: (handlers: LockWatchHandlers) => LockWatchHandle;

  constructor(
    readonly proc: SimProcess,
    withWatch: boolean,
  ) {
    if (withWatch) this.watch = (handlers) => this.openWatch(handlers);
  }

  identity(): string {
    return this.proc.identity;
  }

  describe(): string {
    return `${this.proc.host.store.namespace}/${this.proc.host.store.name}`;
  }

  recordEvent(message: string): void {
    this.proc.host.trace(`${this.proc.label} event "${this.proc.identity} ${message}"`);
  }

  async get(options?: LockRequestOptions): Promise<LockGetResult> {
    const lease = await this.request('get', undefined, options);
    return { record: lease.record, raw: lease.raw };
  }

  async create(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<void> {
    await this.request('create', record, options);
  }

  async update(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<void> {
    if (this.cachedVersion === undefined) {
      throw new LockError('Unknown', 'lease not initialized, call get or create first');
    }
    await this.request('update', record, options);
  }

  /** The watch saw an object: the cache follows it (the elector may PUT without a GET). */
  observe(change: StoreChange): void {
    this.cachedVersion = change.resourceVersion;
  }

  private request(
    op: LockOperation,
    record: LeaderElectionRecord | undefined,
    options: LockRequestOptions | undefined,
  ): Promise<StoredLease> {
    const proc = this.proc;
    const host = proc.host;
    const signal = options?.signal;
    const sentVersion = this.cachedVersion;
    const body = record ? copyRecord(record) : undefined;
    return new Promise<StoredLease>((resolve, reject) => {
      if (signal?.aborted) {
        host.trace(`${proc.label} x ${op} not sent: signal already aborted`);
        reject(timeoutError(op));
        return;
      }
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        proc.pendingRequests--;
        host.trace(`${proc.label} x ${op} aborted by its signal (Timeout)`);
        reject(timeoutError(op));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      proc.pendingRequests++;
      const plan = host.network.plan(proc.slot, op, host.now);
      host.trace(
        `${proc.label} -> ${op}${body ? ` ${describeRecord(body)}` : ''}${op === 'update' ? ` rv=${sentVersion}` : ''}` +
          (plan.arriveAt === null ? ' [partitioned: never arrives]' : ''),
      );
      if (plan.arriveAt === null) return;
      host.schedule(plan.arriveAt, () => {
        let outcome: StoreOutcome<StoredLease>;
        if (plan.injected) {
          outcome = { ok: false, error: plan.injected };
        } else if (op === 'get') {
          outcome = host.store.get();
        } else if (op === 'create') {
          outcome = host.store.create(body!);
        } else {
          outcome = host.store.update(body!, sentVersion!);
        }
        if (!outcome.ok && outcome.error.reason === 'Invalid') {
          host.violation(
            'records',
            `${proc.label} wrote an invalid record: ${outcome.error.message}`,
          );
        }
        host.trace(
          `server ${op} from ${proc.label}: ` +
            (outcome.ok
              ? `ok rv=${outcome.value.resourceVersion}`
              : `${outcome.error.reason}${plan.injected ? ' (injected)' : ''}`) +
            (plan.lost ? ' [response lost]' : ''),
        );
        if (plan.lost) return;
        proc.deliverAt(host.now + plan.responseDelay, () => {
          if (host.network.partitioned(proc.slot)) {
            host.trace(`${proc.label} response to ${op} dropped (partition)`);
            return;
          }
          if (settled) {
            host.trace(`${proc.label} late response to ${op} ignored`);
            return;
          }
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          proc.pendingRequests--;
          if (outcome.ok) {
            this.cachedVersion = outcome.value.resourceVersion;
            if (op !== 'get') this.lastWrite = copyRecord(outcome.value.record);
            host.trace(`${proc.label} <- ${op} ok rv=${outcome.value.resourceVersion}`);
            resolve(outcome.value);
          } else {
            host.trace(`${proc.label} <- ${op} ${outcome.error.reason}`);
            reject(outcome.error);
          }
        });
      });
    });
  }

  private openWatch(handlers: LockWatchHandlers): LockWatchHandle {
    const client = new SimWatchClient(this, handlers, ++this.watchCount);
    client.connect();
    return { stop: () => client.stop() };
  }
}

/**
 * One watch stream: established after a network hop (resuming after the lock's cached
 * resourceVersion), events delivered in order after their latency, closed by the server after
 * its timeout or a `watch-drop` fault. During a partition the stream either stalls (events wait
 * in the TCP buffers and arrive at heal) or breaks (the client sees an error some time in).
 */
export class SimWatchClient implements StoreWatcher {
  private stopped = false;
  private closed = false;
  private registered = false;
  private lastDeliveryAt = 0;
  private buffer: StoreChange[] | undefined;
  private dropping = false;
  private serverTimeout: QueuedEvent | undefined;

  constructor(
    private readonly lock: SimLock,
    private readonly handlers: LockWatchHandlers,
    readonly id: number,
  ) {}

  private get proc(): SimProcess {
    return this.lock.proc;
  }

  connect(): void {
    const proc = this.proc;
    const host = proc.host;
    proc.watches.add(this);
    const since = this.lock.cachedVersion;
    host.trace(`${proc.label} -> watch since rv=${since ?? 'none'}`);
    if (host.network.partitioned(proc.slot)) {
      // The connection cannot be made; the client's connect timeout reports it.
      const after = host.worldRng.range(1_000, 5_000);
      proc.deliverAt(host.now + after, () =>
        this.closeForClient(new LockError('Timeout', 'watch: connection timed out')),
      );
      return;
    }
    host.schedule(host.now + host.network.latency(), () => {
      if (this.stopped || this.closed) return;
      if (host.network.partitioned(proc.slot)) {
        this.partitionStarted();
        if (this.dropping) return;
      }
      this.registered = true;
      host.store.watch(this, since);
      const timeout = host.worldRng.range(WATCH_TIMEOUT_MIN_MS, WATCH_TIMEOUT_MAX_MS);
      this.serverTimeout = host.schedule(host.now + timeout, () => this.serverClose(undefined));
    });
  }

  /** Server side: a change to send down this stream. */
  deliver(change: StoreChange): void {
    if (this.stopped || this.closed) return;
    if (this.buffer) {
      this.buffer.push(change);
      return;
    }
    if (this.dropping) return;
    this.send(change);
  }

  private send(change: StoreChange): void {
    const proc = this.proc;
    const host = proc.host;
    const at = Math.max(this.lastDeliveryAt, host.now + host.network.latency());
    this.lastDeliveryAt = at;
    proc.deliverAt(at, () => {
      if (this.stopped || this.closed) return;
      this.lock.observe(change);
      host.trace(
        `${proc.label} <~ watch ${change.type} ${describeRecord(change.record)} rv=${change.resourceVersion}`,
      );
      this.handlers.onEvent({
        type: change.type,
        record: copyRecord(change.record),
        raw: change.raw,
      });
    });
  }

  /** The server ends the stream (timeout: err undefined; fault: an error). */
  serverClose(err: Error | undefined): void {
    if (this.stopped || this.closed) return;
    this.unregister();
    const proc = this.proc;
    const host = proc.host;
    proc.deliverAt(Math.max(this.lastDeliveryAt, host.now + host.network.latency()), () =>
      this.closeForClient(err),
    );
  }

  partitionStarted(): void {
    if (this.stopped || this.closed) return;
    const host = this.proc.host;
    if (host.worldRng.chance(0.5)) {
      this.buffer = [];
      host.trace(`${this.proc.label} watch#${this.id} stalls (partition)`);
    } else {
      this.dropping = true;
      const after = host.worldRng.range(0, host.durations.leaseDuration);
      host.trace(
        `${this.proc.label} watch#${this.id} will break in ${after.toFixed(3)} ms (partition)`,
      );
      this.unregister();
      this.proc.deliverAt(host.now + after, () =>
        this.closeForClient(new LockError('Unavailable', 'watch: connection reset')),
      );
    }
  }

  partitionEnded(): void {
    const buffered = this.buffer;
    this.buffer = undefined;
    if (!buffered || this.stopped || this.closed) return;
    for (const change of buffered) this.send(change);
  }

  /** The process died: the server notices the closed connection. */
  connectionLost(): void {
    this.stopped = true;
    this.unregister();
    this.proc.watches.delete(this);
  }

  isOpen(): boolean {
    return !this.stopped && !this.closed;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    this.proc.watches.delete(this);
    this.proc.host.trace(`${this.proc.label} watch#${this.id} stopped by the elector`);
  }

  private unregister(): void {
    if (this.registered) {
      this.registered = false;
      this.proc.host.store.unwatch(this);
    }
    if (this.serverTimeout) this.serverTimeout.cancelled = true;
  }

  private closeForClient(err: Error | undefined): void {
    if (this.stopped || this.closed) return;
    this.closed = true;
    this.unregister();
    this.proc.watches.delete(this);
    this.proc.host.trace(
      `${this.proc.label} watch#${this.id} closed${err ? `: ${err.message}` : ''}`,
    );
    this.handlers.onClose(err);
  }
}

function timeoutError(op: LockOperation): LockError {
  return new LockError('Timeout', `${op} lease: the request was aborted (timeout)`);
}

export function describeRecord(r: LeaderElectionRecord): string {
  return `{holder=${r.holderIdentity || "''"} dur=${r.leaseDurationSeconds} tr=${r.leaderTransitions}}`;
}
