import { LockError } from '../../lib/core/errors.js';
import type { LockWatchHandlers } from '../../lib/core/locks/resource-lock.interface.js';
import type { QueuedEvent } from './event-queue.js';
import {
  copyRecord,
  describeRecord,
  type StoreChange,
  type StoreWatcher,
} from './sim-lease-store.js';
import type { SimLock } from './sim-lock.js';
import type { SimProcess } from './sim-process.js';

/** Server-side watch timeout, as the real lock asks for (timeoutSeconds in [240, 300]). */
const WATCH_TIMEOUT_MIN_MS = 240_000;
const WATCH_TIMEOUT_MAX_MS = 300_000;

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
