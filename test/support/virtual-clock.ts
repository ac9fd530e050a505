import { createClock } from '@sinonjs/fake-timers';
import type { Clock } from '../../lib/core/clock.js';

/** Lets every pending promise callback run (setImmediate runs after the microtask queue drains). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A `Clock` in virtual time, backed by a private @sinonjs/fake-timers clock (no globals are
 * faked, so node:test and real I/O are untouched). `now()` starts at 0; `wallNow()` is
 * `epoch + now() + wallOffset` so records carry plausible dates and a test can skew the wall.
 */
export class VirtualClock implements Clock {
  readonly timers = createClock(0);
  wallOffset = 0;

  constructor(readonly epoch = Date.parse('2030-01-01T00:00:00.000Z')) {}

  now(): number {
    return this.timers.now;
  }

  wallNow(): Date {
    return new Date(this.epoch + this.timers.now + this.wallOffset);
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = this.timers.setTimeout(fn, Math.max(0, ms));
    return () => this.timers.clearTimeout(id);
  }

  /** Advances `ms`, firing due timers in order and settling promises between them. */
  async advance(ms: number): Promise<void> {
    await flush();
    await this.timers.tickAsync(ms);
    await flush();
  }

  /** Advances in `step` slices until `predicate()` holds or `limit` ms passed; returns the time spent. */
  async advanceUntil(predicate: () => boolean, limit: number, step = 1): Promise<number> {
    const start = this.now();
    await flush();
    while (!predicate()) {
      if (this.now() - start >= limit) {
        throw new Error(`condition not met within ${limit} ms of virtual time`);
      }
      await this.advance(step);
    }
    return this.now() - start;
  }

  /** Pending timers (a stopped elector must leave none). */
  countTimers(): number {
    return this.timers.countTimers();
  }
}
