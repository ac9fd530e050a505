import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaderElectionRecord } from '../../../lib/core/leader-election-record.js';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { CapturingLogger, RecordingMetrics } from '../../support/recorders.js';
import { rawOf, rec, ScriptedLock, type Reaction } from '../../support/scripted-lock.js';
import { VirtualClock } from '../../support/virtual-clock.js';

/** White-box view of the elector, as client-go's in-package TestTryAcquireOrRenew has. */
interface Internals {
  observedRecord: LeaderElectionRecord | undefined;
  observedRawRecord: string | undefined;
  observedTime: number;
  tryAcquireOrRenew(
    signal: AbortSignal,
    useObserved: boolean,
  ): Promise<{ ok: boolean; reason?: string; requestStart?: number }>;
  release(): Promise<boolean>;
}

const NOW = 100_000;

function setup(observed?: { record: LeaderElectionRecord; raw?: string; ageMs: number }) {
  const clock = new VirtualClock();
  clock.timers.tick(NOW);
  const lock = new ScriptedLock('me');
  const metrics = new RecordingMetrics();
  const logger = new CapturingLogger();
  const elector = new LeaderElector({
    lock,
    leaseDuration: 15_000,
    renewDeadline: 10_000,
    retryPeriod: 2_000,
    clock,
    metrics,
    logger,
  });
  const internals = elector as unknown as Internals;
  if (observed) {
    internals.observedRecord = structuredClone(observed.record);
    internals.observedRawRecord = observed.raw ?? rawOf(observed.record);
    internals.observedTime = NOW - observed.ageMs;
  }
  return { clock, lock, metrics, logger, elector, internals };
}

interface Case {
  name: string;
  observed?: { record: LeaderElectionRecord; raw?: string; ageMs: number };
  reactions: Reaction[];
  expectOk: boolean;
  expectReason?: string;
  /** The verbs called, in order. */
  calls: string[];
  /** Checks on the last record written (create/update). */
  written?: (record: LeaderElectionRecord) => void;
  slowpath?: number;
  conflict?: number;
  errorLogs?: number;
  /** Expected observed holder afterwards. */
  holderAfter?: string;
}

const wall = (clock: VirtualClock) => clock.wallNow().getTime();
const mine = rec({ holderIdentity: 'me', leaderTransitions: 4 });

const cases: Case[] = [
  {
    name: 'creates the lock on 404',
    reactions: [{ verb: 'get', error: 'NotFound' }, { verb: 'create' }],
    expectOk: true,
    calls: ['get', 'create'],
    written: (r) => {
      assert.equal(r.holderIdentity, 'me');
      assert.equal(r.leaseDurationSeconds, 15);
      assert.equal(r.leaderTransitions, 0);
    },
    holderAfter: 'me',
  },
  {
    name: 'takes over a lease that expired on the local clock (transitions + 1, acquireTime now)',
    observed: { record: rec({ holderIdentity: 'other', leaderTransitions: 2 }), ageMs: 10_001 },
    reactions: [
      { verb: 'get', record: rec({ holderIdentity: 'other', leaderTransitions: 2 }) },
      { verb: 'update' },
    ],
    expectOk: true,
    calls: ['get', 'update'],
    written: (r) => {
      assert.equal(r.holderIdentity, 'me');
      assert.equal(r.leaderTransitions, 3);
      assert.equal(r.acquireTime?.getTime(), r.renewTime?.getTime());
    },
    slowpath: 0,
    holderAfter: 'me',
  },
  {
    name: 'does not take over a valid foreign lease (raw changed → observedTime = now)',
    observed: { record: rec({ renewTime: new Date('2029-01-01T00:00:00Z') }), ageMs: 60_000 },
    reactions: [{ verb: 'get', record: rec() }],
    expectOk: false,
    expectReason: 'held',
    calls: ['get'],
    holderAfter: 'other',
  },
  {
    name: 'does not take over an unchanged lease before leaseDurationSeconds passed',
    observed: { record: rec(), ageMs: 9_999 },
    reactions: [{ verb: 'get', record: rec() }],
    expectOk: false,
    expectReason: 'held',
    calls: ['get'],
  },
  {
    name: 'judges expiry by the record duration, not by renewTime (an ancient renewTime is still valid when just seen)',
    reactions: [{ verb: 'get', record: rec({ renewTime: new Date('2001-01-01T00:00:00Z') }) }],
    expectOk: false,
    expectReason: 'held',
    calls: ['get'],
  },
  {
    name: 'takes an empty holder at once',
    reactions: [
      {
        verb: 'get',
        record: rec({ holderIdentity: '', leaseDurationSeconds: 1, leaderTransitions: 7 }),
      },
      { verb: 'update' },
    ],
    expectOk: true,
    calls: ['get', 'update'],
    written: (r) => {
      assert.equal(r.holderIdentity, 'me');
      assert.equal(r.leaderTransitions, 8);
    },
  },
  {
    name: 'fast path: the leader renews from its cached object without a GET, keeping acquireTime and transitions',
    observed: { record: mine, ageMs: 2_000 },
    reactions: [{ verb: 'update' }],
    expectOk: true,
    calls: ['update'],
    written: (r) => {
      assert.equal(r.holderIdentity, 'me');
      assert.equal(r.leaderTransitions, 4);
      assert.equal(r.acquireTime?.getTime(), mine.acquireTime?.getTime());
    },
    slowpath: 0,
  },
  {
    name: 'slow path renew (lease lapsed locally) keeps acquireTime and transitions and counts slowpath',
    observed: { record: mine, ageMs: 10_001 },
    reactions: [{ verb: 'get', record: mine }, { verb: 'update' }],
    expectOk: true,
    calls: ['get', 'update'],
    written: (r) => {
      assert.equal(r.leaderTransitions, 4);
      assert.equal(r.acquireTime?.getTime(), mine.acquireTime?.getTime());
    },
    slowpath: 1,
  },
  {
    name: 'fast path 409 (our own lost write) → GET shows us → renew; conflict counted, no error log',
    observed: { record: mine, ageMs: 2_000 },
    reactions: [
      { verb: 'update', error: 'Conflict' },
      { verb: 'get', record: { ...mine, renewTime: new Date('2030-01-01T00:00:07Z') } },
      { verb: 'update' },
    ],
    expectOk: true,
    calls: ['update', 'get', 'update'],
    written: (r) => assert.equal(r.leaderTransitions, 4),
    slowpath: 1,
    conflict: 1,
    errorLogs: 0,
  },
  {
    name: 'fast path 409 and a foreign holder → lease held, no second update',
    observed: { record: mine, ageMs: 2_000 },
    reactions: [
      { verb: 'update', error: 'Conflict' },
      { verb: 'get', record: rec({ holderIdentity: 'other', leaderTransitions: 5 }) },
    ],
    expectOk: false,
    expectReason: 'held',
    calls: ['update', 'get'],
    holderAfter: 'other',
  },
  {
    name: 'GET failure (API unreachable) → false, no create, error logged',
    reactions: [{ verb: 'get', error: 'Unavailable' }],
    expectOk: false,
    expectReason: 'error',
    calls: ['get'],
    errorLogs: 1,
  },
  {
    name: 'create failure → false',
    reactions: [
      { verb: 'get', error: 'NotFound' },
      { verb: 'create', error: 'Forbidden' },
    ],
    expectOk: false,
    expectReason: 'error',
    calls: ['get', 'create'],
    errorLogs: 1,
  },
  {
    name: 'create race lost (AlreadyExists) → conflict, not an error',
    reactions: [
      { verb: 'get', error: 'NotFound' },
      { verb: 'create', error: 'AlreadyExists' },
    ],
    expectOk: false,
    expectReason: 'conflict',
    calls: ['get', 'create'],
    conflict: 1,
    errorLogs: 0,
  },
  {
    name: 'takeover race lost (409 on update) → conflict',
    reactions: [
      { verb: 'get', record: rec({ holderIdentity: '' }) },
      { verb: 'update', error: 'Conflict' },
    ],
    expectOk: false,
    expectReason: 'conflict',
    calls: ['get', 'update'],
    conflict: 1,
    errorLogs: 0,
  },
];

describe('tryAcquireOrRenew (client-go TestTryAcquireOrRenew cases)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { lock, metrics, logger, internals, clock } = setup(c.observed);
      lock.expect(...c.reactions);
      const result = await internals.tryAcquireOrRenew(new AbortController().signal, false);
      assert.deepEqual(lock.unplanned, [], 'no unplanned lock calls');
      assert.deepEqual(
        lock.calls.map((call) => call.verb),
        c.calls,
      );
      assert.equal(lock.pending().length, 0, 'every planned reaction was used');
      assert.equal(result.ok, c.expectOk);
      if (c.expectReason) assert.equal(result.reason, c.expectReason);
      const writes = lock.calls.filter((call) => call.record);
      if (c.written) {
        const last = writes.at(-1)?.record;
        assert.ok(last, 'a record was written');
        c.written(last);
        assert.equal(last.renewTime?.getTime(), wall(clock), 'renewTime is the wall clock now');
      }
      if (c.expectOk) {
        assert.equal(internals.observedRecord?.holderIdentity, 'me');
        assert.equal(internals.observedTime, NOW, 'a successful write resets observedTime');
      }
      if (c.slowpath !== undefined) assert.equal(metrics.count('slowpath'), c.slowpath);
      if (c.conflict !== undefined) assert.equal(metrics.count('conflict'), c.conflict);
      if (c.errorLogs !== undefined) assert.equal(logger.at('error').length, c.errorLogs);
      if (c.holderAfter !== undefined) {
        assert.equal(internals.observedRecord?.holderIdentity, c.holderAfter);
      }
    });
  }

  it('an unchanged raw record keeps observedTime (the expiry clock does not restart)', async () => {
    const { lock, internals } = setup({ record: rec(), ageMs: 4_000 });
    lock.expect({ verb: 'get', record: rec() });
    await internals.tryAcquireOrRenew(new AbortController().signal, false);
    assert.equal(internals.observedTime, NOW - 4_000);
  });

  it('a changed raw record restarts the expiry clock', async () => {
    const { lock, internals } = setup({ record: rec(), ageMs: 14_000 });
    lock.expect({ verb: 'get', record: rec({ renewTime: new Date('2030-01-01T00:00:07Z') }) });
    const result = await internals.tryAcquireOrRenew(new AbortController().signal, false);
    assert.equal(result.ok, false);
    assert.equal(internals.observedTime, NOW);
  });

  it('useObserved: takes a watched release without a GET', async () => {
    const released = rec({ holderIdentity: '', leaseDurationSeconds: 1, leaderTransitions: 3 });
    const { lock, internals } = setup({ record: released, ageMs: 0 });
    lock.expect({ verb: 'update' });
    const result = await internals.tryAcquireOrRenew(new AbortController().signal, true);
    assert.equal(result.ok, true);
    assert.deepEqual(
      lock.calls.map((c) => c.verb),
      ['update'],
    );
    assert.equal(lock.calls[0]?.record?.leaderTransitions, 4);
  });

  it('useObserved: a failed PUT falls back to the normal path (GET, then decide)', async () => {
    const released = rec({ holderIdentity: '', leaseDurationSeconds: 1, leaderTransitions: 3 });
    const { lock, internals } = setup({ record: released, ageMs: 0 });
    lock.expect(
      { verb: 'update', error: 'Conflict' },
      { verb: 'get', record: rec({ holderIdentity: 'fast', leaderTransitions: 4 }) },
    );
    const result = await internals.tryAcquireOrRenew(new AbortController().signal, true);
    assert.deepEqual(lock.unplanned, []);
    assert.equal(result.ok, false);
    assert.equal(result.reason, 'held');
    assert.equal(internals.observedRecord?.holderIdentity, 'fast');
  });

  it('a success reports the attempt start, not the last request start (a lost answer may have stored the same content earlier)', async () => {
    const { lock, internals, clock } = setup({ record: mine, ageMs: 2_000 });
    lock.expect(
      { verb: 'update', hang: true },
      { verb: 'get', record: { ...mine, renewTime: new Date('2030-01-01T00:00:07Z') } },
      { verb: 'update' },
    );
    let result: { ok: boolean; requestStart?: number } | undefined;
    void internals.tryAcquireOrRenew(new AbortController().signal, false).then((r) => {
      result = r;
    });
    await clock.advance(5_000);
    assert.deepEqual(lock.unplanned, []);
    assert.deepEqual(result, { ok: true, requestStart: NOW });
    const [fast, , slow] = lock.calls;
    assert.equal(
      slow?.record?.renewTime?.getTime(),
      fast?.record?.renewTime?.getTime(),
      'the slow path re-sends the content fixed at the attempt start',
    );
  });

  for (const [hang, name] of [
    [true, 'a hanging request is cut by requestTimeout (max(1 s, renewDeadline / 2) = 5 s)'],
    ['deaf', 'a lock that ignores the signal is cut at requestTimeout all the same'],
  ] as const) {
    it(name, async () => {
      const { lock, internals, clock, elector } = setup();
      lock.expect({ verb: 'get', hang });
      let settled: { ok: boolean; reason?: string } | undefined;
      void internals.tryAcquireOrRenew(new AbortController().signal, false).then((r) => {
        settled = r;
      });
      await clock.advance(4_999);
      assert.equal(settled, undefined);
      await clock.advance(1);
      assert.deepEqual(settled, { ok: false, reason: 'error' });
      assert.match(elector.lastError()?.message ?? '', /within 5000 ms/);
      assert.equal(clock.countTimers(), 0);
    });
  }

  it('an aborted parent ends the attempt at once, without sending the request', async () => {
    const { lock, internals } = setup();
    lock.expect({ verb: 'get', hang: 'deaf' });
    const result = await internals.tryAcquireOrRenew(AbortSignal.abort(), false);
    assert.deepEqual(result, { ok: false, reason: 'aborted' });
    assert.equal(lock.calls.length, 0, 'nothing sent');
  });
});

describe('release (client-go tryRelease)', () => {
  const leading = rec({ holderIdentity: 'me', leaderTransitions: 3 });

  it('re-reads the lock and writes holder "", 1 s, acquireTime = renewTime = now, transitions kept', async () => {
    const { lock, internals, clock } = setup({ record: leading, ageMs: 1_000 });
    lock.expect({ verb: 'get', record: leading }, { verb: 'update' });
    assert.equal(await internals.release(), true);
    assert.deepEqual(lock.unplanned, []);
    const written = lock.calls[1]?.record;
    assert.ok(written);
    assert.equal(written.holderIdentity, '');
    assert.equal(written.leaseDurationSeconds, 1);
    assert.equal(written.leaderTransitions, 3);
    assert.equal(written.acquireTime?.getTime(), wall(clock));
    assert.equal(written.renewTime?.getTime(), wall(clock));
    assert.equal(internals.observedRecord?.holderIdentity, '');
  });

  it('keeps strategy and preferredHolder for a hand-over', async () => {
    const handOver = { ...leading, strategy: 'example.com/s', preferredHolder: 'next' };
    const { lock, internals } = setup({ record: leading, ageMs: 1_000 });
    lock.expect({ verb: 'get', record: handOver }, { verb: 'update' });
    assert.equal(await internals.release(), true);
    assert.equal(lock.calls[1]?.record?.strategy, 'example.com/s');
    assert.equal(lock.calls[1]?.record?.preferredHolder, 'next');
  });

  it('retries on conflict with a fresh GET', async () => {
    const { lock, internals, metrics } = setup({ record: leading, ageMs: 1_000 });
    lock.expect(
      { verb: 'get', record: leading },
      { verb: 'update', error: 'Conflict' },
      { verb: 'get', record: { ...leading, renewTime: new Date('2030-01-01T00:00:09Z') } },
      { verb: 'update' },
    );
    assert.equal(await internals.release(), true);
    assert.deepEqual(lock.unplanned, []);
    assert.deepEqual(
      lock.calls.map((c) => c.verb),
      ['get', 'update', 'get', 'update'],
    );
    assert.equal(metrics.count('conflict'), 1);
  });

  it('writes nothing when the fresh record is held by someone else', async () => {
    const { lock, internals } = setup({ record: leading, ageMs: 1_000 });
    lock.expect({ verb: 'get', record: rec({ holderIdentity: 'other', leaderTransitions: 4 }) });
    assert.equal(await internals.release(), true);
    assert.deepEqual(
      lock.calls.map((c) => c.verb),
      ['get'],
    );
  });

  it('gives up (false) on a non-conflict error, and on a missing lock', async () => {
    const a = setup({ record: leading, ageMs: 1_000 });
    a.lock.expect({ verb: 'get', record: leading }, { verb: 'update', error: 'Forbidden' });
    assert.equal(await a.internals.release(), false);
    assert.equal(a.logger.at('error').length, 1);
    const b = setup({ record: leading, ageMs: 1_000 });
    b.lock.expect({ verb: 'get', error: 'NotFound' });
    assert.equal(await b.internals.release(), false);
    assert.deepEqual(b.lock.unplanned, []);
  });
});
