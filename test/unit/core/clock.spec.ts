import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sleepOnGrid } from '../../../lib/core/clock.js';
import { flush, VirtualClock } from '../../support/virtual-clock.js';

/** `at`: the clock time at which `promise` settled, once it has. */
function settledAt(clock: VirtualClock, promise: Promise<void>): { at: number | undefined } {
  const seen: { at: number | undefined } = { at: undefined };
  void promise.then(() => (seen.at = clock.now()));
  return seen;
}

describe('sleepOnGrid', () => {
  it('wakes on the last multiple of step at or before now + ms (up to one step early)', async () => {
    const clock = new VirtualClock();
    await clock.advance(1_234);
    const woke = settledAt(clock, sleepOnGrid(clock, 2_000, 100));
    // 1234 + 2000 = 3234: the grid point at or before it is 3200, 34 ms early.
    await clock.advance(3_200 - 1_234 - 1);
    assert.equal(woke.at, undefined, 'not before the grid point');
    await clock.advance(1);
    assert.equal(woke.at, 3_200);
  });

  it('never waits longer than ms, and wakes exactly at now + ms when that is on the grid', async () => {
    const clock = new VirtualClock();
    await clock.advance(400);
    const woke = settledAt(clock, sleepOnGrid(clock, 2_000, 100));
    await clock.advance(2_000);
    assert.equal(woke.at, 2_400);
  });

  it('sleepers ending on the same grid point share one timer and wake in one turn', async () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    await clock.advance(1_010);
    void sleepOnGrid(clock, 2_000, 100).then(() => order.push('a'));
    await clock.advance(50);
    void sleepOnGrid(clock, 2_000, 100).then(() => order.push('b'));
    assert.equal(clock.countTimers(), 1, 'both wait for 3000 on one timer');
    void sleepOnGrid(clock, 2_000, 100).then(() => order.push('c'));
    await clock.advance(40);
    void sleepOnGrid(clock, 2_000, 100).then(() => order.push('d (3100)'));
    assert.equal(clock.countTimers(), 2);
    await clock.advance(3_000 - clock.now());
    assert.deepEqual(order, ['a', 'b', 'c']);
    await clock.advance(100);
    assert.deepEqual(order, ['a', 'b', 'c', 'd (3100)']);
    assert.equal(clock.countTimers(), 0);
  });

  it('an aborted sleeper resolves at once; the shared timer stays for the others and goes with the last', async () => {
    const clock = new VirtualClock();
    const first = new AbortController();
    const second = new AbortController();
    const a = settledAt(clock, sleepOnGrid(clock, 2_000, 100, first.signal));
    const b = settledAt(clock, sleepOnGrid(clock, 2_000, 100, second.signal));
    first.abort();
    await flush();
    assert.equal(a.at, 0);
    assert.equal(b.at, undefined);
    assert.equal(clock.countTimers(), 1);
    second.abort();
    await flush();
    assert.equal(b.at, 0);
    assert.equal(clock.countTimers(), 0, 'no timer left behind');
    // A new sleeper on the same point gets a fresh timer.
    const c = settledAt(clock, sleepOnGrid(clock, 2_000, 100));
    await clock.advance(2_000);
    assert.equal(c.at, 2_000);
  });

  it('resolves at once for a signal that is already aborted, without a timer', async () => {
    const clock = new VirtualClock();
    const woke = settledAt(clock, sleepOnGrid(clock, 2_000, 100, AbortSignal.abort()));
    await flush();
    assert.equal(woke.at, 0);
    assert.equal(clock.countTimers(), 0);
  });

  it('keeps separate clocks apart', async () => {
    const one = new VirtualClock();
    const two = new VirtualClock();
    const a = settledAt(one, sleepOnGrid(one, 2_000, 100));
    const b = settledAt(two, sleepOnGrid(two, 2_000, 100));
    await one.advance(2_000);
    assert.equal(a.at, 2_000);
    assert.equal(b.at, undefined, 'the other clock has not moved');
    await two.advance(2_000);
    assert.equal(b.at, 2_000);
  });
});
