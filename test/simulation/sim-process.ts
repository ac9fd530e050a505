import type { QueuedEvent } from './event-queue.js';
import type { SimClock, SimTimer } from './sim-clock.js';
import type { SimHost } from './sim-host.js';
import type { SimLock } from './sim-lock.js';
import type { SimWatchClient } from './sim-watch-client.js';
import type { SimElector, TermLog } from './simulation.types.js';

export type ProcessState = 'running' | 'paused' | 'stopping' | 'stopped' | 'crashed';

/** A leadership term as the invariant checker tracks it. */
export interface OpenTerm {
  token: number;
  signal: AbortSignal;
  log: TermLog;
}

/**
 * One elector process: its clock, lock (its connection to the API) and elector, and what the
 * operating system does to it. Everything addressed to the process (timers, responses, watch
 * events) goes through `deliver`: a paused process gets it on resume, in order; a dead one never.
 */
export class SimProcess {
  state: ProcessState = 'running';
  readonly label: string;
  readonly timers = new Set<SimTimer>();
  readonly watches = new Set<SimWatchClient>();
  pendingRequests = 0;
  clock!: SimClock;
  lock!: SimLock;
  elector!: SimElector;
  /** `leader_election_master_status` as the elector's metrics hooks set it. */
  gauge = 0;
  term: OpenTerm | undefined;
  /** Virtual time of the last resume from a pause. */
  resumedAt: number | undefined;
  /** Run once if the process is killed (e.g. a stop() that will never resolve now). */
  readonly onCrash: (() => void)[] = [];
  private deferred: (() => void)[] = [];
  private stateBeforePause: ProcessState = 'running';
  private pausedAt = 0;
  private pausedTotal = 0;

  constructor(
    readonly host: SimHost,
    readonly slot: number,
    readonly incarnation: number,
    readonly identity: string,
  ) {
    this.label = `e${slot}.${incarnation}`;
  }

  get alive(): boolean {
    return this.state !== 'crashed';
  }

  describe(): string {
    return `${this.label} (${this.identity}, ${this.state})`;
  }

  deliver(fn: () => void): void {
    if (this.state === 'crashed') return;
    if (this.state === 'paused') {
      this.deferred.push(fn);
      return;
    }
    this.host.runInProcess(this, fn);
  }

  deliverAt(time: number, fn: () => void): QueuedEvent {
    return this.host.schedule(time, () => this.deliver(fn));
  }

  pause(): void {
    this.stateBeforePause = this.state;
    this.pausedAt = this.host.now;
    this.state = 'paused';
  }

  /** Virtual ms this process has spent paused so far. */
  pausedTime(): number {
    return this.pausedTotal + (this.state === 'paused' ? this.host.now - this.pausedAt : 0);
  }

  /** Resumes and hands back what arrived meanwhile, in arrival order. */
  resume(): (() => void)[] {
    this.state = this.stateBeforePause;
    this.pausedTotal += this.host.now - this.pausedAt;
    this.resumedAt = this.host.now;
    const deferred = this.deferred;
    this.deferred = [];
    return deferred;
  }

  /** SIGKILL: timers die, connections close (the server drops the watches). */
  crash(): void {
    this.state = 'crashed';
    this.deferred = [];
    for (const t of this.timers) {
      t.cancelled = true;
      t.cancelEvent();
    }
    this.timers.clear();
    for (const w of [...this.watches]) w.connectionLost();
    this.term = undefined;
    for (const fn of this.onCrash.splice(0)) fn();
  }
}
