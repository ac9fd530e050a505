import { LockError } from '../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import type {
  LockGetResult,
  LockRequestOptions,
  LockWatchHandle,
  LockWatchHandlers,
  ResourceLock,
} from '../../lib/core/locks/resource-lock.interface.js';
import type { LockOperation } from './sim-network.js';
import {
  copyRecord,
  describeRecord,
  type StoreChange,
  type StoreOutcome,
  type StoredLease,
} from './sim-lease-store.js';
import { SimWatchClient } from './sim-watch-client.js';
import type { SimProcess } from './sim-process.js';

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
      if (signal?.aborted && host.ignoreSignalProbability === 0) {
        host.trace(`${proc.label} x ${op} not sent: signal already aborted`);
        reject(timeoutError(op));
        return;
      }
      let settled = false;
      // A lock that cannot abort: only the server's answer (if any) settles the request.
      const honoursSignal =
        host.ignoreSignalProbability === 0 || !host.worldRng.chance(host.ignoreSignalProbability);
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        proc.pendingRequests--;
        host.trace(`${proc.label} x ${op} aborted by its signal (Timeout)`);
        reject(timeoutError(op));
      };
      if (honoursSignal) {
        signal?.addEventListener('abort', onAbort, { once: true });
        proc.pendingRequests++;
      }
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
          outcome = host.store.create(body!, proc.identity);
        } else {
          outcome = host.store.update(body!, sentVersion!, proc.identity);
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
          if (honoursSignal) {
            signal?.removeEventListener('abort', onAbort);
            proc.pendingRequests--;
          }
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

function timeoutError(op: LockOperation): LockError {
  return new LockError('Timeout', `${op} lease: the request was aborted (timeout)`);
}
