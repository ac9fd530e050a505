/**
 * Time as the elector sees it. Everything that waits or reads the time goes through a `Clock`,
 * so a simulation can drive the whole election loop in virtual time (and skew its rate).
 *
 * `now()` is monotonic and is the only time used for decisions (expiry, renew deadlines,
 * `isLeader()`); `wallNow()` is only written into lock records (acquireTime / renewTime), never
 * compared, because other machines' wall clocks are not trusted (client-go's skew model).
 */
export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  now(): number;
  /** Wall-clock time, written into records and events only. */
  wallNow(): Date;
  /**
   * Runs `fn` after `ms` milliseconds of this clock's time. Returns a function that cancels it
   * (safe to call more than once, or after the timer fired).
   */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The process clock: `performance.now()` for decisions, `Date` for records. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => new Date(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(handle);
  },
};

/**
 * Resolves after `ms` of `clock` time, or as soon as `signal` aborts (then it resolves too:
 * callers check `signal.aborted`, so a stop never surfaces as an unhandled rejection).
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
