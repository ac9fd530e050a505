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

/** Per clock, the grid points being waited for and who waits there. */
const gridWaits = new WeakMap<Clock, Map<number, GridWait>>();

interface GridWait {
  waiters: Set<() => void>;
  /** Removes `wake`; the last one to leave cancels the shared timer. */
  leave(wake: () => void): void;
}

/**
 * Like `sleep(clock, ms, signal)`, but resolves on the last multiple of `step` of clock time at
 * or before `now + ms`, i.e. up to `step` early (`0 < step <= ms`). All sleepers on one clock
 * that end on the same grid point share one timer and wake in the same turn.
 */
export function sleepOnGrid(
  clock: Clock,
  ms: number,
  step: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const now = clock.now();
    const at = Math.floor((now + ms) / step) * step;
    const wait = gridWait(clock, at, at - now);
    const wake = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      wait.leave(wake);
      resolve();
    };
    wait.waiters.add(wake);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wait for grid point `at` of `clock`; its first sleeper sets the timer, due in `ms`. */
function gridWait(clock: Clock, at: number, ms: number): GridWait {
  let points = gridWaits.get(clock);
  if (!points) gridWaits.set(clock, (points = new Map()));
  const existing = points.get(at);
  if (existing) return existing;
  const byPoint = points;
  const waiters = new Set<() => void>();
  const cancel = clock.setTimer(() => {
    byPoint.delete(at);
    for (const wake of waiters) wake();
  }, ms);
  const wait: GridWait = {
    waiters,
    leave(wake) {
      waiters.delete(wake);
      if (waiters.size === 0 && byPoint.get(at) === wait) {
        cancel();
        byPoint.delete(at);
      }
    },
  };
  byPoint.set(at, wait);
  return wait;
}
