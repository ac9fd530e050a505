import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../../lib/core/clock.js';
import { LeaderElectionConfigError } from '../../../lib/core/errors.js';
import {
  JITTER_FACTOR,
  resolveConfig,
  validateDurations,
  type LeaderElectorConfig,
} from '../../../lib/core/leader-elector.config.js';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { MemoryLockStore } from '../../../lib/core/locks/memory-lock.js';
import { silentLogger } from '../../../lib/core/logger.js';
import * as messages from '../../../lib/core/messages.js';
import { noopMetrics } from '../../../lib/core/metrics.js';

const store = new MemoryLockStore();
const lock = store.createLock({ name: 'cfg', identity: 'me' });

function rejects(config: unknown, option: string, message: string): void {
  assert.throws(
    () => new LeaderElector(config as LeaderElectorConfig),
    (err: unknown) => {
      assert.ok(err instanceof LeaderElectionConfigError, `got ${String(err)}`);
      assert.equal(err.option, option);
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe('LeaderElector config validation (client-go NewLeaderElector rules and order)', () => {
  it('1. leaseDuration must be greater than renewDeadline', () => {
    rejects(
      { lock, leaseDuration: 10_000, renewDeadline: 10_000 },
      'leaseDuration',
      messages.leaseDurationNotGreaterThanRenewDeadline(10_000, 10_000),
    );
    assert.equal(
      messages.leaseDurationNotGreaterThanRenewDeadline(10_000, 10_000),
      'leaseDuration (10000 ms) must be greater than renewDeadline (10000 ms)',
    );
  });

  it('2. renewDeadline must be greater than retryPeriod × 1.2', () => {
    rejects(
      { lock, leaseDuration: 15_000, renewDeadline: 2_000, retryPeriod: 2_000 },
      'renewDeadline',
      'renewDeadline (2000 ms) must be greater than retryPeriod × 1.2 (2400 ms)',
    );
    // Equal to retryPeriod × 1.2 is still too small.
    rejects(
      { lock, leaseDuration: 15_000, renewDeadline: 2_400, retryPeriod: 2_000 },
      'renewDeadline',
      messages.renewDeadlineNotGreaterThanJitteredRetryPeriod(2_400, 2_000, JITTER_FACTOR),
    );
    assert.doesNotThrow(
      () =>
        new LeaderElector({
          lock,
          leaseDuration: 15_000,
          renewDeadline: 2_401,
          retryPeriod: 2_000,
        }),
    );
  });

  it('3–5. each duration must be greater than zero', () => {
    rejects(
      { lock, leaseDuration: 10_000, renewDeadline: 5_000, retryPeriod: 0 },
      'retryPeriod',
      'retryPeriod (0 ms) must be greater than zero',
    );
    rejects(
      { lock, leaseDuration: 10_000, renewDeadline: 5_000, retryPeriod: -1 },
      'retryPeriod',
      messages.durationNotPositive('retryPeriod', -1),
    );
    // renewDeadline ≤ 0 with a negative retryPeriod passes rule 2 and hits rule 4.
    rejects(
      { lock, leaseDuration: 10_000, renewDeadline: -1, retryPeriod: -10 },
      'renewDeadline',
      messages.durationNotPositive('renewDeadline', -1),
    );
    rejects(
      { lock, leaseDuration: -1, renewDeadline: -2, retryPeriod: -10 },
      'leaseDuration',
      messages.durationNotPositive('leaseDuration', -1),
    );
  });

  it('an all-zero config reports rule 1 first, as client-go does', () => {
    rejects(
      { lock, leaseDuration: 0, renewDeadline: 0, retryPeriod: 0 },
      'leaseDuration',
      messages.leaseDurationNotGreaterThanRenewDeadline(0, 0),
    );
  });

  it('non-finite or non-number durations are rejected before the relations (NaN compares false)', () => {
    rejects(
      { lock, leaseDuration: Number.NaN },
      'leaseDuration',
      'leaseDuration (NaN) must be a finite number of milliseconds, e.g. 15000',
    );
    rejects(
      { lock, renewDeadline: Number.POSITIVE_INFINITY },
      'renewDeadline',
      messages.durationNotFinite('renewDeadline', Number.POSITIVE_INFINITY),
    );
    rejects(
      { lock, retryPeriod: '2s' },
      'retryPeriod',
      messages.durationNotFinite('retryPeriod', '2s'),
    );
    assert.match(messages.durationNotFinite('retryPeriod', '2s'), /retryPeriod \("2s"\)/);
  });

  it('leaseDuration below one second is rejected (the record stores whole seconds; 0 s is a 422)', () => {
    rejects(
      { lock, leaseDuration: 900, renewDeadline: 800, retryPeriod: 100 },
      'leaseDuration',
      messages.leaseDurationBelowOneSecond(900),
    );
    assert.match(messages.leaseDurationBelowOneSecond(900), /900 ms.*whole seconds.*422/);
  });

  it('requestTimeout must be a positive finite number', () => {
    rejects({ lock, requestTimeout: 0 }, 'requestTimeout', messages.requestTimeoutInvalid(0));
    rejects(
      { lock, requestTimeout: Number.NaN },
      'requestTimeout',
      messages.requestTimeoutInvalid(Number.NaN),
    );
  });

  it('booleans and callbacks are type-checked', () => {
    rejects({ lock, watch: 'yes' }, 'watch', messages.optionNotBoolean('watch', 'yes'));
    rejects(
      { lock, callbacks: { onStartedLeading: 'run' } },
      'callbacks.onStartedLeading',
      messages.optionNotFunction('callbacks.onStartedLeading', 'run'),
    );
    for (const callbacks of ['x', 42, null]) {
      rejects({ lock, callbacks }, 'callbacks', messages.callbacksNotObject(callbacks));
    }
    rejects(
      { lock, beforeRelease: 5 },
      'beforeRelease',
      messages.optionNotFunction('beforeRelease', 5),
    );
  });

  it('injected clock, logger and metrics must have the methods the elector calls', () => {
    rejects(
      { lock, clock: { now: () => 0 } },
      'clock',
      messages.optionLacksMethods('clock', ['wallNow', 'setTimer']),
    );
    rejects(
      { lock, logger: {} },
      'logger',
      messages.optionLacksMethods('logger', ['log', 'warn', 'error']),
    );
    rejects(
      { lock, metrics: { on: () => undefined } },
      'metrics',
      messages.optionLacksMethods('metrics', ['off', 'slowpathExercised']),
    );
    assert.doesNotThrow(() => new LeaderElector({ lock, logger: console }));
  });

  it('a missing lock and an empty identity are rejected after the durations', () => {
    rejects({}, 'lock', messages.lockMissing());
    rejects(
      { leaseDuration: 1 },
      'leaseDuration',
      messages.leaseDurationNotGreaterThanRenewDeadline(1, 10_000),
    );
    rejects(
      { lock: store.createLock({ name: 'cfg', identity: 'x' }), leaseDuration: 1 },
      'leaseDuration',
      messages.leaseDurationNotGreaterThanRenewDeadline(1, 10_000),
    );
    const anonymous = { ...lock, identity: () => '', describe: () => 'ns/x' };
    rejects(
      { lock: Object.assign(Object.create(Object.getPrototypeOf(lock)), lock, anonymous) },
      'identity',
      'Lock identity is empty: set a non-empty identity',
    );
    rejects(
      { lock: { identity: () => 'a' } },
      'lock',
      messages.lockNotResourceLock(['get', 'create', 'update', 'recordEvent', 'describe']),
    );
  });

  it('an empty name is rejected; no name means lock.describe()', () => {
    rejects({ lock, name: '' }, 'name', messages.electionNameInvalid(''));
    assert.equal(new LeaderElector({ lock }).name, 'default/cfg');
    assert.equal(new LeaderElector({ lock, name: 'jobs' }).name, 'jobs');
  });
});

describe('defaults', () => {
  it('15 s / 10 s / 2 s, requestTimeout max(1 s, renewDeadline / 2), release and watch on', () => {
    const resolved = resolveConfig({ lock });
    assert.equal(resolved.leaseDuration, 15_000);
    assert.equal(resolved.renewDeadline, 10_000);
    assert.equal(resolved.retryPeriod, 2_000);
    assert.equal(resolved.requestTimeout, 5_000);
    assert.equal(resolved.releaseOnCancel, true);
    assert.equal(resolved.watch, true);
    assert.equal(resolved.clock, systemClock);
    assert.equal(resolved.logger, silentLogger);
    assert.equal(resolved.metrics, noopMetrics);
    assert.equal(resolved.identity, 'me');
  });

  it('requestTimeout has a 1 s floor', () => {
    assert.equal(
      validateDurations({ leaseDuration: 1_500, renewDeadline: 1_000, retryPeriod: 300 })
        .requestTimeout,
      1_000,
    );
    assert.equal(validateDurations({ requestTimeout: 250 }).requestTimeout, 250);
  });

  it('the gauge starts at 0 (client-go calls leaderOff in NewLeaderElector)', () => {
    const calls: string[] = [];
    const elector = new LeaderElector({
      lock,
      metrics: {
        on: () => calls.push('on'),
        off: () => calls.push('off'),
        slowpathExercised: () => undefined,
      },
    });
    assert.deepEqual(calls, ['off']);
    assert.equal(elector.isLeader(), false);
  });
});
