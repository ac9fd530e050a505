import type { Clock } from '../../lib/core/clock.js';
import type { LeaderElectorConfig } from '../../lib/core/leader-elector.config.js';
import { LeaderElector } from '../../lib/core/leader-elector.js';
import {
  MemoryLockStore,
  type MemoryLock,
  type MemoryLockStoreOptions,
} from '../../lib/core/locks/memory-lock.js';
import { CapturingLogger, RecordingMetrics } from '../support/recorders.js';
import { VirtualClock } from '../support/virtual-clock.js';

/** One candidate and everything it reported, with virtual timestamps. */
export interface Member {
  id: string;
  lock: MemoryLock;
  elector: LeaderElector;
  logger: CapturingLogger;
  metrics: RecordingMetrics;
  /** clock.now() of each onStartedLeading, with its fencing token. */
  started: { at: number; token: number }[];
  /** clock.now() of each onStoppedLeading. */
  stopped: number[];
  /** clock.now() at which each term's signal aborted. */
  aborted: number[];
  newLeaders: string[];
}

export interface ClusterOptions {
  ids?: string[];
  config?: Partial<LeaderElectorConfig>;
  store?: MemoryLockStoreOptions;
  /** Locks offer watch() (electors watch instead of polling). @default true */
  lockWatch?: boolean;
  /** Sample isLeader() of every member this often and record any overlap. @default 5 */
  monitorEvery?: number;
  /**
   * Clock rates per member (1 = true time): each member's clock runs at its rate, so its
   * durations last 1/rate of true time. Safety holds while rates differ by less than
   * leaseDuration / renewDeadline. @default every member at 1
   */
  rates?: number[];
}

/**
 * N electors over one MemoryLockStore, all on one VirtualClock, plus a monitor that samples
 * `isLeader()` on the virtual clock and records every instant at which two members led.
 */
export class Cluster {
  readonly clock = new VirtualClock();
  readonly store: MemoryLockStore;
  readonly members: Member[];
  /** Virtual times at which more than one member reported isLeader(). */
  readonly overlaps: { at: number; leaders: string[] }[] = [];
  private cancelMonitor: (() => void) | undefined;

  constructor(options: ClusterOptions = {}) {
    this.store = new MemoryLockStore({ clock: this.clock, ...options.store });
    const ids = options.ids ?? ['a', 'b', 'c'];
    this.members = ids.map((id, i) => this.member(id, options, options.rates?.[i] ?? 1));
    const every = options.monitorEvery ?? 5;
    const tick = () => {
      this.sample();
      this.cancelMonitor = this.clock.setTimer(tick, every);
    };
    this.cancelMonitor = this.clock.setTimer(tick, every);
  }

  private member(id: string, options: ClusterOptions, rate: number): Member {
    const base = this.clock;
    const clock: Clock =
      rate === 1
        ? base
        : {
            now: () => base.now() * rate,
            wallNow: () => base.wallNow(),
            setTimer: (fn, ms) => base.setTimer(fn, ms / rate),
          };
    const lock = this.store.createLock({ name: 'lease', identity: id, watch: options.lockWatch });
    const logger = new CapturingLogger();
    const metrics = new RecordingMetrics();
    const member = {
      id,
      lock,
      logger,
      metrics,
      started: [],
      stopped: [],
      aborted: [],
      newLeaders: [],
    } as unknown as Member;
    member.elector = new LeaderElector({
      lock,
      clock,
      random: () => 0.5,
      logger,
      metrics,
      ...options.config,
      callbacks: {
        onStartedLeading: ({ signal, fencingToken }) => {
          member.started.push({ at: this.clock.now(), token: fencingToken });
          signal.addEventListener('abort', () => member.aborted.push(this.clock.now()));
        },
        onStoppedLeading: () => void member.stopped.push(this.clock.now()),
        onNewLeader: (identity) => void member.newLeaders.push(identity),
        ...options.config?.callbacks,
      },
    });
    return member;
  }

  /** Records an overlap if two members lead right now. */
  sample(): void {
    const leaders = this.members.filter((m) => m.elector.isLeader()).map((m) => m.id);
    if (leaders.length > 1) this.overlaps.push({ at: this.clock.now(), leaders });
  }

  startAll(): void {
    for (const m of this.members) m.elector.start();
  }

  leaders(): Member[] {
    return this.members.filter((m) => m.elector.isLeader());
  }

  leader(): Member | undefined {
    const leaders = this.leaders();
    return leaders.length === 1 ? leaders[0] : undefined;
  }

  get(id: string): Member {
    const member = this.members.find((m) => m.id === id);
    if (!member) throw new Error(`no member ${id}`);
    return member;
  }

  /** Advances until exactly one member leads; returns that member. */
  async waitForLeader(limit: number, except?: Member): Promise<Member> {
    await this.clock.advanceUntil(() => {
      const leader = this.leader();
      return leader !== undefined && leader !== except;
    }, limit);
    return this.leader() as Member;
  }

  /** Stops the members (in parallel, as separate processes would), then the monitor. */
  async stopAll(release = true): Promise<void> {
    const stopping = Promise.all(this.members.map((m) => m.elector.stop({ release })));
    // Stops may wait on virtual time (bounded callbacks, releases); drive the clock meanwhile.
    const progress = { done: false };
    void stopping.then(() => {
      progress.done = true;
    });
    for (let i = 0; i < 1000 && !progress.done; i++) await this.clock.advance(10);
    await stopping;
    this.stopMonitor();
  }

  stopMonitor(): void {
    this.cancelMonitor?.();
    this.cancelMonitor = undefined;
  }

  /** Update writes per identity since `since` (virtual ms). */
  writesBy(id: string, since = 0): number {
    return this.store.writes().filter((w) => w.identity === id && w.at >= since).length;
  }
}
