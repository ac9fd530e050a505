import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../../../lib/core/clock.js';
import { LeaderElectionConfigError } from '../../../lib/core/errors.js';
import type { LeaderElectorConfig } from '../../../lib/core/leader-elector.config.js';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { MemoryLockStore, type MemoryLock } from '../../../lib/core/locks/memory-lock.js';
import type { ResourceLock } from '../../../lib/core/locks/resource-lock.interface.js';
import * as messages from '../../../lib/core/messages.js';
import { CapturingLogger, RecordingMetrics } from '../../support/recorders.js';
import { flush, VirtualClock } from '../../support/virtual-clock.js';

/** A lock that notes its writes and events in a shared order log. */
function traced(inner: MemoryLock, order: string[]): ResourceLock {
  return {
    get: (options) => inner.get(options),
    create: (record, options) => {
      order.push(`create:${record.holderIdentity}`);
      return inner.create(record, options);
    },
    update: (record, options) => {
      order.push(`update:${record.holderIdentity}`);
      return inner.update(record, options);
    },
    recordEvent: (message) => {
      order.push(`event:${message}`);
      inner.recordEvent(message);
    },
    identity: () => inner.identity(),
    describe: () => inner.describe(),
    watch: (handlers) => inner.watch!(handlers),
  };
}

function single(config: Partial<LeaderElectorConfig> = {}, identity = 'me') {
  const clock = new VirtualClock();
  const store = new MemoryLockStore({ clock });
  const lock = store.createLock({ name: 'lease', identity });
  const logger = new CapturingLogger();
  const metrics = new RecordingMetrics();
  const elector = new LeaderElector({
    lock,
    clock,
    logger,
    metrics,
    random: () => 0.5,
    ...config,
  });
  return { clock, store, lock, logger, metrics, elector };
}

/** Drives virtual time while `promise` settles (stop() may wait on timers). */
async function settle<T>(clock: VirtualClock, promise: Promise<T>, limit = 60_000): Promise<T> {
  const state = { done: false };
  void promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  for (let t = 0; t < limit && !state.done; t += 10) await clock.advance(10);
  return promise;
}

describe('LeaderElector lifecycle', () => {
  it('status: idle → running → stopping → stopped; start() is idempotent; restart works', async () => {
    const { clock, store, elector } = single();
    assert.equal(elector.status(), 'idle');
    elector.start();
    elector.start();
    assert.equal(elector.status(), 'running');
    await clock.advance(1);
    assert.equal(elector.isLeader(), true);
    assert.equal(store.count({ verb: 'get' }), 1, 'one loop: one GET');
    assert.equal(store.count({ verb: 'create' }), 1);
    const stopping = elector.stop();
    assert.equal(elector.status(), 'stopping');
    assert.equal(elector.isLeader(), false, 'false as soon as stop() is called');
    assert.equal(elector.stop(), stopping, 'a second stop() joins the first');
    await settle(clock, stopping);
    assert.equal(elector.status(), 'stopped');
    assert.equal(clock.countTimers(), 0);
    assert.equal(store.watchCount(), 0);
    await elector.stop();
    elector.start();
    await clock.advance(1);
    assert.equal(elector.isLeader(), true, 'a stopped elector can start again');
    await settle(clock, elector.stop());
    assert.equal(clock.countTimers(), 0);
  });

  it('stop() before start() resolves and leaves the elector stopped', async () => {
    const { elector, clock } = single();
    await elector.stop();
    assert.equal(elector.status(), 'stopped');
    assert.equal(clock.countTimers(), 0);
  });

  it('releases on stop by default; releaseOnCancel: false keeps the lease; stop({ release }) overrides', async () => {
    for (const [config, option, expected] of [
      [{}, undefined, ''],
      [{ releaseOnCancel: false }, undefined, 'me'],
      [{ releaseOnCancel: false }, true, ''],
      [{}, false, 'me'],
    ] as const) {
      const { clock, store, elector } = single(config);
      elector.start();
      await clock.advance(1);
      await settle(clock, elector.stop(option === undefined ? {} : { release: option }));
      assert.equal(
        store.read('lease')?.holderIdentity,
        expected,
        JSON.stringify({ config, option }),
      );
      if (expected === '') {
        const record = store.read('lease');
        assert.equal(record?.leaseDurationSeconds, 1);
        assert.equal(record?.leaderTransitions, 0);
      }
    }
  });

  it('a takeover write cut off by stop() is checked and released (it may have been applied)', async () => {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock, latency: 100, responseLatency: 100 });
    const elector = new LeaderElector({
      lock: store.createLock({ name: 'lease', identity: 'me' }),
      clock,
    });
    elector.start();
    // GET 404 answers at 200; the create is applied at 300 and would answer at 400.
    await clock.advance(350);
    assert.equal(store.read('lease')?.holderIdentity, 'me', 'applied on the server');
    assert.equal(elector.isLeader(), false, 'but no answer yet');
    await settle(clock, elector.stop());
    assert.equal(store.read('lease')?.holderIdentity, '', 'released after a fresh read');
    assert.equal(clock.countTimers(), 0);
  });

  it('rounds leaseDuration up to whole seconds in the record', async () => {
    const { clock, store, elector } = single({
      leaseDuration: 1_500,
      renewDeadline: 1_000,
      retryPeriod: 300,
    });
    elector.start();
    await clock.advance(1);
    assert.equal(store.read('lease')?.leaseDurationSeconds, 2);
    await settle(clock, elector.stop());
  });
});

describe('callbacks', () => {
  it('run in client-go order: newLeader → event → gauge on → onStartedLeading; stop: abort → off → beforeRelease → release → event → onStoppedLeading', async () => {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock });
    const order: string[] = [];
    const lock = traced(store.createLock({ name: 'lease', identity: 'me' }), order);
    const elector: LeaderElector = new LeaderElector({
      lock,
      clock,
      metrics: {
        on: () => order.push('metrics:on'),
        off: () => order.push('metrics:off'),
        slowpathExercised: () => undefined,
      },
      beforeRelease: async () => {
        order.push(`beforeRelease(holder=${store.read('lease')?.holderIdentity})`);
      },
      callbacks: {
        onStartedLeading: ({ signal, identity, fencingToken }) => {
          order.push(`started(${identity},${fencingToken},leader=${elector.isLeader()})`);
          signal.addEventListener('abort', () => {
            order.push(`abort(leader=${elector.isLeader()})`);
          });
        },
        onStoppedLeading: () => {
          order.push(`stopped(holder=${JSON.stringify(store.read('lease')?.holderIdentity)})`);
        },
        onNewLeader: (identity) => void order.push(`newLeader(${identity})`),
      },
    });
    elector.start();
    await clock.advance(2_500);
    await settle(clock, elector.stop());
    assert.deepEqual(order, [
      'metrics:off',
      'create:me',
      // client-go: maybeReportTransition runs right after the attempt, before "became leader".
      'newLeader(me)',
      'event:became leader',
      'metrics:on',
      'started(me,0,leader=true)',
      'update:me',
      'abort(leader=false)',
      'metrics:off',
      'beforeRelease(holder=me)',
      'update:',
      'event:stopped leading',
      'stopped(holder="")',
    ]);
  });

  it('onStoppedLeading runs once per term, and never for a replica that did not lead', async () => {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock });
    const stopped: string[] = [];
    const started: string[] = [];
    const make = (id: string) =>
      new LeaderElector({
        lock: store.createLock({ name: 'lease', identity: id }),
        clock,
        random: () => 0.5,
        callbacks: {
          onStartedLeading: () => void started.push(id),
          onStoppedLeading: () => void stopped.push(id),
        },
      });
    const a = make('a');
    const b = make('b');
    a.start();
    await clock.advance(1);
    b.start();
    await clock.advance(1);
    // Someone else takes the lease; a loses, then regains it after the intruder's lease expires.
    const record = store.read('lease');
    assert.ok(record);
    store.write('lease', { ...record, holderIdentity: 'x', leaderTransitions: 1 });
    await clock.advance(16_000);
    await settle(clock, Promise.all([a.stop(), b.stop()]));
    assert.equal(started.length, 2, `terms: ${started.join(',')}`);
    assert.deepEqual(started[0], 'a');
    assert.deepEqual(
      [...stopped].sort(),
      [...started].sort(),
      'one onStoppedLeading per term, for the replica that led',
    );
    assert.equal(clock.countTimers(), 0);
  });

  it('callback errors and rejections are caught and logged; the elector goes on', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { clock, store, elector, logger } = single({
        callbacks: {
          onStartedLeading: () => {
            throw new Error('start boom');
          },
          onStoppedLeading: async () => {
            throw new Error('stop boom');
          },
          onNewLeader: () => Promise.reject(new Error('new leader boom')),
        },
        beforeRelease: () => Promise.reject(new Error('drain boom')),
      });
      elector.start();
      await clock.advance(10_000);
      assert.equal(elector.isLeader(), true, 'still leading after a throwing onStartedLeading');
      assert.ok(store.count({ verb: 'update' }) >= 4, 'still renewing');
      await settle(clock, elector.stop());
      await flush();
      assert.equal(
        store.read('lease')?.holderIdentity,
        '',
        'released despite beforeRelease failing',
      );
      const errors = logger.at('error').join('\n');
      for (const [callback, text] of [
        ['onStartedLeading', 'start boom'],
        ['onStoppedLeading', 'stop boom'],
        ['onNewLeader', 'new leader boom'],
        ['beforeRelease', 'drain boom'],
      ]) {
        assert.ok(
          errors.includes(
            messages.logCallbackFailed(callback as string, 'default/lease', new Error(text)),
          ),
          callback,
        );
      }
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a beforeRelease that never settles is cut at renewDeadline; the release still happens', async () => {
    const { clock, store, elector, logger } = single({
      beforeRelease: () => new Promise<void>(() => undefined),
    });
    elector.start();
    await clock.advance(1);
    const stopAt = clock.now();
    await settle(clock, elector.stop());
    assert.ok(clock.now() - stopAt >= 10_000 && clock.now() - stopAt <= 10_020);
    assert.equal(store.read('lease')?.holderIdentity, '');
    assert.ok(logger.at('warn').some((l) => l.includes('beforeRelease did not settle')));
    assert.equal(clock.countTimers(), 0);
  });

  it('onNewLeader reports each observed holder change once (ourselves included), not every renewal', async () => {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock });
    const seen: Record<string, string[]> = { a: [], b: [] };
    const make = (id: string) =>
      new LeaderElector({
        lock: store.createLock({ name: 'lease', identity: id }),
        clock,
        random: () => 0.5,
        callbacks: { onNewLeader: (identity) => void seen[id]?.push(identity) },
      });
    const a = make('a');
    const b = make('b');
    a.start();
    await clock.advance(1);
    b.start();
    await clock.advance(20_000);
    assert.deepEqual(seen, { a: ['a'], b: ['a'] });
    const stopping = a.stop();
    await clock.advance(5);
    await settle(clock, stopping);
    assert.deepEqual(seen.b, ['a', '', 'b'], 'the release, then the new holder');
    await settle(clock, b.stop());
  });
});

describe('leadership state', () => {
  it('isLeader() is judged at call time: a paused process stops leading without any timer firing', async () => {
    const base = new VirtualClock();
    const pause = { ms: 0 };
    const clock: Clock = {
      now: () => base.now() + pause.ms,
      wallNow: () => base.wallNow(),
      setTimer: (fn, ms) => base.setTimer(fn, ms),
    };
    const store = new MemoryLockStore({ clock: base });
    const stopped: number[] = [];
    const elector = new LeaderElector({
      lock: store.createLock({ name: 'lease', identity: 'me' }),
      clock,
      callbacks: { onStoppedLeading: () => void stopped.push(clock.now()) },
    });
    elector.start();
    await base.advance(2_500);
    store.fault({ kind: 'hang' });
    const last = elector.lastRenewAt();
    assert.equal(last, 2_000);
    const signal = elector.leadershipSignal();
    pause.ms = last + 9_999 - base.now();
    assert.equal(elector.isLeader(), true);
    assert.equal(elector.fencingToken(), 0);
    pause.ms += 1;
    assert.equal(elector.isLeader(), false, 'no timer fired, yet leadership ended on time');
    assert.equal(elector.fencingToken(), undefined);
    assert.equal(signal.aborted, true, 'the term signal aborted with it');
    assert.match(String((signal.reason as Error).message), /renewDeadline \(10000 ms\)/);
    await flush();
    assert.equal(stopped.length, 1);
    store.clearFaults();
    pause.ms = 0;
    await settle(base, elector.stop({ release: false }));
    assert.equal(stopped.length, 1, 'once per term');
  });

  it('leadershipSignal(): aborted for a follower; the term signal aborts on stop with a reason', async () => {
    const { clock, elector } = single();
    assert.equal(elector.leadershipSignal().aborted, true);
    elector.start();
    await clock.advance(1);
    const signal = elector.leadershipSignal();
    assert.equal(signal.aborted, false);
    const stopping = elector.stop();
    assert.equal(signal.aborted, true);
    assert.match((signal.reason as Error).message, /elector was stopped/);
    await settle(clock, stopping);
    assert.equal(elector.leadershipSignal().aborted, true);
  });

  it('whenLeader(): resolves on leadership, at once when leading, rejects on abort', async () => {
    const { clock, elector } = single();
    const aborted = new AbortController();
    aborted.abort(new Error('never mind'));
    await assert.rejects(elector.whenLeader(aborted.signal), /never mind/);
    const later = new AbortController();
    const cancelled = elector.whenLeader(later.signal);
    later.abort(new Error('gave up'));
    await assert.rejects(cancelled, /gave up/);
    let resolved = false;
    const waiting = elector.whenLeader().then(() => {
      resolved = true;
    });
    await flush();
    assert.equal(resolved, false);
    elector.start();
    await clock.advance(1);
    await waiting;
    assert.equal(resolved, true);
    await elector.whenLeader();
    await settle(clock, elector.stop());
  });

  it('getLeader()/getRecord() show the last observed record; lastRenewAt() the last success start', async () => {
    const { clock, elector } = single();
    assert.equal(elector.getLeader(), undefined);
    assert.equal(elector.getRecord(), undefined);
    elector.start();
    await clock.advance(4_100);
    assert.equal(elector.getLeader(), 'me');
    const record = elector.getRecord();
    assert.equal(record?.holderIdentity, 'me');
    assert.equal(record?.leaseDurationSeconds, 15);
    assert.equal(elector.lastRenewAt(), 4_000);
    record!.holderIdentity = 'tampered';
    assert.equal(elector.getLeader(), 'me', 'getRecord() returns a copy');
    await settle(clock, elector.stop());
    assert.equal(elector.getLeader(), undefined, 'released: no holder');
  });

  it('lastError(): set while the API fails, cleared by the next success; the replica keeps trying', async () => {
    const { clock, store, elector } = single();
    const fault = store.fault({ kind: 'error', reason: 'Unavailable', message: 'API unreachable' });
    elector.start();
    await clock.advance(10_000);
    assert.equal(elector.isLeader(), false);
    assert.equal(elector.status(), 'running');
    assert.match(elector.lastError()?.message ?? '', /API unreachable/);
    assert.ok(store.count({ verb: 'get' }) >= 3, 'polled on');
    fault.clear();
    await clock.advance(3_300);
    assert.equal(elector.isLeader(), true);
    assert.equal(elector.lastError(), undefined);
    await settle(clock, elector.stop());
  });
});

describe('check() (client-go watchdog)', () => {
  it('undefined while renewing or following; an error once the held lease is overdue by the tolerance', async () => {
    const { clock, store, elector } = single({ name: 'jobs' });
    assert.equal(elector.check(20_000), undefined, 'idle');
    elector.start();
    await clock.advance(30_000);
    assert.equal(elector.check(20_000), undefined, 'renewing');
    store.fault({ kind: 'hang' });
    const lastWrite = store.writes().at(-1)?.at ?? Number.NaN;
    await clock.advance(lastWrite + 35_000 - clock.now());
    assert.equal(elector.isLeader(), false);
    assert.equal(elector.check(20_000), undefined, 'exactly leaseDuration + tolerance: not yet');
    await clock.advance(1);
    const err = elector.check(20_000);
    assert.ok(err instanceof Error);
    assert.equal(err.message, 'failed election to renew leadership on lease jobs');
    assert.equal(err.message, messages.failedToRenewLeadership('jobs'));
    store.clearFaults();
    await settle(clock, elector.stop({ release: false }));
    assert.equal(elector.check(20_000), undefined, 'stopped on purpose');
  });

  it('undefined for a follower whose leader is overdue (not our lease)', async () => {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock });
    store.write('lease', {
      holderIdentity: 'other',
      leaseDurationSeconds: 15,
      acquireTime: clock.wallNow(),
      renewTime: clock.wallNow(),
      leaderTransitions: 0,
    });
    const elector = new LeaderElector({
      lock: store.createLock({ name: 'lease', identity: 'me' }),
      clock,
    });
    elector.start();
    await clock.advance(10_000);
    assert.equal(elector.getLeader(), 'other');
    assert.equal(elector.check(0), undefined);
    await settle(clock, elector.stop());
  });

  it('rejects a negative or non-finite tolerance', () => {
    const { elector } = single();
    for (const value of [-1, Number.NaN]) {
      assert.throws(
        () => elector.check(value),
        (err: unknown) =>
          err instanceof LeaderElectionConfigError &&
          err.message === messages.toleranceInvalid(value),
      );
    }
  });

  it('reports a loop that died without stop()', async () => {
    const { clock, elector } = single({ name: 'jobs' });
    elector.start();
    await clock.advance(1);
    (elector as unknown as { die(err: unknown): void }).die(new Error('boom'));
    assert.equal(elector.status(), 'stopped');
    assert.equal(elector.isLeader(), false);
    const err = elector.check(20_000);
    assert.equal(err?.message, messages.electionLoopDied('jobs', new Error('boom')));
    await settle(clock, elector.stop());
    assert.equal(elector.check(20_000), undefined, 'acknowledged by stop()');
  });
});

describe('renew timing', () => {
  /** Electors on one clock and store; each notes the clock time of its renew writes. */
  function electorsAt(starts: readonly number[], latency = 0) {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock, latency });
    const writes = starts.map(() => [] as number[]);
    const electors = starts.map((_, i) => {
      const inner = store.createLock({ name: `lease-${i}`, identity: 'me' });
      const lock: ResourceLock = {
        ...traced(inner, []),
        update: (record, options) => {
          writes[i]!.push(clock.now());
          return inner.update(record, options);
        },
      };
      return new LeaderElector({ lock, clock, random: () => 0.5 });
    });
    return { clock, writes, electors };
  }

  it('a leader renews on the retryPeriod / 20 grid: at most one step early, then once per retryPeriod', async () => {
    const { clock, writes, electors } = electorsAt([1_234]);
    await clock.advance(1_234);
    electors[0]!.start();
    await clock.advance(9_000);
    // client-go would renew at 3234, 5234, …; the first wait ends on the grid point 3200.
    assert.deepEqual(writes[0], [3_200, 5_200, 7_200, 9_200]);
    await settle(clock, electors[0]!.stop());
  });

  it('leaders that started apart renew at the same instant', async () => {
    const starts = [1_210, 1_260, 1_299];
    const { clock, writes, electors } = electorsAt(starts);
    for (const [i, at] of starts.entries()) {
      await clock.advance(at - clock.now());
      electors[i]!.start();
    }
    await clock.advance(5_000);
    assert.deepEqual(writes, [
      [3_200, 5_200],
      [3_200, 5_200],
      [3_200, 5_200],
    ]);
    await Promise.all(electors.map((e) => settle(clock, e.stop())));
  });

  it('a renewal whose fast path fails renews through the slow path in the same round, and leaves no timer', async () => {
    const { clock, store, elector } = single({ watch: false });
    elector.start();
    await clock.advance(2_500);
    store.fault({ kind: 'error', reason: 'Conflict' }, { match: { verb: 'update' }, times: 1 });
    const since = store.requests().length;
    await clock.advance(2_000);
    const verbs = store
      .requests()
      .slice(since)
      .map((r) => `${r.verb}@${r.at}`);
    assert.deepEqual(verbs, ['update@4000', 'get@4000', 'update@4000']);
    assert.equal(elector.isLeader(), true);
    assert.equal(elector.lastRenewAt(), 4_000);
    await settle(clock, elector.stop({ release: false }));
    assert.equal(clock.countTimers(), 0);
  });

  it('with latency over a step, the wait after a round is still at least retryPeriod − step', async () => {
    const { clock, writes, electors } = electorsAt([0], 250);
    electors[0]!.start();
    await clock.advance(12_000);
    const starts = writes[0]!;
    assert.ok(starts.length >= 4, `renewed ${starts.length} times`);
    for (let i = 1; i < starts.length; i++) {
      // Each round ends 250 ms after it starts; client-go would wait 2000 ms from there.
      const waited = starts[i]! - (starts[i - 1]! + 250);
      assert.ok(waited > 1_900 && waited <= 2_000, `waited ${waited} ms after round ${i}`);
    }
    await settle(clock, electors[0]!.stop());
  });
});
