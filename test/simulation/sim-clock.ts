import type { Clock } from '../../lib/core/clock.js';
import type { SimProcess } from './sim-process.js';

/** Wall clocks start at 2026-01-01T00:00:00Z plus the slot's skew. */
const WALL_EPOCH = Date.UTC(2026, 0, 1);

/** A timer of one process, still pending from the process's point of view. */
export interface SimTimer {
  cancelled: boolean;
  cancelEvent(): void;
}

/**
 * One process's clock over the simulation's virtual time: `now() = offset + rate × virtual`,
 * so a rate ≠ 1 is clock-rate drift (the skew client-go tolerates only within
 * leaseDuration / renewDeadline). A timer of `ms` fires after `ms / rate` virtual ms, at the
 * first virtual instant whose local time has reached the target (never early through rounding).
 * Timers go through the process, so a paused process sees them late and a dead one never.
 */
export class SimClock implements Clock {
  constructor(
    private readonly proc: SimProcess,
    readonly rate: number,
    readonly offset: number,
    readonly wallSkew: number,
  ) {}

  now(): number {
    return this.offset + this.rate * this.proc.host.now;
  }

  wallNow(): Date {
    return new Date(WALL_EPOCH + this.wallSkew + this.rate * this.proc.host.now);
  }

  /** The first virtual time at which `now()` is at least `local` (may lie in the past). */
  virtualTimeOf(local: number): number {
    let at = (local - this.offset) / this.rate;
    while (this.offset + this.rate * at < local)
      at += Math.max(Math.abs(at) * Number.EPSILON, 1e-12);
    return at;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const host = this.proc.host;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      host.violation(
        'timers',
        `${this.proc.label} called clock.setTimer with a non-finite delay (${ms})`,
      );
      ms = 0;
    }
    const at = Math.max(host.now, this.virtualTimeOf(this.now() + Math.max(0, ms)));
    const proc = this.proc;
    const timer: SimTimer = {
      cancelled: false,
      cancelEvent: () => {
        event.cancelled = true;
      },
    };
    proc.timers.add(timer);
    const event = host.schedule(at, () => {
      proc.timers.delete(timer);
      proc.deliver(() => {
        if (!timer.cancelled) fn();
      });
    });
    return () => {
      if (timer.cancelled) return;
      timer.cancelled = true;
      event.cancelled = true;
      proc.timers.delete(timer);
    };
  }
}
