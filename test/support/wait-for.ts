/** Real-time waiting for tests that talk to real servers (virtual-time tests use virtual-clock.ts). */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `predicate` every 10 ms until it holds and resolves with the time it took; fails naming
 * `what` after `timeoutMs`.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await predicate()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(10);
  }
}
