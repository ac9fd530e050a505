import { waitTimedOut } from './bench.messages.js';

/** Small waiting helpers; every wait in the bench is bounded. */

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Polls `condition` every `intervalMs` until it holds; rejects after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 10,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(waitTimedOut(what, timeoutMs));
    await delay(intervalMs);
  }
}

export async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(waitTimedOut(what, timeoutMs))), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `spec.holderIdentity` of a Lease object as the server stored it ('' when absent). */
export function leaseHolder(object: Record<string, unknown> | undefined): string {
  const spec = object?.spec as { holderIdentity?: unknown } | undefined;
  return typeof spec?.holderIdentity === 'string' ? spec.holderIdentity : '';
}

/** Waits for `promise` at most `ms`; true if it settled in time. Never leaves a timer behind. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
