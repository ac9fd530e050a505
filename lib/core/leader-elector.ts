/**
 * A TypeScript port of client-go `tools/leaderelection` (LeaderElector), with a watch-driven
 * follower on top.
 *
 * Timing and skew model (client-go's): a candidate never trusts another machine's clock. It
 * judges expiry only on its own monotonic clock, from the moment it last saw the raw record
 * change (`observedTime`) plus the record's `leaseDurationSeconds`. The leader counts its
 * leadership from the *start* of its last successful acquire/renew attempt (when the written
 * content, with its fresh renewTime, was fixed): `isLeader()` is true only while that start is
 * less than `renewDeadline` ago. Every follower saw that content at or after that start, and
 * waits `leaseDuration > renewDeadline` from then, so two candidates never
 * both believe they lead, as long as clock *rates* differ by less than
 * `leaseDuration / renewDeadline`. Timestamps in the record are written, never compared.
 *
 * The loop:
 * 1. acquire: try at once, then every `retryPeriod × (1 + U[0,1) × 1.2)` (polling), or, while a
 *    watch on the lock is healthy, only when the observed lease expires (a timer at
 *    `observedTime + leaseDurationSeconds`) or a release / deletion is seen.
 * 2. lead: a renew round every `retryPeriod` after the last success; inside a round, retries at
 *    a fixed `retryPeriod` rate until the round's `renewDeadline`.
 * 3. the term ends exactly when `isLeader()` turns false (renew deadline, failed round, foreign
 *    holder seen, stop, hand-over): signal aborted, then (on stop or hand-over) `beforeRelease` +
 *    release, then `onStoppedLeading`; then back to 1. The elector never gives up.
 *
 * Hand-over (`handOver()`, or a `preferredHolder` naming another candidate seen on the lease):
 * the term ends with a release that keeps (or writes) the preferred holder. That candidate takes
 * the free lease at once; the others treat it as held for one lease duration from when they saw
 * it, so a dead preferred holder cannot block the election. The old leader makes no attempt for
 * `retryPeriod × (1 + JITTER_FACTOR)` after its release, so it does not take the lease straight
 * back.
 */
import { sleep, sleepOnGrid, type Clock } from './clock.js';
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  LeaderElectionConfigError,
  LockError,
} from './errors.js';
import { jitter } from './jitter.js';
import { copyRecord, type LeaderElectionRecord } from './leader-election-record.js';
import {
  HAND_OVER_STRATEGY,
  JITTER_FACTOR,
  resolveConfig,
  type LeaderElectorConfig,
  type LeaderElectorStatus,
  type ResolvedLeaderElectorConfig,
} from './leader-elector.config.js';
import type { LeaderElectionLogger } from './logger.js';
import * as messages from './messages.js';
import type {
  LockRequestOptions,
  LockWatchEvent,
  LockWatchHandle,
} from './locks/resource-lock.interface.js';

/** One leadership term: from a successful acquire to the moment `isLeader()` turned false. */
interface Term {
  readonly controller: AbortController;
  readonly fencingToken: number;
  ended: boolean;
  /** Settles when the term's aftermath (release, event, onStoppedLeading) is done. */
  ending?: Promise<void>;
  cancelDeadline?: () => void;
  /** Set when the term ends on purpose to let another candidate lead. */
  handOver?: HandOver;
}

/** A voluntary end of term (handOver(), or a preferredHolder naming someone else). */
interface HandOver {
  /** The candidate to name as preferredHolder in the release; undefined: keep the lease's. */
  readonly to?: string;
  /** Whether the release left the lease to others (written, or already held by another). */
  released?: boolean;
}

type AttemptResult =
  /**
   * `requestStart` is when the attempt began and fixed the record's content (`now`), not when its
   * last request left: a write whose answer was lost may already have stored the same content
   * earlier in the attempt, and the slow path then re-sends identical bytes (a no-op nobody sees),
   * so only the attempt's start surely precedes every follower's observation of that content.
   */
  | { ok: true; requestStart: number }
  | { ok: false; reason: 'held' | 'lost' | 'conflict' | 'error' | 'aborted' };

/** Why a waiting acquire loop woke up. */
type WakeReason = 'poll' | 'expiry' | 'released' | 'deleted' | 'mode' | 'stop';

/** Watch re-establishment backoff: 500 ms doubling to 30 s, jittered by up to 20 %. */
const WATCH_BACKOFF_MIN_MS = 500;
const WATCH_BACKOFF_MAX_MS = 30_000;
/** A watch that lived this long (or delivered an event) was healthy: reopen it at once. */
const WATCH_HEALTHY_AFTER_MS = 1_000;
/** Guards the release's conflict retries against a clock that does not move. */
const MAX_RELEASE_ATTEMPTS = 20;
/**
 * A leader's wait between renew rounds ends on the grid of retryPeriod / RENEW_GRID_STEPS, up
 * to one step early; see `lead`.
 */
const RENEW_GRID_STEPS = 20;

/**
 * The error for a `handOver(identity)` argument that cannot name another candidate, or
 * undefined when it is fine. Shared with the testing module's elector.
 */
export function handOverTargetError(identity: unknown, own: string): Error | undefined {
  if (identity === undefined) return undefined;
  if (typeof identity !== 'string' || identity === '') {
    return new TypeError(messages.handOverIdentityInvalid(identity));
  }
  if (identity === own) return new TypeError(messages.handOverToSelf(identity));
  return undefined;
}

/** A strategy to carry over into a record we write: any but our own hand-over marker. */
const keptStrategy = (strategy: string | undefined): string | undefined =>
  strategy && strategy !== HAND_OVER_STRATEGY ? strategy : undefined;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

/** The user's logger, made unable to throw into the loop; levels it lacks become no-ops. */
function safeLogger(target: LeaderElectionLogger): LeaderElectionLogger {
  const level =
    (name: keyof LeaderElectionLogger) =>
    (message: string): void => {
      try {
        target[name]?.call(target, message);
      } catch {
        // A broken logger must not break the election.
      }
    };
  return {
    log: level('log'),
    warn: level('warn'),
    error: level('error'),
    debug: level('debug'),
    verbose: level('verbose'),
  };
}

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** A signal that aborts with `parent`, or after `ms` of `clock` time with `timeoutReason()`. */
function deadlineSignal(
  clock: Clock,
  parent: AbortSignal,
  ms: number,
  timeoutReason: () => unknown,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  if (ms <= 0) {
    controller.abort(timeoutReason());
    return { signal: controller.signal, dispose: () => undefined };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  const cancel = clock.setTimer(() => controller.abort(timeoutReason()), ms);
  return {
    signal: controller.signal,
    dispose: () => {
      cancel();
      parent.removeEventListener('abort', onAbort);
    },
  };
}

/** A signal, or a function that makes it when first asked for. */
const signalOf = (source: AbortSignal | (() => AbortSignal)): AbortSignal =>
  typeof source === 'function' ? source() : source;

/**
 * Runs `send` with a signal that aborts with `parent` or after `ms` of `clock` time (with
 * `timeoutReason()`), and rejects with that reason as soon as it aborts, even if `send` ignores
 * the signal. One controller, timer and listener per call: this is on every renewal's path.
 */
function boundedCall<T>(
  clock: Clock,
  parent: AbortSignal,
  ms: number,
  timeoutReason: () => unknown,
  send: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (parent.aborted) return Promise.reject(parent.reason);
  return new Promise<T>((resolve, reject) => {
    const controller = new AbortController();
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      cancelTimer();
      parent.removeEventListener('abort', onParentAbort);
      return true;
    };
    const abort = (reason: unknown) => {
      if (!settle()) return;
      controller.abort(reason);
      reject(reason);
    };
    const onParentAbort = () => abort(parent.reason);
    const cancelTimer = clock.setTimer(() => abort(timeoutReason()), ms);
    parent.addEventListener('abort', onParentAbort, { once: true });
    Promise.resolve()
      .then(() => send(controller.signal))
      .then(
        (value) => {
          if (settle()) resolve(value);
        },
        (err: unknown) => {
          if (settle()) reject(err);
        },
      );
  });
}

/**
 * Elects one leader among the candidates sharing a lock; see the module comment for the
 * algorithm and its guarantees.
 * @example
 * const elector = new LeaderElector({
 *   lock,
 *   callbacks: { onStartedLeading: ({ signal }) => runJobs(signal) },
 * });
 * elector.start();
 * // on shutdown:
 * await elector.stop(); // aborts leader work, then releases the lease
 */
export class LeaderElector {
  /** This candidate's identity (`lock.identity()`). */
  readonly identity: string;
  /** The election's name, for logs and metrics (`config.name ?? lock.describe()`). */
  readonly name: string;

  private readonly config: ResolvedLeaderElectorConfig;
  private readonly lockName: string;
  private readonly leaseDurationSeconds: number;
  /** Watch mode needs both the option and a lock that can watch; otherwise client-go polling. */
  private readonly watchEnabled: boolean;
  private readonly leaderWaiters = new Set<() => void>();

  private state: LeaderElectorStatus = 'idle';
  private stopRequested = false;
  /** True once stop() was called for the current run (check() stays quiet then). */
  private stopCalled = false;
  private fatalError: Error | undefined;
  private loopController: AbortController | undefined;
  private loopDone: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private releaseTried = false;
  /** A write was cut off by stop(): it may have made us the holder. */
  private abortedWrite = false;
  /** After a hand-over, no acquire attempt before this `clock.now()`. */
  private holdOffUntil = 0;
  /** A release that named a preferred holder the lease did not have: watch what became of it. */
  private handOverCheck: { to: string; transitions: number } | undefined;

  private observedRecord: LeaderElectionRecord | undefined;
  private observedRawRecord: string | undefined;
  private observedTime = 0;
  private reportedLeader = '';
  private term: Term | undefined;
  private lastSuccessStart: number | undefined;
  private lastErr: Error | undefined;

  private watchHandle: LockWatchHandle | undefined;
  private watchFailures = 0;
  private cancelRewatch: (() => void) | undefined;
  private cancelTakeover: (() => void) | undefined;
  private wakeWaiter: ((reason: WakeReason) => void) | undefined;
  private pendingWake: WakeReason | undefined;

  /** @throws LeaderElectionConfigError for an invalid configuration (option, value, rule). */
  constructor(config: LeaderElectorConfig) {
    const resolved = resolveConfig(config);
    this.config = { ...resolved, logger: safeLogger(resolved.logger) };
    this.identity = this.config.identity;
    this.name = this.config.name;
    this.lockName = this.config.lock.describe();
    // Rounded up: followers must never wait less than the leader assumes (see the module doc).
    this.leaseDurationSeconds = Math.ceil(this.config.leaseDuration / 1000);
    this.watchEnabled = this.config.watch && typeof this.config.lock.watch === 'function';
    this.config.metrics.off(this.name);
  }

  /** Starts competing (idempotent). The loop runs until `stop()`; it never gives up. */
  start(): void {
    if (this.state === 'running') return;
    if (this.state === 'stopping') {
      this.config.logger.warn(messages.logStartWhileStopping(this.lockName));
      return;
    }
    this.state = 'running';
    this.stopRequested = false;
    this.stopCalled = false;
    this.fatalError = undefined;
    this.watchFailures = 0;
    this.holdOffUntil = 0;
    const controller = new AbortController();
    this.loopController = controller;
    this.loopDone = this.run(controller.signal).catch((err: unknown) => this.die(err));
  }

  /**
   * Stops competing. When leading, the term ends first: `isLeader()` turns false, the term's
   * signal aborts, `beforeRelease` settles (bounded by `renewDeadline`), the lease is released
   * (if `release`), then `onStoppedLeading` runs. Resolves when all of that is done, the watch is
   * closed and no timer is left.
   * @param options.release release the lease. @default config.releaseOnCancel (true)
   */
  stop(options: { release?: boolean } = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    if (this.state !== 'running') {
      this.stopCalled = true;
      if (this.state === 'idle') this.state = 'stopped';
      return Promise.resolve();
    }
    const release = options.release ?? this.config.releaseOnCancel;
    this.stopRequested = true;
    this.stopCalled = true;
    this.state = 'stopping';
    this.stopping = this.shutDown(release).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  /**
   * Ends this replica's term on purpose so that another candidate leads, as `stop()` does but
   * without leaving the election: `isLeader()` turns false and the term's signal aborts at once,
   * `beforeRelease` settles (bounded by `renewDeadline`), the lease is released, then
   * `onStoppedLeading` runs. Afterwards this replica competes again, but makes no attempt for
   * `retryPeriod × (1 + 1.2)` after the release, so that every other candidate (even one that
   * polls) gets its turn first.
   *
   * With `identity`, the release names it as `spec.preferredHolder` (with a `spec.strategy`, which
   * the API server requires: the lease's own, else `HAND_OVER_STRATEGY`) and carries this
   * replica's lease duration: that candidate takes the lease at once, the other candidates of
   * this library leave it to it for one lease duration (after that anyone may take it, so a dead
   * or unknown candidate cannot block the election). API servers without the
   * CoordinatedLeaderElection feature gate (off by default) drop `preferredHolder` from a Lease
   * that had none: the hand-over is then an ordinary release (logged at debug) and the first
   * candidate to react takes the lease. ConfigMap/Endpoints locks keep it in their annotation.
   * @param identity the candidate that should lead next. @default any other candidate
   * @returns true once the release is done (written, or the lease already had another holder);
   *   false when this replica does not lead (nothing happens; logged) or the release failed (the
   *   term has ended all the same; the lease then expires after its duration).
   * @throws TypeError (as a rejection) when `identity` is not a non-empty string or is this
   *   replica's own identity.
   */
  handOver(identity?: string): Promise<boolean> {
    const invalid = handOverTargetError(identity, this.identity);
    if (invalid) return Promise.reject(invalid);
    if (this.stopRequested || !this.activeTerm()) {
      this.config.logger.log(messages.logHandOverNotLeading(this.lockName));
      return Promise.resolve(false);
    }
    this.config.logger.log(messages.logHandingOver(this.lockName, identity));
    const handOver: HandOver = { to: identity };
    return this.endTerm(messages.reasonHandOver(identity), true, handOver).then(
      () => handOver.released === true,
    );
  }

  /**
   * True only while this replica holds the lease and its last successful acquire/renew request
   * started less than `renewDeadline` ago, judged now on the monotonic clock: a paused process
   * or a hanging renewal stops being leader on time even if no timer has fired.
   */
  isLeader(): boolean {
    return this.activeTerm() !== undefined;
  }

  /** The last observed holder; undefined when none was seen or the lease is free. */
  getLeader(): string | undefined {
    return this.observedRecord?.holderIdentity || undefined;
  }

  /** A copy of the last observed (or written) record. */
  getRecord(): LeaderElectionRecord | undefined {
    return this.observedRecord ? copyRecord(this.observedRecord) : undefined;
  }

  /** The lease's `leaderTransitions` for the current term while leading, else undefined. */
  fencingToken(): number | undefined {
    return this.activeTerm()?.fencingToken;
  }

  /** The current term's signal (aborted when it ends); an already-aborted signal when not leading. */
  leadershipSignal(): AbortSignal {
    // A fresh signal each time: listeners added to it go away with it (a shared one would
    // collect them forever on a follower).
    return (
      this.activeTerm()?.controller.signal ?? AbortSignal.abort(new Error(messages.notLeading()))
    );
  }

  /** Resolves when (or at once if) this replica leads; rejects with `signal.reason` on abort. */
  whenLeader(signal?: AbortSignal): Promise<void> {
    if (this.isLeader()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.leaderWaiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.leaderWaiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  status(): LeaderElectorStatus {
    return this.state;
  }

  /** The last error a lock request failed with; cleared by the next successful request. */
  lastError(): Error | undefined {
    return this.lastErr;
  }

  /** `clock.now()` at the start of the last successful acquire/renew attempt. */
  lastRenewAt(): number | undefined {
    return this.lastSuccessStart;
  }

  /**
   * client-go's watchdog (`HealthzAdaptor`): an Error when this replica holds the lease (the
   * observed holder is itself) but has not renewed it for `leaseDuration +
   * maxTolerableExpiredLease`, or when the loop died without `stop()`; else undefined.
   */
  check(maxTolerableExpiredLease: number): Error | undefined {
    if (typeof maxTolerableExpiredLease !== 'number' || !(maxTolerableExpiredLease >= 0)) {
      throw new LeaderElectionConfigError(
        'maxTolerableExpiredLease',
        messages.toleranceInvalid(maxTolerableExpiredLease),
      );
    }
    if (this.fatalError && !this.stopCalled) {
      return new Error(messages.electionLoopDied(this.name, this.fatalError), {
        cause: this.fatalError,
      });
    }
    if (this.state !== 'running') return undefined;
    if (this.observedRecord?.holderIdentity !== this.identity) return undefined;
    if (
      this.config.clock.now() - this.observedTime >
      this.config.leaseDuration + maxTolerableExpiredLease
    ) {
      return new Error(messages.failedToRenewLeadership(this.name));
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------
  // The loop
  // ------------------------------------------------------------------------------------------

  private async run(signal: AbortSignal): Promise<void> {
    const { clock, logger, retryPeriod, random } = this.config;
    while (!signal.aborted) {
      try {
        if (!(await this.acquire(signal))) break;
        const term = this.term;
        if (term) await this.lead(term);
      } catch (err) {
        // A bug must not end the election: log it, close the term, and go on competing.
        logger.error(messages.logLoopError(this.lockName, err));
        if (this.term && !this.term.ended) {
          await this.endTerm(messages.reasonUnexpectedError(), false);
        }
        await sleep(clock, jitter(retryPeriod, JITTER_FACTOR, random), signal);
      }
    }
  }

  /** The loop itself threw (it should not): record it for check() and clean up. */
  private die(err: unknown): void {
    this.fatalError = toError(err);
    this.config.logger.error(messages.logLoopError(this.lockName, err));
    if (this.stopRequested) return;
    if (this.term && !this.term.ended) void this.endTerm(messages.reasonUnexpectedError(), false);
    this.closeWatch();
    this.clearTimers();
    this.state = 'stopped';
  }

  private async shutDown(release: boolean): Promise<void> {
    this.releaseTried = false;
    this.abortedWrite = false;
    this.clearTimers();
    const term = this.term;
    const termEnding = term
      ? term.ended
        ? term.ending
        : this.endTerm(messages.reasonStopped(), release)
      : undefined;
    this.loopController?.abort(new Error(messages.reasonStopped()));
    this.wake('stop');
    await this.loopDone;
    await termEnding;
    // Maybe still the holder without a term (a term lost to a hung API, or an acquire write cut
    // off by the stop): hand the lease back too. release() re-reads it first.
    const maybeHolder = this.abortedWrite || this.observedRecord?.holderIdentity === this.identity;
    if (release && !this.releaseTried && maybeHolder) {
      await this.release();
    }
    this.closeWatch();
    this.clearTimers();
    this.state = 'stopped';
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    const { clock, logger, renewDeadline } = this.config;
    logger.log(messages.logAttemptingToAcquire(this.lockName));
    let reason: WakeReason | undefined;
    for (;;) {
      if (signal.aborted) return false;
      const holdOff = this.holdOffUntil - clock.now();
      if (holdOff > 0) {
        await sleep(clock, holdOff, signal);
        continue;
      }
      this.pendingWake = undefined;
      // A release seen on the watch: the lock already holds the released object's version,
      // so the takeover can be written without reading the lease first.
      const useObserved =
        reason === 'released' &&
        this.observedRecord?.holderIdentity === '' &&
        this.observedRawRecord !== undefined;
      const result = await this.tryAcquireOrRenew(signal, useObserved);
      this.maybeReportTransition();
      if (!result.ok) this.ensureWatch();
      if (signal.aborted) return false;
      if (result.ok) {
        const elapsed = clock.now() - result.requestStart;
        this.noteSuccess(result.requestStart);
        // Opened once the term has begun, so a new leader's callbacks do not wait for it.
        this.ensureWatch();
        if (elapsed < renewDeadline) return true;
        // The lease is ours, but the request took so long that no leadership time is left.
        logger.warn(messages.logStaleSuccess(this.lockName, elapsed));
        reason = undefined;
        continue;
      }
      logger.debug?.(messages.logFailedToAcquire(this.lockName));
      reason = await this.waitForNextAttempt(result.reason, signal);
    }
  }

  /** Polls (jittered), or with a healthy watch sleeps until expiry, a release or a deletion. */
  private async waitForNextAttempt(
    failure: Exclude<AttemptResult, { ok: true }>['reason'],
    signal: AbortSignal,
  ): Promise<WakeReason> {
    const { clock, retryPeriod, random } = this.config;
    // Fixed once per wait, so watch state changes (mode wakes) never postpone the next poll.
    const pollAt = clock.now() + jitter(retryPeriod, JITTER_FACTOR, random);
    for (;;) {
      if (signal.aborted) return 'stop';
      const watching = this.watchEnabled && this.watchHandle !== undefined;
      const quiet = watching && failure === 'held';
      // Quiet waiting relies on the takeover timer that the last observation armed.
      if (quiet && !this.cancelTakeover) this.scheduleTakeover();
      if (this.pendingWake !== undefined) {
        const pending = this.pendingWake;
        this.pendingWake = undefined;
        if (pending !== 'mode') return pending;
        continue;
      }
      const wakeReason = await this.waitForWake(
        quiet ? undefined : Math.max(0, pollAt - clock.now()),
        signal,
      );
      if (wakeReason !== 'mode') return wakeReason;
    }
  }

  private waitForWake(ms: number | undefined, signal: AbortSignal): Promise<WakeReason> {
    return new Promise((resolve) => {
      let cancelTimer: (() => void) | undefined;
      const finish = (reason: WakeReason) => {
        cancelTimer?.();
        signal.removeEventListener('abort', onAbort);
        if (this.wakeWaiter === finish) this.wakeWaiter = undefined;
        resolve(reason);
      };
      const onAbort = () => finish('stop');
      if (signal.aborted) return finish('stop');
      signal.addEventListener('abort', onAbort, { once: true });
      if (ms !== undefined) cancelTimer = this.config.clock.setTimer(() => finish('poll'), ms);
      this.wakeWaiter = finish;
    });
  }

  /** Wakes a waiting acquire loop, or leaves the reason for the next wait. */
  private wake(reason: WakeReason): void {
    const waiter = this.wakeWaiter;
    if (waiter) {
      this.wakeWaiter = undefined;
      waiter(reason);
      return;
    }
    // Keep the most useful pending reason: an expiry or release beats a mode change.
    if (this.pendingWake === undefined || this.pendingWake === 'mode') this.pendingWake = reason;
  }

  private async lead(term: Term): Promise<void> {
    const { clock, retryPeriod, logger } = this.config;
    while (!term.ended) {
      // client-go waits retryPeriod; ending the wait on a shared grid point instead (at most
      // one step early) makes the leaders in a process share wake-ups rather than drift apart
      // by their request latencies (a slow first round can leave them on two neighbouring
      // points, where they stay); in probes that cut the CPU of 100 idle leaders by a third.
      // Renewing early never weakens safety, and with latency under one step a leader still
      // writes exactly once per retryPeriod.
      await sleepOnGrid(clock, retryPeriod, retryPeriod / RENEW_GRID_STEPS, term.controller.signal);
      if (term.ended) break;
      const renewed = await this.renewRound(term);
      if (!renewed && !term.ended) {
        logger.warn(messages.logFailedToRenew(this.lockName, messages.reasonRenewFailed()));
        await this.endTerm(messages.reasonRenewFailed(), false);
      }
    }
    await term.ending;
  }

  /**
   * One client-go renew round: attempts at a fixed `retryPeriod` rate until one succeeds or
   * `renewDeadline` (from the round's start) passes. Every request is bounded by that deadline,
   * the term's end and `requestTimeout`.
   */
  private async renewRound(term: Term): Promise<boolean> {
    const { clock, renewDeadline, retryPeriod, requestTimeout, logger, metrics } = this.config;
    const roundStart = clock.now();
    // The round's signal is made when first needed. A fast-path renewal is one request that
    // starts with the round and is cut by requestTimeout before renewDeadline, so on the term's
    // signal alone it is bounded exactly as before, with one controller, timer and listener
    // less per renewal. Anything more (the slow path, a retry) gets the round's signal.
    let round: { signal: AbortSignal; dispose: () => void } | undefined;
    const roundSignal = (): AbortSignal =>
      (round ??= deadlineSignal(
        clock,
        term.controller.signal,
        roundStart + renewDeadline - clock.now(),
        () => new LockError('Timeout', messages.reasonRenewDeadlineExceeded(renewDeadline)),
      )).signal;
    let fastParent: AbortSignal | undefined =
      requestTimeout < renewDeadline ? term.controller.signal : undefined;
    try {
      let nextTick = roundStart + retryPeriod;
      for (;;) {
        const result = await this.tryAcquireOrRenew(roundSignal, false, fastParent);
        fastParent = undefined;
        this.maybeReportTransition();
        if (term.ended) return false;
        if (result.ok) {
          this.noteSuccess(result.requestStart);
          if (term.ended) return false;
          metrics.renewLatency?.(this.name, clock.now() - roundStart);
          logger.verbose?.(messages.logRenewed(this.lockName));
          return true;
        }
        if (result.reason === 'lost' || roundSignal().aborted) return false;
        const now = clock.now();
        if (nextTick > now) {
          await sleep(clock, nextTick - now, roundSignal());
          nextTick += retryPeriod;
        } else {
          // Like a Go ticker: one missed tick fires at once, the others are dropped.
          nextTick = roundStart + (Math.floor((now - roundStart) / retryPeriod) + 1) * retryPeriod;
        }
        if (roundSignal().aborted || term.ended) return false;
      }
    } finally {
      round?.dispose();
    }
  }

  // ------------------------------------------------------------------------------------------
  // tryAcquireOrRenew (client-go §1.6)
  // ------------------------------------------------------------------------------------------

  /**
   * One attempt to acquire or renew. `useObserved` skips the GET and works from the record the
   * watch just delivered (a release); any failure then falls back to the normal path. `parent`
   * bounds every request (a function: made on first use); `fastParent`, when given, bounds the
   * fast path's request instead (see renewRound).
   */
  private async tryAcquireOrRenew(
    parent: AbortSignal | (() => AbortSignal),
    useObserved: boolean,
    fastParent?: AbortSignal,
  ): Promise<AttemptResult> {
    const { clock, lock, logger, metrics } = this.config;
    const now = clock.now();
    const wallNow = clock.wallNow();
    const wasLeading = this.activeTerm() !== undefined;
    const desired: LeaderElectionRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseDurationSeconds,
      acquireTime: wallNow,
      renewTime: wallNow,
      leaderTransitions: 0,
    };

    // 1. Fast path: the leader updates from its cached object, without a GET.
    const observed = this.observedRecord;
    if (observed?.holderIdentity === this.identity && this.isLeaseValid(now)) {
      const fast = fastParent ?? signalOf(parent);
      desired.acquireTime = observed.acquireTime;
      desired.leaderTransitions = observed.leaderTransitions;
      const strategy = keptStrategy(observed.strategy);
      if (strategy) desired.strategy = strategy;
      try {
        await this.write(fast, (options) => lock.update(desired, options));
        this.lastErr = undefined;
        this.setObservedRecord(desired);
        return { ok: true, requestStart: now };
      } catch (err) {
        if (fast.aborted) return { ok: false, reason: 'aborted' };
        // A 409 here is routine (e.g. our own earlier write whose answer was lost): debug only.
        if (isConflict(err)) metrics.conflict?.(this.name);
        else this.lastErr = toError(err);
        logger.debug?.(messages.logOptimisticUpdateFailed(this.lockName, err));
      }
    }

    // 2. Slow path: read the lock (or create it).
    const signal = signalOf(parent);
    let old: LeaderElectionRecord;
    let oldRaw: string;
    if (useObserved && this.observedRecord && this.observedRawRecord !== undefined) {
      old = this.observedRecord;
      oldRaw = this.observedRawRecord;
    } else {
      try {
        const got = await this.request(signal, (options) => lock.get(options));
        this.lastErr = undefined;
        old = got.record;
        oldRaw = got.raw;
      } catch (err) {
        if (signal.aborted) return { ok: false, reason: 'aborted' };
        if (!isNotFound(err)) {
          this.lastErr = toError(err);
          logger.error(messages.logErrorRetrievingLock(this.lockName, err));
          return { ok: false, reason: 'error' };
        }
        try {
          await this.write(signal, (options) => lock.create(desired, options));
        } catch (createErr) {
          if (signal.aborted) return { ok: false, reason: 'aborted' };
          if (isAlreadyExists(createErr) || isConflict(createErr)) {
            metrics.conflict?.(this.name);
            logger.debug?.(messages.logErrorCreatingLock(this.lockName, createErr));
            return { ok: false, reason: 'conflict' };
          }
          this.lastErr = toError(createErr);
          logger.error(messages.logErrorCreatingLock(this.lockName, createErr));
          return { ok: false, reason: 'error' };
        }
        this.lastErr = undefined;
        this.setObservedRecord(desired);
        return { ok: true, requestStart: now };
      }
    }

    // 3. Observe: a changed raw record restarts the expiry clock.
    if (oldRaw !== this.observedRawRecord) {
      this.observedRawRecord = oldRaw;
      this.setObservedRecord(old);
      this.checkHandOver(old);
      this.afterObservation();
    }
    const holder = old.holderIdentity ?? '';
    const preferred = old.preferredHolder ?? '';
    if (wasLeading && holder !== this.identity) {
      void this.endTerm(messages.reasonLeaseTaken(holder), false);
      return { ok: false, reason: 'lost' };
    }
    if (holder === this.identity && preferred !== '' && preferred !== this.identity) {
      // Another candidate is preferred (client-go's "end of term"): hand the lease over instead
      // of renewing it; client-go would just stop renewing and let it expire.
      if (wasLeading) {
        void this.endTerm(messages.reasonPreferredHolder(preferred), true, {});
        return { ok: false, reason: 'lost' };
      }
      logger.log(messages.logReleasingForPreferredHolder(this.lockName, preferred));
      await this.release();
      return { ok: false, reason: 'held' };
    }
    if (holder !== '' && holder !== this.identity && this.isLeaseValid(now)) {
      logger.debug?.(messages.logLeaseHeld(this.lockName, holder));
      return { ok: false, reason: 'held' };
    }
    if (
      holder === '' &&
      preferred !== '' &&
      preferred !== this.identity &&
      this.isLeaseValid(now)
    ) {
      logger.debug?.(messages.logWaitingForPreferredHolder(this.lockName, preferred));
      return { ok: false, reason: 'held' };
    }

    // 4. Take over (a new term: transitions + 1) or renew (keep acquireTime and transitions).
    // A preferredHolder is never written back: it named us (now served) or has lapsed.
    const strategy = keptStrategy(old.strategy);
    if (strategy) desired.strategy = strategy;
    if (holder === this.identity) {
      desired.acquireTime = old.acquireTime;
      desired.leaderTransitions = old.leaderTransitions;
      metrics.slowpathExercised(this.name);
    } else {
      const previous = old.leaderTransitions;
      desired.leaderTransitions =
        (Number.isSafeInteger(previous) && previous >= 0 ? previous : 0) + 1;
    }
    try {
      await this.write(signal, (options) => lock.update(desired, options));
    } catch (err) {
      if (signal.aborted) return { ok: false, reason: 'aborted' };
      if (useObserved) return this.tryAcquireOrRenew(signal, false);
      if (isConflict(err)) {
        metrics.conflict?.(this.name);
        logger.debug?.(messages.logFailedToUpdate(this.lockName, err));
        return { ok: false, reason: 'conflict' };
      }
      this.lastErr = toError(err);
      logger.error(messages.logFailedToUpdate(this.lockName, err));
      return { ok: false, reason: 'error' };
    }
    this.lastErr = undefined;
    this.setObservedRecord(desired);
    return { ok: true, requestStart: now };
  }

  /** One lock request, bounded by `parent` and `requestTimeout`, even if the lock ignores its signal. */
  private request<T>(
    parent: AbortSignal,
    send: (options: LockRequestOptions) => Promise<T>,
  ): Promise<T> {
    const { clock, requestTimeout } = this.config;
    return boundedCall(
      clock,
      parent,
      requestTimeout,
      () => new LockError('Timeout', messages.requestTimedOut(this.lockName, requestTimeout)),
      (signal) => send({ signal }),
    );
  }

  /**
   * A takeover/renew write. One cut off by stop() may still have been applied; remember that, so
   * stop() re-reads the lock and releases it if it turns out to be ours.
   */
  private async write(
    parent: AbortSignal,
    send: (options: LockRequestOptions) => Promise<unknown>,
  ): Promise<void> {
    try {
      await this.request(parent, send);
    } catch (err) {
      if (parent.aborted) this.abortedWrite = true;
      throw err;
    }
  }

  private isLeaseValid(now: number): boolean {
    const record = this.observedRecord;
    if (!record) return false;
    const seconds = Number.isFinite(record.leaseDurationSeconds) ? record.leaseDurationSeconds : 0;
    return this.observedTime + seconds * 1000 > now;
  }

  private setObservedRecord(record: LeaderElectionRecord): void {
    this.observedRecord = copyRecord(record);
    this.observedTime = this.config.clock.now();
  }

  /** What became of the preferredHolder our last release wrote: kept, dropped, or passed over. */
  private checkHandOver(record: LeaderElectionRecord): void {
    const check = this.handOverCheck;
    // Our own records from before the release say nothing yet.
    if (!check || record.holderIdentity === this.identity) return;
    if (record.leaderTransitions < check.transitions) return;
    const { logger } = this.config;
    if (record.holderIdentity === '' && record.leaderTransitions === check.transitions) {
      if (record.preferredHolder !== check.to) {
        logger.debug?.(messages.logPreferredHolderDropped(this.lockName, check.to));
      }
    } else if (record.holderIdentity !== check.to) {
      logger.debug?.(messages.logHandOverTakenBy(this.lockName, check.to, record.holderIdentity));
    }
    this.handOverCheck = undefined;
  }

  /** After a changed record was observed: a foreign holder ends our term; followers re-plan. */
  private afterObservation(): void {
    const term = this.term;
    const holder = this.observedRecord?.holderIdentity ?? '';
    if (term && !term.ended && holder !== this.identity) {
      void this.endTerm(messages.reasonLeaseTaken(holder), false);
    }
    if (this.watchEnabled && !this.activeTerm()) this.scheduleTakeover();
  }

  /** client-go's maybeReportTransition: tell onNewLeader when the observed holder changed. */
  private maybeReportTransition(): void {
    const holder = this.observedRecord?.holderIdentity;
    if (holder === undefined || holder === this.reportedLeader) return;
    const previous = this.reportedLeader;
    this.reportedLeader = holder;
    if (previous !== '') this.config.metrics.transition?.(this.name);
    this.config.logger.debug?.(messages.logNewLeader(this.lockName, holder));
    const onNewLeader = this.config.callbacks.onNewLeader;
    if (onNewLeader) this.invoke('onNewLeader', () => onNewLeader(holder));
  }

  // ------------------------------------------------------------------------------------------
  // Terms
  // ------------------------------------------------------------------------------------------

  /** The current term if leadership holds right now; ends a term whose deadline has passed. */
  private activeTerm(): Term | undefined {
    const term = this.term;
    if (!term || term.ended) return undefined;
    if (this.observedRecord?.holderIdentity !== this.identity) return undefined;
    const start = this.lastSuccessStart;
    if (start === undefined || this.config.clock.now() - start >= this.config.renewDeadline) {
      void this.endTerm(messages.reasonRenewDeadlineExceeded(this.config.renewDeadline), false);
      return undefined;
    }
    return term;
  }

  private noteSuccess(requestStart: number): void {
    this.lastSuccessStart = requestStart;
    this.lastErr = undefined;
    this.config.metrics.renewed?.(this.name, requestStart);
    const term = this.term;
    // A success only moves the deadline later, so a pending timer stays: it fires early and
    // re-arms (scheduleTermDeadline), instead of a clear and a new timer on every renewal.
    if (term && !term.ended) {
      if (!term.cancelDeadline) this.scheduleTermDeadline(term);
    } else if (!term) this.beginTermIfLeading();
  }

  /** Called after a successful acquire: a new term starts if the result is still fresh. */
  private beginTermIfLeading(): void {
    const { clock, renewDeadline } = this.config;
    if (this.stopRequested || this.term) return;
    const start = this.lastSuccessStart;
    if (start === undefined || clock.now() - start >= renewDeadline) return;
    if (this.observedRecord?.holderIdentity !== this.identity) return;
    this.beginTerm(this.observedRecord.leaderTransitions);
  }

  private beginTerm(fencingToken: number): void {
    const { lock, metrics, logger, callbacks } = this.config;
    const term: Term = { controller: new AbortController(), fencingToken, ended: false };
    this.term = term;
    this.cancelTakeoverTimer();
    this.scheduleTermDeadline(term);
    try {
      lock.recordEvent('became leader');
    } catch {
      // Events are best effort; the lock contract says recordEvent never throws.
    }
    metrics.on(this.name);
    logger.log(messages.logAcquired(this.lockName, this.identity, fencingToken));
    for (const waiter of [...this.leaderWaiters]) waiter();
    this.leaderWaiters.clear();
    const onStartedLeading = callbacks.onStartedLeading;
    if (onStartedLeading) {
      const context = { signal: term.controller.signal, identity: this.identity, fencingToken };
      // Not awaited: leader work may run for the whole term.
      this.invoke('onStartedLeading', () => onStartedLeading(context));
    }
  }

  /** Ends the term when `lastSuccessStart + renewDeadline` passes (and not a moment later). */
  private scheduleTermDeadline(term: Term): void {
    const { clock, renewDeadline } = this.config;
    term.cancelDeadline?.();
    term.cancelDeadline = undefined;
    const start = this.lastSuccessStart ?? Number.NEGATIVE_INFINITY;
    const due = start + renewDeadline - clock.now();
    if (due <= 0) {
      void this.endTerm(messages.reasonRenewDeadlineExceeded(renewDeadline), false);
      return;
    }
    term.cancelDeadline = clock.setTimer(() => {
      term.cancelDeadline = undefined;
      // activeTerm() ends the term if the deadline passed; a timer that fired early re-arms.
      if (this.activeTerm() === term) this.scheduleTermDeadline(term);
    }, due);
  }

  /**
   * The one place a term ends. Synchronously: `isLeader()` turns false, the signal aborts, the
   * gauge drops. Then, asynchronously: (on release) `beforeRelease` and the release, the
   * `stopped leading` event, and `onStoppedLeading`. Idempotent: returns the same promise.
   */
  private endTerm(reason: string, release: boolean, handOver?: HandOver): Promise<void> {
    const term = this.term;
    if (!term) return Promise.resolve();
    if (term.ending) return term.ending;
    term.ended = true;
    term.handOver = handOver;
    term.cancelDeadline?.();
    term.cancelDeadline = undefined;
    const { metrics, logger } = this.config;
    if (this.stopRequested || handOver) logger.log(messages.logTermEnded(this.lockName, reason));
    else logger.warn(messages.logTermEnded(this.lockName, reason));
    term.ending = this.finishTerm(term, release);
    term.controller.abort(new Error(messages.leadershipEnded(this.lockName, reason)));
    metrics.off(this.name);
    return term.ending;
  }

  private async finishTerm(term: Term, release: boolean): Promise<void> {
    // Let the synchronous part of endTerm (abort, gauge) complete before anything else runs.
    await Promise.resolve();
    const { lock, callbacks, beforeRelease, renewDeadline, clock, retryPeriod } = this.config;
    if (release) {
      if (beforeRelease) await this.invokeBounded('beforeRelease', beforeRelease, renewDeadline);
      const released = await this.release(term.handOver?.to);
      if (term.handOver) {
        term.handOver.released = released;
        // Counted from the release, not the term's end: the drain above may have taken a while.
        this.holdOffUntil = clock.now() + retryPeriod * (1 + JITTER_FACTOR);
      }
    }
    try {
      lock.recordEvent('stopped leading');
    } catch {
      // Best effort, as above.
    }
    const onStoppedLeading = callbacks.onStoppedLeading;
    if (onStoppedLeading) {
      await this.invokeBounded('onStoppedLeading', () => onStoppedLeading(), renewDeadline);
    }
    if (this.term === term) this.term = undefined;
    if (this.state === 'running' && this.watchEnabled) this.scheduleTakeover();
  }

  /**
   * client-go's release (v0.37): re-read the lock; if we still hold it, write holder `''` with a
   * 1 s lease, keeping the transitions. Conflicts are retried with a fresh read until
   * `renewDeadline` has passed. A release that names a preferred holder (`handOverTo`, else the
   * lease's own unless it is us) writes it with a strategy and our lease duration instead of
   * 1 s: the other candidates of this library wait that long for the preferred one.
   */
  private async release(handOverTo?: string): Promise<boolean> {
    const { clock, lock, logger, metrics, renewDeadline } = this.config;
    this.releaseTried = true;
    const never = new AbortController().signal;
    const bounded = deadlineSignal(
      clock,
      never,
      renewDeadline,
      () => new LockError('Timeout', messages.reasonRenewDeadlineExceeded(renewDeadline)),
    );
    try {
      for (let attempt = 1; ; attempt++) {
        let fresh: LeaderElectionRecord;
        try {
          const got = await this.request(bounded.signal, (options) => lock.get(options));
          fresh = got.record;
          // The GET moved the lock's cached version: the observed record must follow, or a
          // later fast-path renewal (the elector keeps running after a hand-over) would PUT our
          // stale record over a new holder with that fresh version.
          if (got.raw !== this.observedRawRecord) {
            this.observedRawRecord = got.raw;
            this.setObservedRecord(fresh);
            this.checkHandOver(fresh);
          }
        } catch (err) {
          if (isNotFound(err)) logger.log(messages.logReleaseLockNotFound(this.lockName));
          else logger.error(messages.logErrorRetrievingForRelease(this.lockName, err));
          return false;
        }
        if (fresh.holderIdentity !== this.identity) {
          logger.debug?.(messages.logReleaseNotHolder(this.lockName, fresh.holderIdentity));
          return true;
        }
        const now = clock.wallNow();
        const ownPreferred = fresh.preferredHolder !== this.identity ? fresh.preferredHolder : '';
        const preferred = handOverTo ?? ownPreferred ?? '';
        const released: LeaderElectionRecord = {
          holderIdentity: '',
          leaseDurationSeconds: preferred ? this.leaseDurationSeconds : 1,
          acquireTime: now,
          renewTime: now,
          leaderTransitions: fresh.leaderTransitions,
        };
        const strategy = preferred
          ? fresh.strategy || HAND_OVER_STRATEGY
          : keptStrategy(fresh.strategy);
        if (strategy) released.strategy = strategy;
        if (preferred) released.preferredHolder = preferred;
        // A preferredHolder the lease did not have may be dropped by the API server (feature
        // gate off); the next observation of the lease tells (set first: the watch may deliver
        // the stored release before the update answers).
        this.handOverCheck =
          preferred && preferred !== fresh.preferredHolder
            ? { to: preferred, transitions: released.leaderTransitions }
            : undefined;
        let stored: LeaderElectionRecord | undefined;
        try {
          const answer = await this.request(bounded.signal, (options) =>
            lock.update(released, options),
          );
          stored = answer ? answer.record : undefined;
        } catch (err) {
          this.handOverCheck = undefined;
          if (isConflict(err) && !bounded.signal.aborted && attempt < MAX_RELEASE_ATTEMPTS) {
            metrics.conflict?.(this.name);
            logger.debug?.(messages.logConflictReleasing(this.lockName));
            continue;
          }
          logger.error(messages.logFailedToRelease(this.lockName, err));
          return false;
        }
        if (stored) this.checkHandOver(stored);
        this.setObservedRecord(stored ?? released);
        logger.log(messages.logReleased(this.lockName));
        return true;
      }
    } finally {
      bounded.dispose();
    }
  }

  /** Runs a user callback; a throw or rejection is logged and never reaches the loop. */
  private invoke(callback: string, fn: () => unknown): Promise<void> | undefined {
    try {
      const result = fn();
      if (isThenable(result)) {
        return Promise.resolve(result).then(
          () => undefined,
          (err: unknown) =>
            this.config.logger.error(messages.logCallbackFailed(callback, this.lockName, err)),
        );
      }
    } catch (err) {
      this.config.logger.error(messages.logCallbackFailed(callback, this.lockName, err));
    }
    return undefined;
  }

  /** Like invoke(), but awaits the callback for at most `ms`. */
  private async invokeBounded(callback: string, fn: () => unknown, ms: number): Promise<void> {
    const settled = this.invoke(callback, fn);
    if (!settled) return;
    let cancel: (() => void) | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      cancel = this.config.clock.setTimer(() => resolve(true), ms);
    });
    const late = await Promise.race([settled.then(() => false), timedOut]);
    cancel?.();
    if (late) this.config.logger.warn(messages.logCallbackTimedOut(callback, this.lockName, ms));
  }

  // ------------------------------------------------------------------------------------------
  // Watch-driven follower
  // ------------------------------------------------------------------------------------------

  private ensureWatch(): void {
    if (!this.watchEnabled) return;
    if (this.watchHandle || this.cancelRewatch || this.stopRequested) return;
    if (this.state !== 'running') return;
    this.openWatch();
  }

  private openWatch(): void {
    const { clock, lock, logger } = this.config;
    const openedAt = clock.now();
    let delivered = false;
    let closed = false;
    let handle: LockWatchHandle | undefined;
    const onClose = (err?: Error) => {
      if (closed) return;
      closed = true;
      if (this.watchHandle === handle) this.watchHandle = undefined;
      const healthy = delivered || clock.now() - openedAt >= WATCH_HEALTHY_AFTER_MS;
      this.watchClosed(err, healthy);
    };
    try {
      handle = lock.watch!({
        onEvent: (event) => {
          if (closed || this.stopRequested) return;
          delivered = true;
          this.watchFailures = 0;
          try {
            this.onWatchEvent(event);
          } catch (err) {
            logger.error(messages.logLoopError(this.lockName, err));
          }
        },
        onClose,
      });
    } catch (err) {
      onClose(toError(err));
      return;
    }
    if (closed) {
      handle?.stop();
      return;
    }
    this.watchHandle = handle;
  }

  private watchClosed(err: Error | undefined, healthy: boolean): void {
    if (this.stopRequested || this.state !== 'running') return;
    const { logger, random } = this.config;
    if (!err && healthy) {
      // The server ends watches routinely (timeoutSeconds); the lock resumes from the last
      // version, so nothing is missed by reopening at once.
      this.watchFailures = 0;
      logger.debug?.(messages.logWatchReopened(this.lockName));
      this.ensureWatch();
      return;
    }
    const base = Math.min(WATCH_BACKOFF_MAX_MS, WATCH_BACKOFF_MIN_MS * 2 ** this.watchFailures);
    const delay = jitter(base, 0.2, random);
    this.watchFailures += 1;
    if (err) logger.warn(messages.logWatchClosed(this.lockName, err, delay));
    else logger.debug?.(messages.logWatchClosed(this.lockName, err, delay));
    this.cancelRewatch = this.config.clock.setTimer(() => {
      this.cancelRewatch = undefined;
      this.ensureWatch();
      this.wake('mode');
    }, delay);
    // A follower sleeping on the watch switches to polling until the watch is back.
    this.wake('mode');
  }

  private onWatchEvent(event: LockWatchEvent): void {
    const term = this.activeTerm();
    if (event.type === 'DELETED') {
      if (term) {
        // Only the deletion of the version we wrote last ends the term; an older DELETED is a
        // late event from before we re-created the lease.
        const mine = this.observedRecord;
        const same =
          event.record.holderIdentity === this.identity &&
          event.record.leaderTransitions === mine?.leaderTransitions &&
          event.record.renewTime?.getTime() === mine?.renewTime?.getTime();
        if (!same) return;
        void this.endTerm(messages.reasonLeaseDeleted(), false);
      }
      this.observedRecord = undefined;
      this.observedRawRecord = undefined;
      this.cancelTakeoverTimer();
      this.wake('deleted');
      return;
    }
    if (term) {
      // Echoes of our own writes, and late events from before our term, change nothing: a
      // foreign takeover bumps leaderTransitions past our fencing token.
      if (event.record.holderIdentity === this.identity) {
        if (event.record.leaderTransitions !== term.fencingToken) return;
        // Someone (a CLE controller, kubectl) named another preferred holder during this term.
        const preferred = event.record.preferredHolder;
        if (preferred && preferred !== this.identity) {
          void this.endTerm(messages.reasonPreferredHolder(preferred), true, {});
          return;
        }
        // Or changed the strategy: the next fast-path renewal carries it over.
        const observed = this.observedRecord;
        if (observed?.holderIdentity === this.identity) {
          if (event.record.strategy) observed.strategy = event.record.strategy;
          else delete observed.strategy;
        }
        return;
      }
      if (!(event.record.leaderTransitions > term.fencingToken)) return;
    }
    if (event.raw !== this.observedRawRecord) {
      this.observedRawRecord = event.raw;
      this.setObservedRecord(event.record);
      this.checkHandOver(event.record);
      this.afterObservation();
    }
    this.maybeReportTransition();
  }

  /**
   * Followers with a watch: attempt exactly when the observed lease expires on our clock, at
   * once when it is free (or ours), and not before. Rescheduled on every observed change.
   */
  private scheduleTakeover(): void {
    this.cancelTakeoverTimer();
    if (this.state !== 'running' || this.stopRequested || this.term) return;
    const record = this.observedRecord;
    if (!record) return;
    const preferred = record.preferredHolder;
    // A free lease reserved for another preferred holder is left to it until it expires.
    if (record.holderIdentity === '' && (!preferred || preferred === this.identity)) {
      return this.wake('released');
    }
    if (record.holderIdentity === this.identity) return this.wake('expiry');
    const seconds = Number.isFinite(record.leaseDurationSeconds) ? record.leaseDurationSeconds : 0;
    const due = this.observedTime + seconds * 1000 + 1 - this.config.clock.now();
    this.cancelTakeover = this.config.clock.setTimer(
      () => {
        this.cancelTakeover = undefined;
        this.wake('expiry');
      },
      Math.max(0, due),
    );
  }

  private cancelTakeoverTimer(): void {
    this.cancelTakeover?.();
    this.cancelTakeover = undefined;
  }

  private closeWatch(): void {
    const handle = this.watchHandle;
    this.watchHandle = undefined;
    try {
      handle?.stop();
    } catch (err) {
      this.config.logger.debug?.(messages.logLoopError(this.lockName, err));
    }
  }

  private clearTimers(): void {
    this.cancelTakeoverTimer();
    this.cancelRewatch?.();
    this.cancelRewatch = undefined;
  }
}
