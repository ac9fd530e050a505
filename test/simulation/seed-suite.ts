import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRangeFailures, runSeedRange } from './sim-runner.js';

/**
 * Registers node:test cases for seeds `from .. from + count - 1`, `chunk` seeds per case, so a
 * failure names its seeds (with replay commands) while the output stays short.
 */
export function registerSeedRange(from: number, count: number, chunk = 100): void {
  describe(`simulation: random seeds ${from}..${from + count - 1}`, () => {
    for (let start = from; start < from + count; start += chunk) {
      const n = Math.min(chunk, from + count - start);
      it(`seeds ${start}..${start + n - 1} keep every invariant`, async () => {
        const report = await runSeedRange(start, n);
        assert.equal(report.failures.length, 0, formatRangeFailures(report));
      });
    }
  });
}
