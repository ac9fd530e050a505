/*
 * LeaderElectionInFlightTracker on a virtual clock: counting, settling either way, misbehaving
 * thenables, the bounded wait and the exact drain log lines.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderElectionInFlightTracker } from '../../lib/leader-election-in-flight.tracker.js';
import {
  DRAIN_SETTLED,
  DRAIN_TIMED_OUT,
  DRAIN_WAITING,
} from '../../lib/leader-election.messages.js';
import type { LeaderElectionLogger } from '../../lib/core/logger.js';
import { flush, VirtualClock } from '../support/virtual-clock.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function recordingLogger() {
  const lines: [string, string][] = [];
  const logger: LeaderElectionLogger = {
    log: (message) => void lines.push(['log', message]),
    warn: (message) => void lines.push(['warn', message]),
    error: (message) => void lines.push(['error', message]),
    debug: (message) => void lines.push(['debug', message]),
  };
  return { lines, logger };
}

describe('LeaderElectionInFlightTracker', () => {
  it('counts promises until they settle, resolved or rejected', async () => {
    const tracker = new LeaderElectionInFlightTracker(new VirtualClock());
    const ok = deferred();
    const failing = deferred();
    tracker.track(ok.promise);
    tracker.track(failing.promise);
    assert.equal(tracker.count, 2);
    ok.resolve();
    await flush();
    assert.equal(tracker.count, 1);
    failing.reject(new Error('job failed'));
    // The caller still sees the rejection; the tracker's own handler swallows nothing else.
    await assert.rejects(failing.promise, /job failed/);
    await flush();
    assert.equal(tracker.count, 0);
  });

  it('a thenable that calls back twice, or whose then throws, is counted once', async () => {
    const tracker = new LeaderElectionInFlightTracker(new VirtualClock());
    const twice: PromiseLike<unknown> = {
      then(onFulfilled, onRejected) {
        onFulfilled?.(1);
        onRejected?.(new Error('again'));
        onFulfilled?.(2);
        return Promise.resolve() as never;
      },
    };
    tracker.track(twice);
    assert.equal(tracker.count, 0);
    const pending = deferred();
    tracker.track(pending.promise);
    const throwing: PromiseLike<unknown> = {
      then() {
        throw new Error('broken thenable');
      },
    };
    tracker.track(throwing);
    assert.equal(tracker.count, 1, 'only the pending promise is in flight');
    pending.resolve();
    await flush();
    assert.equal(tracker.count, 0);
  });

  it('whenSettled: true at once when idle, true when the last one settles, false at the timeout', async () => {
    const clock = new VirtualClock();
    const tracker = new LeaderElectionInFlightTracker(clock);
    assert.equal(await tracker.whenSettled(100), true);

    const job = deferred();
    tracker.track(job.promise);
    let answer: boolean | undefined;
    void tracker.whenSettled(500).then((value) => (answer = value));
    await clock.advance(200);
    assert.equal(answer, undefined);
    job.resolve();
    await flush();
    assert.equal(answer, true);
    assert.equal(clock.countTimers(), 0, 'the timeout timer is cancelled');

    tracker.track(new Promise(() => undefined));
    let late: boolean | undefined;
    void tracker.whenSettled(500).then((value) => (late = value));
    await clock.advance(499);
    assert.equal(late, undefined);
    await clock.advance(1);
    assert.equal(late, false);
    assert.equal(tracker.count, 1);
  });

  it('drain logs nothing when idle, then "waiting" and "settled after" with the elapsed time', async () => {
    const clock = new VirtualClock();
    const tracker = new LeaderElectionInFlightTracker(clock);
    const { lines, logger } = recordingLogger();
    await tracker.drain('default/jobs', 1000, logger);
    assert.deepEqual(lines, []);

    const first = deferred();
    const second = deferred();
    tracker.track(first.promise);
    tracker.track(second.promise);
    let drained = false;
    void tracker.drain('default/jobs', 1000, logger).then(() => (drained = true));
    await clock.advance(50);
    first.resolve();
    await clock.advance(70);
    assert.equal(drained, false);
    second.resolve();
    await flush();
    assert.equal(drained, true);
    assert.deepEqual(lines, [
      ['log', DRAIN_WAITING(2, 'default/jobs', 1000)],
      ['log', DRAIN_SETTLED(2, 'default/jobs', 120)],
    ]);
    assert.equal(
      lines[0]![1],
      'Waiting for 2 in-flight @OnLeader invocation(s) to settle before releasing lock "default/jobs" (up to 1000 ms).',
    );
    assert.equal(
      lines[1]![1],
      '2 in-flight @OnLeader invocation(s) settled after 120 ms; releasing lock "default/jobs".',
    );
  });

  it('drain gives up after the timeout with a warning naming what still runs', async () => {
    const clock = new VirtualClock();
    const tracker = new LeaderElectionInFlightTracker(clock);
    const { lines, logger } = recordingLogger();
    const done = deferred();
    tracker.track(done.promise);
    tracker.track(new Promise(() => undefined));
    let drained = false;
    void tracker.drain('default/jobs', 300, logger).then(() => (drained = true));
    await clock.advance(100);
    done.resolve();
    await clock.advance(199);
    assert.equal(drained, false);
    await clock.advance(1);
    assert.equal(drained, true);
    assert.deepEqual(lines, [
      ['log', DRAIN_WAITING(2, 'default/jobs', 300)],
      ['warn', DRAIN_TIMED_OUT(1, 'default/jobs', 300)],
    ]);
    assert.match(lines[1]![1], /still running after 300 ms; releasing lock "default\/jobs" anyway/);
  });
});
