import { LockError } from '../../lib/core/errors.js';
import { LeaderElector } from '../../lib/core/leader-elector.js';
import type {
  LeaderElectorConfig,
  LeadershipContext,
} from '../../lib/core/leader-elector.config.js';
import type { LeaderElectionLogger } from '../../lib/core/logger.js';
import type { LeaderElectionMetrics } from '../../lib/core/metrics.js';
import { EventQueue, type QueuedEvent } from './event-queue.js';
import { InvariantChecker, type CheckerHost } from './invariant-checker.js';
import { Prng } from './prng.js';
import { SimClock } from './sim-clock.js';
import type { SimHost } from './sim-host.js';
import { SimLeaseStore, describeRecord } from './sim-lease-store.js';
import { SimLock } from './sim-lock.js';
import { SimNetwork } from './sim-network.js';
import { SimProcess } from './sim-process.js';
import { SimTrace } from './sim-trace.js';
import type {
  ElectionDurations,
  ElectorFactory,
  Fault,
  FaultTarget,
  InvariantName,
  SimulationConfig,
  SimulationResult,
  SimulationStats,
  Violation,
} from './simulation.types.js';

/** client-go's JitterFactor: a follower's poll waits up to retryPeriod × (1 + 1.2). */
const MAX_POLL_FACTOR = 2.2;
/** A run that schedules more than this many events is stuck in a busy loop. */
const MAX_EVENTS = 3_000_000;
const MAX_EVENTS_PER_INSTANT = 50_000;

export const defaultElectorFactory: ElectorFactory = (config) => new LeaderElector(config);

/** Lets every promise job the last event queued run before the next event (all are virtual). */
const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The simulated world: N elector processes (the real `LeaderElector`), each with its own
 * drifting clock and connection, one API server (`SimLeaseStore`) behind a faulty network, one
 * event queue in virtual time, and the invariant checker after every event.
 *
 * A run: processes start at their `startAt`; faults play out until `faultsEnd`; once every
 * fault is over, every restart has begun and every request sent meanwhile has arrived
 * (`quietAt`), a leader must exist by `quietAt + livenessBound` and stay in force until the
 * shutdown `settle` ms later, when every process is stopped with release and checked for
 * leftovers (timers, watches, requests, open terms, the lease not released).
 */
export class Simulation implements SimHost, CheckerHost {
  now = 0;
  readonly queue = new EventQueue();
  readonly store: SimLeaseStore;
  readonly network: SimNetwork;
  readonly worldRng: Prng;
  readonly durations: ElectionDurations;
  readonly ignoreSignalProbability: number;
  private readonly rng: Prng;
  private readonly log: SimTrace;
  private readonly checker: InvariantChecker;
  private readonly factory: ElectorFactory;
  private readonly processes: SimProcess[] = [];
  private readonly current: (SimProcess | undefined)[];
  private readonly incarnations: number[];
  private readonly identities: string[];
  private readonly violations: Violation[] = [];
  private readonly stats: SimulationStats;
  private readonly rMin: number;
  /** What followers actually wait: the record stores whole seconds (the elector rounds up). */
  readonly effectiveLeaseDuration: number;
  readonly requestTimeout: number;
  readonly livenessBound: number;
  readonly stopBound: number;
  /** No run legitimately lasts longer: faults, then liveness, settle, shutdown. */
  private readonly virtualLimit: number;
  private pendingLifecycle = 0;
  private faultsOver = false;
  private shutdownStarted = false;
  private finished = false;
  private eventsThisInstant = 0;

  constructor(readonly config: SimulationConfig) {
    const c = config;
    this.durations = c.durations;
    this.ignoreSignalProbability = c.ignoreSignalProbability ?? 0;
    this.rng = new Prng(c.seed);
    this.worldRng = this.rng.fork();
    this.network = new SimNetwork(this.rng.fork(), c.normalLatency, 'sim-lease');
    this.store = new SimLeaseStore(
      (before, after, writer) => this.checker.storeWrite(before, after, writer),
      'sim-lease',
    );
    this.log = new SimTrace(c.traceLimit, c.verbose);
    this.checker = new InvariantChecker(
      this,
      () => this.processes,
      c.durations.renewDeadline,
      () => this.store.object,
    );
    this.factory = c.electorFactory ?? defaultElectorFactory;
    this.current = new Array<SimProcess | undefined>(c.electors).fill(undefined);
    this.incarnations = new Array<number>(c.electors).fill(-1);
    this.identities = Array.from({ length: c.electors }, (_, i) => `sim-${i}`);
    this.rMin = Math.min(...c.rates);
    const { leaseDuration, renewDeadline, retryPeriod } = c.durations;
    this.effectiveLeaseDuration = Math.ceil(leaseDuration / 1000) * 1000;
    this.requestTimeout = Math.max(1000, renewDeadline / 2);
    // From quietAt (faults over, every restart begun, every request sent during the faults
    // arrived): a follower observes the last write within one jittered poll (at most
    // retryPeriod × 2.2 of its clock) plus a round trip, waits the record's
    // leaseDurationSeconds on its own clock, and retries within one more jittered poll; each
    // attempt is a GET and a PUT (two round trips). A watch only makes this faster. A slow
    // clock stretches local durations by 1 / rMin virtual ms. (SPEC's leaseDuration + 2.2 ×
    // retryPeriod counts from the followers' last observation; from quietAt, the observation
    // itself may take one more poll.)
    this.livenessBound =
      (this.effectiveLeaseDuration + 2 * MAX_POLL_FACTOR * retryPeriod) / this.rMin +
      8 * c.normalLatency.max +
      1;
    // stop(): the term ends at once, beforeRelease is bounded by renewDeadline, the release by
    // renewDeadline (its last request may run for requestTimeout); a follower just aborts.
    this.stopBound =
      (2 * renewDeadline + this.requestTimeout + MAX_POLL_FACTOR * retryPeriod) / this.rMin +
      10 * c.normalLatency.max +
      1;
    this.virtualLimit =
      c.faultsEnd + 2 * (this.livenessBound + this.stopBound) + c.settle + 20 * leaseDuration;
    this.stats = {
      events: 0,
      requests: 0,
      writes: 0,
      conflicts: 0,
      virtualEnd: 0,
      processes: 0,
      errorsLogged: 0,
    };
  }

  async run(): Promise<SimulationResult> {
    const onUnhandled = (reason: unknown): void => {
      this.violation('uncaught', `unhandled promise rejection: ${describeError(reason)}`);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      this.setup();
      await this.loop();
      await drainMicrotasks();
      if (this.violations.length === 0) this.finalChecks();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    this.stats.writes = this.store.writes;
    this.stats.requests = this.network.requests;
    this.stats.virtualEnd = this.now;
    this.stats.processes = this.processes.length;
    this.stats.firstLeaderAt = this.checker.firstLeaderAt;
    return {
      seed: this.config.seed,
      name: this.config.name,
      ok: this.violations.length === 0,
      violations: this.violations,
      trace: this.log.tail(),
      traceHash: this.log.digest(),
      terms: this.checker.terms,
      stats: this.stats,
      config: this.config,
    };
  }

  // --- SimHost / CheckerHost -------------------------------------------------------------

  schedule(time: number, run: () => void): QueuedEvent {
    return this.queue.push(Math.max(time, this.now), run);
  }

  trace(text: string): void {
    this.log.add(this.now, text);
  }

  violation(invariant: InvariantName, message: string): void {
    if (this.violations.length >= 5) return;
    this.violations.push({ at: this.now, invariant, message });
    this.trace(`VIOLATION [${invariant}] ${message}`);
  }

  runInProcess(proc: SimProcess, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.violation(
        'uncaught',
        `${proc.label} threw from a callback of the simulation: ${describeError(err)}`,
      );
    }
  }

  // --- the run ---------------------------------------------------------------------------

  private async loop(): Promise<void> {
    const c = this.config;
    let lastTime = -1;
    for (;;) {
      if (this.violations.length > 0 || this.finished) return;
      const event = this.queue.pop();
      if (!event) return;
      if (event.time !== lastTime) {
        lastTime = event.time;
        this.eventsThisInstant = 0;
      }
      this.now = event.time;
      this.stats.events++;
      if (this.now > this.virtualLimit) {
        this.violation(
          'runaway',
          `virtual time passed ${this.virtualLimit.toFixed(0)} ms without the run ending (quiet ${this.stats.quietAt === undefined ? 'never reached' : `from t=${this.stats.quietAt.toFixed(3)}`}; ${this.pendingLifecycle} pause/restart(s) pending)`,
        );
        return;
      }
      if (++this.eventsThisInstant > MAX_EVENTS_PER_INSTANT || this.stats.events > MAX_EVENTS) {
        this.violation(
          'runaway',
          `more than ${this.stats.events > MAX_EVENTS ? MAX_EVENTS : MAX_EVENTS_PER_INSTANT} events (busy loop?)`,
        );
        return;
      }
      event.run();
      await drainMicrotasks();
      const leader = this.checker.afterEvent();
      const quietAt = this.stats.quietAt;
      if (leader && quietAt !== undefined && this.now >= quietAt)
        this.stats.leaderAfterQuietAt ??= this.now;
      const next = this.queue.peek();
      if (!next || next.time > this.now) this.checker.endOfInstant();
      if (c.verbose && this.stats.events % 1_000_000 === 0)
        this.trace(`(${this.stats.events} events)`);
    }
  }

  private setup(): void {
    const c = this.config;
    this.trace(
      `simulation "${c.name}" seed=${c.seed} electors=${c.electors} leaseDuration=${c.durations.leaseDuration} ` +
        `renewDeadline=${c.durations.renewDeadline} retryPeriod=${c.durations.retryPeriod} watch=${c.watch} ` +
        `lockWatch=${c.lockWatch} rates=[${c.rates.map((r) => r.toFixed(4)).join(', ')}] faults=${c.faults.length} ` +
        `faultsEnd=${c.faultsEnd.toFixed(0)} hostile=${c.hostileCallbacks} beforeRelease=${c.beforeRelease} ` +
        `ignoreSignal=${(c.ignoreSignalProbability ?? 0).toFixed(2)}`,
    );
    for (let slot = 0; slot < c.electors; slot++) {
      this.schedule(c.startAt[slot] ?? 0, () => this.spawn(slot, false));
    }
    for (const f of c.faults) this.scheduleFault(f);
    this.schedule(c.faultsEnd, () => {
      this.faultsOver = true;
      this.trace('faults over');
      this.maybeQuiet();
    });
  }

  private spawn(slot: number, newIdentity: boolean): void {
    const c = this.config;
    const incarnation = ++this.incarnations[slot]!;
    if (newIdentity) this.identities[slot] = `sim-${slot}-${incarnation}`;
    const proc = new SimProcess(this, slot, incarnation, this.identities[slot]!);
    const offset = this.rng.range(0, 10_000_000);
    proc.clock = new SimClock(proc, c.rates[slot] ?? 1, offset, c.wallSkews[slot] ?? 0);
    proc.lock = new SimLock(proc, c.lockWatch);
    const electorRng = this.rng.fork();
    const callbackRng = this.rng.fork();
    this.processes.push(proc);
    this.current[slot] = proc;
    this.trace(`spawn ${proc.label} identity=${proc.identity} rate=${proc.clock.rate.toFixed(4)}`);

    const hostile = c.hostileCallbacks;
    const config: LeaderElectorConfig = {
      lock: proc.lock,
      name: 'sim',
      leaseDuration: c.durations.leaseDuration,
      renewDeadline: c.durations.renewDeadline,
      retryPeriod: c.durations.retryPeriod,
      releaseOnCancel: true,
      watch: c.watch,
      clock: proc.clock,
      random: () => electorRng.next(),
      logger: this.loggerFor(proc),
      metrics: this.metricsFor(proc),
      callbacks: {
        onStartedLeading: (ctx: LeadershipContext) => {
          this.checker.termStarted(proc, ctx);
          if (hostile && callbackRng.chance(0.3)) throw new Error('hostile onStartedLeading');
          if (hostile && callbackRng.chance(0.2))
            return Promise.reject(new Error('hostile async onStartedLeading'));
          // Leader-only work that runs for the whole term, as users write it.
          return new Promise<void>((resolve) =>
            ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
          );
        },
        onStoppedLeading: () => {
          this.checker.termStopped(proc);
          if (hostile && callbackRng.chance(0.3)) throw new Error('hostile onStoppedLeading');
        },
        onNewLeader: (identity: string) => {
          this.trace(`${proc.label} onNewLeader ${identity || "''"}`);
          if (hostile && callbackRng.chance(0.3))
            return Promise.reject(new Error('hostile onNewLeader'));
          return undefined;
        },
      },
    };
    if (c.beforeRelease !== 'none') config.beforeRelease = () => this.beforeRelease(proc);
    this.runInProcess(proc, () => {
      proc.elector = this.factory(config);
      proc.elector.start();
    });
  }

  private beforeRelease(proc: SimProcess): Promise<void> {
    this.checker.beforeRelease(proc);
    this.trace(`${proc.label} beforeRelease (${this.config.beforeRelease})`);
    const d = this.durations;
    switch (this.config.beforeRelease) {
      case 'never':
        return new Promise<void>(() => undefined);
      case 'slow':
      case 'quick': {
        const ms = this.config.beforeRelease === 'slow' ? 2 * d.renewDeadline : d.retryPeriod / 2;
        // The user's own work, not an elector timer: it does not count as an elector leftover.
        return new Promise<void>((resolve) => {
          this.schedule(proc.clock.virtualTimeOf(proc.clock.now() + ms), () =>
            proc.deliver(resolve),
          );
        });
      }
      default:
        return Promise.resolve();
    }
  }

  private loggerFor(proc: SimProcess): LeaderElectionLogger {
    const verbose = this.config.verbose;
    const line = (level: string, message: string, optional: unknown[]): void =>
      this.trace(
        `${proc.label} ${level}: ${message}${optional.length ? ` ${optional.map(describeError).join(' ')}` : ''}`,
      );
    return {
      log: (m, ...o) => {
        if (verbose) line('log', m, o);
      },
      debug: (m, ...o) => {
        if (verbose) line('debug', m, o);
      },
      verbose: (m, ...o) => {
        if (verbose) line('verbose', m, o);
      },
      warn: (m, ...o) => line('warn', m, o),
      error: (m, ...o) => {
        this.stats.errorsLogged++;
        line('error', m, o);
      },
    };
  }

  private metricsFor(proc: SimProcess): LeaderElectionMetrics {
    return {
      on: () => {
        proc.gauge = 1;
      },
      off: () => {
        proc.gauge = 0;
      },
      slowpathExercised: () => undefined,
      conflict: () => {
        this.stats.conflicts++;
      },
    };
  }

  // --- faults ----------------------------------------------------------------------------

  private scheduleFault(f: Fault): void {
    switch (f.kind) {
      case 'latency':
      case 'errors':
      case 'conflicts':
      case 'lost-responses':
      case 'partition':
        this.schedule(f.from, () => {
          const slot = this.resolveTarget(f.target);
          if (slot === undefined) {
            this.trace(`fault ${f.kind} skipped: nobody leads`);
            return;
          }
          const active = this.network.activate(f, slot);
          this.trace(
            `fault ${describeFault(f)} begins on ${slot === 'all' ? 'all' : `slot ${slot}`}`,
          );
          if (f.kind === 'partition' && slot !== 'all') {
            for (const w of this.current[slot]?.watches ?? []) w.partitionStarted();
          }
          this.schedule(f.to, () => {
            this.network.deactivate(active);
            this.trace(`fault ${f.kind} ends on ${slot === 'all' ? 'all' : `slot ${slot}`}`);
            if (f.kind === 'partition' && slot !== 'all' && !this.network.partitioned(slot)) {
              for (const w of this.current[slot]?.watches ?? []) w.partitionEnded();
            }
          });
        });
        return;
      case 'pause':
        this.schedule(f.at, () => {
          const proc = this.resolveProcess(f.target);
          if (!proc || (proc.state !== 'running' && proc.state !== 'stopping')) {
            this.trace(`fault pause skipped: ${proc ? proc.describe() : 'no process'}`);
            return;
          }
          proc.pause();
          this.pendingLifecycle++;
          this.trace(`${proc.label} paused for ${f.duration.toFixed(3)} ms`);
          this.schedule(f.at + f.duration, () => {
            this.pendingLifecycle--;
            if (proc.state === 'paused') {
              const deferred = proc.resume();
              this.trace(`${proc.label} resumed (${deferred.length} deliveries waited)`);
              // The checker runs after this event, before the process handles what waited.
              for (const fn of deferred) this.schedule(this.now, () => proc.deliver(fn));
            }
            this.maybeQuiet();
          });
        });
        return;
      case 'crash':
        this.schedule(f.at, () => {
          const proc = this.resolveProcess(f.target);
          if (
            !proc ||
            (proc.state !== 'running' && proc.state !== 'paused' && proc.state !== 'stopping')
          ) {
            this.trace(`fault crash skipped: ${proc ? proc.describe() : 'no process'}`);
            return;
          }
          if (proc.term) proc.term.log.endedAt ??= this.now;
          proc.crash();
          this.current[proc.slot] = undefined;
          this.pendingLifecycle++;
          this.trace(
            `${proc.label} crashed; restart in ${f.downtime.toFixed(3)} ms (${f.newIdentity ? 'new' : 'same'} identity)`,
          );
          this.schedule(f.at + f.downtime, () => {
            this.pendingLifecycle--;
            if (!this.shutdownStarted) this.spawn(proc.slot, f.newIdentity);
            this.maybeQuiet();
          });
        });
        return;
      case 'stop':
        this.schedule(f.at, () => {
          const proc = this.resolveProcess(f.target);
          if (!proc || proc.state !== 'running') {
            this.trace(`fault stop skipped: ${proc ? proc.describe() : 'no process'}`);
            return;
          }
          this.pendingLifecycle++;
          let done = false;
          const finish = (): void => {
            if (done) return;
            done = true;
            this.pendingLifecycle--;
            this.maybeQuiet();
          };
          // Killed while stopping: the crash restarts the slot; this stop is over.
          proc.onCrash.push(finish);
          void this.stopProcess(proc, f.release).then(() => {
            if (!proc.alive) return;
            this.schedule(this.now + f.downtime, () => {
              if (!this.shutdownStarted && this.current[proc.slot] === proc)
                this.spawn(proc.slot, f.newIdentity);
              finish();
            });
          });
        });
        return;
      case 'watch-drop':
        this.schedule(f.at, () => {
          const slot = this.resolveTarget(f.target);
          for (const proc of this.current) {
            if (!proc || (slot !== 'all' && proc.slot !== slot)) continue;
            for (const w of [...proc.watches]) {
              w.serverClose(
                f.error
                  ? new LockError('Unavailable', 'watch stream reset by the server')
                  : undefined,
              );
            }
          }
          this.trace(
            `fault watch-drop (${f.error ? 'error' : 'normal close'}) on ${slot ?? 'nobody'}`,
          );
        });
        return;
    }
  }

  /** The slot a fault hits; 'leader' is the current leader, else the lease holder's process. */
  private resolveTarget(target: FaultTarget): number | 'all' | undefined {
    if (target !== 'leader') return target;
    for (const p of this.current) {
      if (p && p.state === 'running' && p.elector.isLeader()) return p.slot;
    }
    const holder = this.store.object?.record.holderIdentity;
    for (const p of this.current) if (p && holder && p.identity === holder) return p.slot;
    return undefined;
  }

  private resolveProcess(target: FaultTarget): SimProcess | undefined {
    const slot = this.resolveTarget(target);
    if (slot === undefined || slot === 'all') return undefined;
    return this.current[slot];
  }

  // --- stop, liveness, shutdown ----------------------------------------------------------

  private stopProcess(proc: SimProcess, release: boolean): Promise<void> {
    proc.state = 'stopping';
    this.trace(`${proc.label} stop({ release: ${release} })`);
    const bound = this.stopBound;
    const startedAt = this.now;
    const pausedBefore = proc.pausedTime();
    let settled = false;
    // A pause while stopping stretches the bound by the time spent paused.
    let deadline: QueuedEvent;
    const check = (): void => {
      if (settled || !proc.alive) return;
      const due = startedAt + bound + (proc.pausedTime() - pausedBefore);
      if (proc.state === 'paused' || due > this.now) {
        deadline = this.schedule(Math.max(due, this.now + 1), check);
        return;
      }
      this.violation('stop', `${proc.label} stop() did not resolve within ${bound.toFixed(3)} ms`);
    };
    deadline = this.schedule(startedAt + bound, check);
    let promise: Promise<void>;
    try {
      promise = proc.elector.stop({ release });
    } catch (err) {
      this.violation('stop', `${proc.label} stop() threw: ${describeError(err)}`);
      return Promise.resolve();
    }
    return promise.then(
      () => {
        settled = true;
        deadline.cancelled = true;
        if (!proc.alive) return;
        proc.state = 'stopped';
        this.trace(`${proc.label} stop() resolved`);
        this.checkStopped(proc);
      },
      (err: unknown) => {
        settled = true;
        deadline.cancelled = true;
        this.violation('stop', `${proc.label} stop() rejected: ${describeError(err)}`);
      },
    );
  }

  private checkStopped(proc: SimProcess): void {
    const problems: string[] = [];
    if (proc.timers.size > 0) problems.push(`${proc.timers.size} timer(s) still pending`);
    if (proc.watches.size > 0) problems.push(`${proc.watches.size} watch(es) still open`);
    if (proc.pendingRequests > 0) problems.push(`${proc.pendingRequests} request(s) still pending`);
    if (proc.term)
      problems.push(`onStoppedLeading not called for the term with token ${proc.term.token}`);
    if (proc.gauge !== 0) problems.push('metrics.off() not called');
    if (proc.elector.isLeader()) problems.push('isLeader() still true');
    if (proc.elector.status() !== 'stopped')
      problems.push(`status() is '${proc.elector.status()}'`);
    if (problems.length > 0)
      this.violation('stop', `${proc.label} after stop() resolved: ${problems.join('; ')}`);
  }

  private maybeQuiet(): void {
    if (!this.faultsOver || this.pendingLifecycle > 0 || this.stats.quietAt !== undefined) return;
    const quietAt = Math.max(this.now, this.network.latestArrival);
    this.stats.quietAt = quietAt;
    const deadline = quietAt + this.livenessBound;
    this.stats.livenessDeadline = deadline;
    this.trace(
      `quiet from t=${quietAt.toFixed(3)}; a leader is required by t=${deadline.toFixed(3)}`,
    );
    this.schedule(deadline, () => this.checkLiveness());
    this.schedule(deadline + this.config.settle, () => this.shutdown());
  }

  private checkLiveness(): void {
    if (!this.config.checkLiveness) return;
    const leaders = this.processes.filter((p) => p.state === 'running' && p.elector.isLeader());
    if (leaders.length === 0) {
      const rec = this.store.object?.record;
      this.violation(
        'liveness',
        `no leader ${this.livenessBound.toFixed(3)} ms after the faults stopped (quiet from t=${this.stats.quietAt?.toFixed(3)}); ` +
          `lease: ${rec ? describeRecord(rec) : 'none'}; processes: ` +
          this.current
            .map((p) =>
              p
                ? `${p.describe()} status=${p.elector.status()} isLeader=${p.elector.isLeader()}`
                : 'down',
            )
            .join(', '),
      );
      return;
    }
    this.checker.requireStability(leaders[0]!);
  }

  private shutdown(): void {
    this.checker.releaseStability();
    this.shutdownStarted = true;
    this.trace('shutdown: stop({ release: true }) on every process');
    const stops: Promise<void>[] = [];
    for (const p of this.current) {
      if (p && p.state === 'running') stops.push(this.stopProcess(p, true));
    }
    void Promise.all(stops).then(() => {
      this.finished = true;
    });
  }

  private finalChecks(): void {
    if (!this.finished) {
      this.violation(
        'stop',
        `the shutdown did not complete; processes: ${this.current.map((p) => (p ? p.describe() : 'down')).join(', ')}`,
      );
      return;
    }
    const rec = this.store.object?.record;
    if (rec && rec.holderIdentity !== '') {
      this.violation(
        'stop',
        `after every process stopped with release, the lease is still held: ${describeRecord(rec)}`,
      );
    }
  }
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'latency':
      return `latency(p=${f.probability.toFixed(2)}, max=${f.maxLatency.toFixed(0)}ms, ${(f.to - f.from).toFixed(0)}ms)`;
    case 'errors':
      return `errors(${f.status}, p=${f.probability.toFixed(2)}, ${(f.to - f.from).toFixed(0)}ms)`;
    case 'conflicts':
      return `conflicts(p=${f.probability.toFixed(2)}, ${(f.to - f.from).toFixed(0)}ms)`;
    case 'lost-responses':
      return `lost-responses(p=${f.probability.toFixed(2)}, ${(f.to - f.from).toFixed(0)}ms)`;
    case 'partition':
      return `partition(${(f.to - f.from).toFixed(0)}ms)`;
    case 'pause':
      return `pause(${f.duration.toFixed(0)}ms)`;
    case 'crash':
      return `crash(downtime ${f.downtime.toFixed(0)}ms, ${f.newIdentity ? 'new' : 'same'} identity)`;
    case 'stop':
      return `stop(release=${f.release}, downtime ${f.downtime.toFixed(0)}ms)`;
    case 'watch-drop':
      return `watch-drop(${f.error ? 'error' : 'close'})`;
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
