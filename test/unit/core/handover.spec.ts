/*
 * preferredHolder and hand-over, one request at a time: what tryAcquireOrRenew and release read
 * and write (white-box, as try-acquire-or-renew.spec.ts), over a scripted lock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaderElectionRecord } from '../../../lib/core/leader-election-record.js';
import { HAND_OVER_STRATEGY } from '../../../lib/core/leader-elector.config.js';
import { handOverTargetError, LeaderElector } from '../../../lib/core/leader-elector.js';
import type { ResourceLock } from '../../../lib/core/locks/resource-lock.interface.js';
import * as messages from '../../../lib/core/messages.js';
import { CapturingLogger } from '../../support/recorders.js';
import { rawOf, rec, ScriptedLock } from '../../support/scripted-lock.js';
import { VirtualClock } from '../../support/virtual-clock.js';

interface Internals {
  observedRecord: LeaderElectionRecord | undefined;
  observedRawRecord: string | undefined;
  observedTime: number;
  tryAcquireOrRenew(
    signal: AbortSignal,
    useObserved: boolean,
  ): Promise<{ ok: boolean; reason?: string }>;
  release(handOverTo?: string): Promise<boolean>;
}

const NOW = 100_000;

function setup(observed?: { record: LeaderElectionRecord; ageMs: number }) {
  const clock = new VirtualClock();
  clock.timers.tick(NOW);
  const lock = new ScriptedLock('me');
  const logger = new CapturingLogger();
  const elector = new LeaderElector({ lock, clock, logger, leaseDuration: 15_000 });
  const internals = elector as unknown as Internals;
  if (observed) {
    internals.observedRecord = structuredClone(observed.record);
    internals.observedRawRecord = rawOf(observed.record);
    internals.observedTime = NOW - observed.ageMs;
  }
  return { clock, lock, logger, elector, internals };
}

const attempt = (internals: Internals) =>
  internals.tryAcquireOrRenew(new AbortController().signal, false);

/** A free lease that names `preferredHolder`, as a hand-over release writes it. */
const reserved = (preferredHolder: string, strategy = HAND_OVER_STRATEGY) =>
  rec({
    holderIdentity: '',
    leaseDurationSeconds: 15,
    leaderTransitions: 3,
    strategy,
    preferredHolder,
  });

describe('acquiring a lease that names a preferred holder', () => {
  it('another candidate leaves a just-seen reserved lease alone (held, nothing written)', async () => {
    const { lock, logger, internals } = setup();
    lock.expect({ verb: 'get', record: reserved('next') });
    assert.deepEqual(await attempt(internals), { ok: false, reason: 'held' });
    assert.deepEqual(
      lock.calls.map((c) => c.verb),
      ['get'],
    );
    assert.deepEqual(lock.unplanned, []);
    assert.match(logger.at('debug').join('\n'), /reserved for its preferred holder "next"/);
  });

  it('takes it once leaseDurationSeconds passed since it was first seen, clearing preferredHolder', async () => {
    const record = reserved('next', 'OldestEmulationVersion');
    const { lock, internals } = setup({ record, ageMs: 15_000 });
    lock.expect({ verb: 'get', record }, { verb: 'update' });
    assert.equal((await attempt(internals)).ok, true);
    const written = lock.calls[1]?.record;
    assert.equal(written?.holderIdentity, 'me');
    assert.equal(written?.leaderTransitions, 4);
    assert.equal(written?.preferredHolder, undefined);
    assert.equal(written?.strategy, 'OldestEmulationVersion', 'a foreign strategy is kept');
  });

  it('one millisecond earlier it still waits', async () => {
    const record = reserved('next');
    const { lock, internals } = setup({ record, ageMs: 14_999 });
    lock.expect({ verb: 'get', record });
    assert.deepEqual(await attempt(internals), { ok: false, reason: 'held' });
  });

  it('the preferred holder takes it at once and drops our hand-over strategy', async () => {
    const { lock, internals } = setup();
    lock.expect({ verb: 'get', record: reserved('me') }, { verb: 'update' });
    assert.equal((await attempt(internals)).ok, true);
    const written = lock.calls[1]?.record;
    assert.equal(written?.holderIdentity, 'me');
    assert.equal(written?.preferredHolder, undefined);
    assert.equal(written?.strategy, undefined);
  });

  it('a lease we still hold that prefers someone else is released to them, not renewed', async () => {
    const held = rec({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      leaderTransitions: 6,
      strategy: 'OldestEmulationVersion',
      preferredHolder: 'next',
    });
    const { lock, logger, internals } = setup();
    lock.expect({ verb: 'get', record: held }, { verb: 'get', record: held }, { verb: 'update' });
    assert.deepEqual(await attempt(internals), { ok: false, reason: 'held' });
    assert.deepEqual(lock.unplanned, []);
    const written = lock.calls[2]?.record;
    assert.equal(written?.holderIdentity, '');
    assert.equal(written?.preferredHolder, 'next');
    assert.equal(written?.strategy, 'OldestEmulationVersion');
    assert.equal(written?.leaseDurationSeconds, 15, "the preferred holder's head start");
    assert.equal(written?.leaderTransitions, 6);
    assert.match(logger.at('log').join('\n'), /releasing it for them instead of leading/);
  });

  it('renewals keep a strategy but never write a preferredHolder (fast and slow path)', async () => {
    const mine = rec({
      holderIdentity: 'me',
      leaderTransitions: 2,
      strategy: 'example.com/custom',
      preferredHolder: 'me',
    });
    const fast = setup({ record: mine, ageMs: 2_000 });
    fast.lock.expect({ verb: 'update' });
    assert.equal((await attempt(fast.internals)).ok, true);
    assert.equal(fast.lock.calls[0]?.record?.strategy, 'example.com/custom');
    assert.equal(fast.lock.calls[0]?.record?.preferredHolder, undefined);

    const slow = setup({ record: mine, ageMs: 2_000 });
    slow.lock.expect(
      { verb: 'update', error: 'Conflict' },
      { verb: 'get', record: mine },
      { verb: 'update' },
    );
    assert.equal((await attempt(slow.internals)).ok, true);
    assert.equal(slow.lock.calls[2]?.record?.strategy, 'example.com/custom');
    assert.equal(slow.lock.calls[2]?.record?.preferredHolder, undefined);
  });
});

describe('release for a hand-over', () => {
  const leading = rec({ holderIdentity: 'me', leaderTransitions: 3 });

  it('release(to) names the preferred holder with our hand-over strategy and the lease duration', async () => {
    const { lock, internals } = setup({ record: leading, ageMs: 1_000 });
    lock.expect({ verb: 'get', record: leading }, { verb: 'update' });
    assert.equal(await internals.release('next'), true);
    const written = lock.calls[1]?.record;
    assert.equal(written?.holderIdentity, '');
    assert.equal(written?.preferredHolder, 'next');
    assert.equal(written?.strategy, HAND_OVER_STRATEGY);
    assert.equal(written?.leaseDurationSeconds, 15);
    assert.equal(written?.leaderTransitions, 3);
  });

  it("release(to) keeps the lease's own strategy", async () => {
    const { lock, internals } = setup({ record: leading, ageMs: 1_000 });
    lock.expect(
      { verb: 'get', record: { ...leading, strategy: 'OldestEmulationVersion' } },
      { verb: 'update' },
    );
    assert.equal(await internals.release('next'), true);
    assert.equal(lock.calls[1]?.record?.strategy, 'OldestEmulationVersion');
  });

  it("a plain release drops a preferredHolder naming us and our marker, and writes client-go's 1 s", async () => {
    const { lock, internals } = setup({ record: leading, ageMs: 1_000 });
    lock.expect(
      { verb: 'get', record: { ...leading, strategy: HAND_OVER_STRATEGY, preferredHolder: 'me' } },
      { verb: 'update' },
    );
    assert.equal(await internals.release(), true);
    const written = lock.calls[1]?.record;
    assert.equal(written?.leaseDurationSeconds, 1);
    assert.equal(written?.preferredHolder, undefined);
    assert.equal(written?.strategy, undefined);
  });

  it('a preferredHolder dropped by the API server is reported at debug on the next observation', async () => {
    const { lock, logger, internals } = setup({ record: leading, ageMs: 1_000 });
    lock.expect({ verb: 'get', record: leading }, { verb: 'update' });
    await internals.release('next');
    // What a server with the feature gate off stored: the release without preferredHolder.
    const stored = rec({ holderIdentity: '', leaseDurationSeconds: 15, leaderTransitions: 3 });
    lock.expect({ verb: 'get', record: stored }, { verb: 'update' });
    assert.equal((await attempt(internals)).ok, true, 'an ordinary free lease: taken');
    assert.deepEqual(
      logger.at('debug').filter((l) => l.includes('dropped')),
      [messages.logPreferredHolderDropped('default/scripted', 'next')],
    );
  });

  it('a lock that returns the stored record tells at once: dropped preferredHolder, observed as stored', async () => {
    // The Lease lock returns what the API server stored; without the feature gate that is the
    // release without preferredHolder and strategy.
    const scripted = new ScriptedLock('me');
    const lock: ResourceLock = {
      get: (options) => scripted.get(options),
      create: (record, options) => scripted.create(record, options),
      update: async (record, options) => {
        await scripted.update(record, options);
        const stored = { ...record };
        delete stored.preferredHolder;
        delete stored.strategy;
        return { record: stored, raw: rawOf(stored) };
      },
      recordEvent: () => undefined,
      identity: () => 'me',
      describe: () => scripted.describe(),
    };
    const clock = new VirtualClock();
    const logger = new CapturingLogger();
    const elector = new LeaderElector({ lock, clock, logger });
    const internals = elector as unknown as Internals;
    scripted.expect({ verb: 'get', record: leading }, { verb: 'update' });
    assert.equal(await internals.release('next'), true);
    assert.equal(scripted.calls[1]?.record?.preferredHolder, 'next', 'asked for it');
    assert.deepEqual(
      logger.at('debug').filter((l) => l.includes('dropped')),
      [messages.logPreferredHolderDropped('default/scripted', 'next')],
    );
    assert.equal(
      elector.getRecord()?.preferredHolder,
      undefined,
      'getRecord() shows what is stored',
    );
  });

  it('a hand-over won by someone else is reported at debug; one won by the named candidate is not', async () => {
    const a = setup({ record: leading, ageMs: 1_000 });
    a.lock.expect({ verb: 'get', record: leading }, { verb: 'update' });
    await a.internals.release('next');
    a.lock.expect({ verb: 'get', record: rec({ holderIdentity: 'other', leaderTransitions: 4 }) });
    await attempt(a.internals);
    assert.deepEqual(
      a.logger.at('debug').filter((l) => l.startsWith('Hand-over')),
      [messages.logHandOverTakenBy('default/scripted', 'next', 'other')],
    );

    const b = setup({ record: leading, ageMs: 1_000 });
    b.lock.expect({ verb: 'get', record: leading }, { verb: 'update' });
    await b.internals.release('next');
    b.lock.expect({ verb: 'get', record: rec({ holderIdentity: 'next', leaderTransitions: 4 }) });
    await attempt(b.internals);
    assert.deepEqual(
      b.logger.at('debug').filter((l) => l.startsWith('Hand-over') || l.includes('dropped')),
      [],
    );
  });
});

describe('handOverTargetError', () => {
  it('accepts undefined and another identity; names the bad value and the fix otherwise', () => {
    assert.equal(handOverTargetError(undefined, 'me'), undefined);
    assert.equal(handOverTargetError('next', 'me'), undefined);
    for (const bad of ['', 7, null, {}]) {
      const err = handOverTargetError(bad, 'me');
      assert.ok(err instanceof TypeError);
      assert.match(err.message, /must be a non-empty string naming another candidate/);
      assert.ok(err.message.includes(`(${JSON.stringify(bad)})`), err.message);
    }
    assert.equal(handOverTargetError('me', 'me')?.message, messages.handOverToSelf('me'));
    assert.match(messages.handOverToSelf('me'), /own identity; pass another candidate's identity/);
  });
});
