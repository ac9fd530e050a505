import { systemClock, type Clock } from './core/clock.js';
import type { LeaderElectionLogger } from './core/logger.js';
import { DRAIN_SETTLED, DRAIN_TIMED_OUT, DRAIN_WAITING } from './leader-election.messages.js';

/**
 * @internal
 * Counts the `@OnLeader()` invocations of one election whose promise has not settled yet, so
 * that a leader can let them finish before it releases the lease ("drain before release").
 *
 * Sync invocations are never counted: they are over before anything else can run. Counting is
 * a hot path (every async gated call), so it costs one increment and one `then` per call.
 */
export class LeaderElectionInFlightTracker {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly clock: Clock = systemClock) {}

  /** Invocations still running. */
  get count(): number {
    return this.inFlight;
  }

  /** Counts `result` until it settles (either way). */
  track(result: PromiseLike<unknown>): void {
    this.inFlight++;
    let done = false;
    // A hand-rolled thenable might call back twice, or throw: neither may skew the count.
    const settle = () => {
      if (done) return;
      done = true;
      if (--this.inFlight === 0) this.wake();
    };
    try {
      // A derived promise with both handlers: a rejection is still the caller's to handle,
      // and never becomes an unhandled rejection here.
      result.then(settle, settle);
    } catch {
      settle();
    }
  }

  /**
   * Resolves `true` as soon as nothing is in flight, or `false` when `timeoutMs` passed first.
   */
  whenSettled(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = () => {
        cancel();
        resolve(true);
      };
      const cancel = this.clock.setTimer(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Waits (at most `timeoutMs`) for the in-flight invocations to settle, and says so in the
   * log: what it waits for, then how long it took or that it gave up. Silent when nothing runs.
   * Never rejects.
   */
  async drain(lock: string, timeoutMs: number, logger: LeaderElectionLogger): Promise<void> {
    const waiting = this.inFlight;
    if (waiting === 0) return;
    logger.log(DRAIN_WAITING(waiting, lock, timeoutMs));
    const start = this.clock.now();
    if (await this.whenSettled(timeoutMs)) {
      logger.log(DRAIN_SETTLED(waiting, lock, Math.round(this.clock.now() - start)));
    } else {
      logger.warn(DRAIN_TIMED_OUT(this.inFlight, lock, timeoutMs));
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
