import type { LeaderElectionRecord } from '../core/leader-election-record.js';
import {
  HAND_OVER_STRATEGY,
  type LeaderCallbacks,
  type LeaderElectorStatus,
} from '../core/leader-elector.config.js';
import { handOverTargetError } from '../core/leader-elector.js';
import type { ManagedElector } from '../interfaces/managed-elector.interface.js';

const ABORTED = AbortSignal.abort();

/**
 * @internal
 * An elector whose leadership the test decides: no API server, no timers. It calls the same
 * callbacks as the real elector, in the same order (new leader, then started; stopped, then
 * new leader), and resolves once the handlers they run have settled.
 */
export class LeaderElectionTestingElector implements ManagedElector {
  private holder = '';
  /** The preferred holder named by the last handOver(identity), until someone leads. */
  private preferred = '';
  private leading = false;
  private transitions = 0;
  private term: AbortController | undefined;
  private state: LeaderElectorStatus = 'idle';
  private acquiredAt: Date | null = null;
  private renewedAt: number | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly identity: string,
    private readonly initialLeader: boolean,
    private readonly callbacks: LeaderCallbacks,
  ) {}

  start(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    this.state = 'running';
    return this.initialLeader ? this.becomeLeader() : Promise.resolve();
  }

  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (this.state === 'stopped' || this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    if (this.leading) await this.endTerm(options.release === false ? this.holder : '');
    this.state = 'stopped';
  }

  /**
   * Like the real elector's: the term ends and the lease is left free; with `identity`, the
   * record names it as preferredHolder. Nobody takes it by itself here: call `setLeader()`.
   */
  async handOver(identity?: string): Promise<boolean> {
    const invalid = handOverTargetError(identity, this.identity);
    if (invalid) throw invalid;
    if (!this.leading) return false;
    this.preferred = identity ?? '';
    await this.endTerm('');
    return true;
  }

  isLeader(): boolean {
    return this.leading;
  }

  getLeader(): string | undefined {
    return this.holder || undefined;
  }

  getRecord(): LeaderElectionRecord | undefined {
    if (this.transitions === 0 && !this.holder) return undefined;
    const record: LeaderElectionRecord = {
      holderIdentity: this.holder,
      leaseDurationSeconds: 15,
      acquireTime: this.acquiredAt,
      renewTime: this.acquiredAt,
      leaderTransitions: this.transitions,
    };
    if (this.preferred) {
      record.strategy = HAND_OVER_STRATEGY;
      record.preferredHolder = this.preferred;
    }
    return record;
  }

  fencingToken(): number | undefined {
    return this.leading ? this.transitions : undefined;
  }

  leadershipSignal(): AbortSignal {
    return this.leading && this.term ? this.term.signal : ABORTED;
  }

  whenLeader(signal?: AbortSignal): Promise<void> {
    if (this.leading) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(done);
        reject(signal?.reason);
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  status(): LeaderElectorStatus {
    return this.state;
  }

  lastError(): Error | undefined {
    return undefined;
  }

  lastRenewAt(): number | undefined {
    return this.leading ? this.renewedAt : undefined;
  }

  check(): Error | undefined {
    return undefined;
  }

  /** This replica takes the lease (a new term, with a new fencing token). */
  async becomeLeader(): Promise<void> {
    if (this.leading) return;
    if (this.state === 'idle') this.state = 'running';
    this.transitions += 1;
    this.term = new AbortController();
    this.leading = true;
    this.preferred = '';
    this.acquiredAt = new Date();
    this.renewedAt = performance.now();
    const changed = this.holder !== this.identity;
    this.holder = this.identity;
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
    if (changed) await this.callbacks.onNewLeader?.(this.identity);
    if (!this.leading || !this.term) return;
    await this.callbacks.onStartedLeading?.({
      signal: this.term.signal,
      identity: this.identity,
      fencingToken: this.transitions,
    });
  }

  /** Another replica (or nobody, with `''`) holds the lease now. */
  async setHolder(holder: string): Promise<void> {
    if (holder === this.identity) return this.becomeLeader();
    if (this.state === 'idle') this.state = 'running';
    if (this.leading) return this.endTerm(holder);
    if (holder === this.holder) return;
    this.holder = holder;
    if (holder) {
      this.preferred = '';
      this.transitions += 1;
      await this.callbacks.onNewLeader?.(holder);
    }
  }

  private async endTerm(nextHolder: string): Promise<void> {
    this.leading = false;
    this.term?.abort();
    this.term = undefined;
    await this.callbacks.onStoppedLeading?.();
    if (nextHolder === this.holder) return;
    this.holder = nextHolder;
    if (nextHolder) {
      this.transitions += 1;
      await this.callbacks.onNewLeader?.(nextHolder);
    }
  }
}
