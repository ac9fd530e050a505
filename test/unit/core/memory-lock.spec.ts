import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LockError } from '../../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../../lib/core/leader-election-record.js';
import { MemoryLockStore } from '../../../lib/core/locks/memory-lock.js';
import type { LockWatchEvent } from '../../../lib/core/locks/resource-lock.interface.js';
import * as messages from '../../../lib/core/messages.js';
import { flush, VirtualClock } from '../../support/virtual-clock.js';

const record = (holder: string, transitions = 0): LeaderElectionRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: new Date('2030-01-01T00:00:00.000Z'),
  renewTime: new Date('2030-01-01T00:00:01.250Z'),
  leaderTransitions: transitions,
});

const reason = (expected: string) => (err: unknown) =>
  err instanceof LockError && err.reason === expected;

describe('MemoryLock / MemoryLockStore', () => {
  it('behaves like a Lease: 404, create, AlreadyExists, optimistic update, Conflict on a stale version', async () => {
    const store = new MemoryLockStore();
    const a = store.createLock({ name: 'x', identity: 'a' });
    const b = store.createLock({ name: 'x', identity: 'b' });
    await assert.rejects(a.get(), reason('NotFound'));
    await assert.rejects(
      a.update(record('a')),
      (err: unknown) =>
        err instanceof LockError &&
        err.reason === 'Unknown' &&
        err.message === messages.memoryLockNotInitialized('default/x'),
    );
    await a.create(record('a'));
    await assert.rejects(b.create(record('b')), (err: unknown) => {
      return err instanceof LockError && err.reason === 'AlreadyExists' && err.statusCode === 409;
    });
    const got = await b.get();
    assert.equal(got.record.holderIdentity, 'a');
    const rv1 = store.resourceVersion('x');
    await a.update(record('a', 2));
    assert.ok((store.resourceVersion('x') ?? 0) > (rv1 ?? 0), 'versions grow');
    await assert.rejects(b.update(record('b', 1)), (err: unknown) => {
      return err instanceof LockError && err.reason === 'Conflict' && err.statusCode === 409;
    });
    await b.get();
    await b.update(record('b', 1));
    assert.equal(store.read('x')?.holderIdentity, 'b');
    assert.deepEqual(
      store.writes().map((w) => `${w.identity}:${w.verb}`),
      ['a:create', 'a:update', 'b:update'],
    );
  });

  it('an update with identical content is a no-op: same version, no write, no watch event', async () => {
    const store = new MemoryLockStore();
    const a = store.createLock({ name: 'x', identity: 'a' });
    await a.create(record('a'));
    const events: string[] = [];
    const b = store.createLock({ name: 'x', identity: 'b' });
    await b.get();
    const handle = b.watch!({ onEvent: (e) => events.push(e.type), onClose: () => undefined });
    const rv = store.resourceVersion('x');
    await a.update(record('a'));
    await flush();
    assert.equal(store.resourceVersion('x'), rv);
    assert.equal(store.writes().length, 1, 'only the create');
    assert.deepEqual(events, []);
    await a.update(record('a', 1));
    await flush();
    assert.deepEqual(events, ['MODIFIED']);
    handle.stop();
  });

  it('a re-created object conflicts with a lock that cached the old one (uid precondition)', async () => {
    const store = new MemoryLockStore();
    const a = store.createLock({ name: 'x', identity: 'a' });
    await a.create(record('a'));
    store.delete('x');
    store.write('x', record('other'));
    await assert.rejects(a.update(record('a')), reason('Conflict'));
  });

  it('raw is client-go JSON: field order fixed, nothing omitted; records are copies', async () => {
    const store = new MemoryLockStore();
    const a = store.createLock({ name: 'x', identity: 'a' });
    await a.create(record('a'));
    const got = await a.get();
    assert.equal(
      got.raw,
      '{"holderIdentity":"a","leaseDurationSeconds":15,"acquireTime":"2030-01-01T00:00:00.000Z",' +
        '"renewTime":"2030-01-01T00:00:01.250Z","leaderTransitions":0,"strategy":"","preferredHolder":""}',
    );
    got.record.holderIdentity = 'mutated';
    got.record.renewTime?.setTime(0);
    assert.equal(store.read('x')?.holderIdentity, 'a');
    assert.equal(store.read('x')?.renewTime?.toISOString(), '2030-01-01T00:00:01.250Z');
  });

  it('identity, describe, events and options', async () => {
    const store = new MemoryLockStore();
    const lock = store.createLock({ name: 'jobs', identity: 'pod-1', namespace: 'team' });
    assert.equal(lock.identity(), 'pod-1');
    assert.equal(lock.describe(), 'team/jobs');
    lock.recordEvent('became leader');
    assert.deepEqual(
      store.events().map((e) => e.message),
      ['pod-1 became leader'],
    );
    assert.equal(typeof lock.watch, 'function');
    assert.equal(store.createLock({ name: 'jobs', identity: 'p', watch: false }).watch, undefined);
    assert.throws(
      () => store.createLock({ name: '', identity: 'p' }),
      (err: unknown) =>
        err instanceof TypeError && err.message === messages.memoryLockOptionInvalid('name', ''),
    );
  });

  it('faults: error (once), hang and drop-response end on abort, latency waits on the clock', async () => {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock });
    const a = store.createLock({ name: 'x', identity: 'a' });
    const b = store.createLock({ name: 'x', identity: 'b' });
    store.fault({ kind: 'error', reason: 'Forbidden' }, { match: { identity: 'a' }, times: 1 });
    await assert.rejects(
      a.get(),
      (err: unknown) => err instanceof LockError && err.statusCode === 403,
    );
    await assert.rejects(a.get(), reason('NotFound'), 'the fault was used up');
    await b.create(record('b'));

    const hang = store.fault({ kind: 'hang' }, { match: { verb: 'get' } });
    const controller = new AbortController();
    const pending = a.get({ signal: controller.signal });
    let settled = false;
    pending.catch(() => undefined).finally(() => (settled = true));
    await clock.advance(60_000);
    assert.equal(settled, false, 'a hung request does not answer');
    controller.abort();
    await assert.rejects(pending, reason('Timeout'));
    hang.clear();

    await a.get();
    store.fault({ kind: 'drop-response' }, { match: { verb: 'update' }, times: 1 });
    const dropped = new AbortController();
    const update = a.update(record('a', 1), { signal: dropped.signal });
    await flush();
    assert.equal(store.read('x')?.holderIdentity, 'a', 'applied although unanswered');
    dropped.abort();
    await assert.rejects(update, reason('Timeout'));
    await assert.rejects(a.update(record('a', 1)), reason('Conflict'), 'its cache is stale now');

    store.fault({ kind: 'latency', ms: 250 }, { times: 1 });
    let answered = false;
    const slow = b.get().then(() => (answered = true));
    await clock.advance(249);
    assert.equal(answered, false);
    await clock.advance(1);
    await slow;
    assert.equal(answered, true);
    assert.equal(clock.countTimers(), 0);
  });

  it('counts requests per identity and verb, and caps its logs', async () => {
    const store = new MemoryLockStore({ logLimit: 3 });
    const a = store.createLock({ name: 'x', identity: 'a' });
    const b = store.createLock({ name: 'x', identity: 'b' });
    for (let i = 0; i < 4; i++) await a.get().catch(() => undefined);
    await b.create(record('b'));
    assert.equal(store.count({ identity: 'a', verb: 'get' }), 4);
    assert.equal(store.count({ verb: 'create' }), 1);
    assert.equal(store.count(), 5);
    assert.equal(store.requests().length, 3, 'log capped at logLimit');
    store.resetRequests();
    assert.equal(store.count(), 0);
  });

  it('watch: ordered ADDED/MODIFIED/DELETED for its object only; watched versions feed update()', async () => {
    const store = new MemoryLockStore();
    const a = store.createLock({ name: 'x', identity: 'a' });
    const b = store.createLock({ name: 'x', identity: 'b' });
    const events: LockWatchEvent[] = [];
    const closes: (Error | undefined)[] = [];
    const handle = b.watch!({ onEvent: (e) => events.push(e), onClose: (e) => closes.push(e) });
    await a.create(record('a'));
    await a.update(record('a', 2));
    await store.createLock({ name: 'other', identity: 'z' }).create(record('z'));
    await flush();
    assert.deepEqual(
      events.map((e) => `${e.type}:${e.record.holderIdentity}`),
      ['ADDED:a', 'MODIFIED:a'],
    );
    assert.equal(events[0]?.raw, JSON.stringify(JSON.parse(events[0]?.raw ?? '{}')));
    // b never read the object, yet its update carries the watched version.
    await b.update(record('b', 1));
    store.delete('x');
    await flush();
    assert.equal(events.at(-1)?.type, 'DELETED');
    assert.equal(events.at(-1)?.record.holderIdentity, 'b', 'DELETED carries the last state');
    handle.stop();
    store.write('x', record('c'));
    await flush();
    assert.equal(events.length, 4, 'nothing after stop()');
    assert.deepEqual(closes, [], 'stop() does not call onClose');
    assert.equal(store.watchCount(), 0);
  });

  it('watch: resumes by replaying the current state when the lock missed changes', async () => {
    const store = new MemoryLockStore();
    const a = store.createLock({ name: 'x', identity: 'a' });
    const b = store.createLock({ name: 'x', identity: 'b' });
    await a.create(record('a'));
    await b.get();
    await a.update(record('a', 2));
    const events: string[] = [];
    const handle = b.watch!({ onEvent: (e) => events.push(e.type), onClose: () => undefined });
    await flush();
    assert.deepEqual(events, ['MODIFIED']);
    handle.stop();
    const c = store.createLock({ name: 'x', identity: 'c' });
    await c.get();
    const none: string[] = [];
    const upToDate = c.watch!({ onEvent: (e) => none.push(e.type), onClose: () => undefined });
    await flush();
    assert.deepEqual(none, [], 'up to date: nothing replayed');
    upToDate.stop();
  });

  it('watch: closeWatches(err) and watch faults reach onClose', async () => {
    const store = new MemoryLockStore();
    const lock = store.createLock({ name: 'x', identity: 'a' });
    const closes: (string | undefined)[] = [];
    lock.watch!({ onEvent: () => undefined, onClose: (e) => closes.push(e?.message) });
    store.closeWatches(new Error('reset'));
    await flush();
    lock.watch!({ onEvent: () => undefined, onClose: (e) => closes.push(e?.message) });
    store.closeWatches();
    await flush();
    store.fault(
      { kind: 'error', reason: 'Forbidden', message: 'no watch for you' },
      { match: { verb: 'watch' } },
    );
    lock.watch!({ onEvent: () => undefined, onClose: (e) => closes.push(e?.message) });
    await flush();
    assert.deepEqual(closes, ['reset', undefined, 'no watch for you']);
    assert.equal(store.watchCount(), 0);
  });

  it('watch: an event older than what the lock already read is not delivered; stop() cancels deliveries', async () => {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock, watchLatency: 30 });
    const a = store.createLock({ name: 'x', identity: 'a' });
    const b = store.createLock({ name: 'x', identity: 'b' });
    const events: string[] = [];
    const handle = b.watch!({
      onEvent: (e) => events.push(e.record.holderIdentity),
      onClose: () => undefined,
    });
    await a.create(record('a'));
    await b.get(); // b reads the object before the ADDED event reaches it
    await a.update(record('a2'));
    await clock.advance(30);
    assert.deepEqual(events, ['a2'], 'the ADDED event b had already read was dropped');
    await a.update(record('a3'));
    handle.stop();
    assert.equal(clock.countTimers(), 0, 'the pending delivery was cancelled');
    await clock.advance(30);
    assert.deepEqual(events, ['a2']);
  });

  it('watch: latency delays delivery on the clock, in order', async () => {
    const clock = new VirtualClock();
    const store = new MemoryLockStore({ clock, watchLatency: 30 });
    const a = store.createLock({ name: 'x', identity: 'a' });
    const events: string[] = [];
    const handle = store.createLock({ name: 'x', identity: 'b' }).watch!({
      onEvent: (e) => events.push(`${clock.now()}:${e.type}`),
      onClose: () => undefined,
    });
    await a.create(record('a'));
    await clock.advance(10);
    await a.update(record('a', 2));
    await clock.advance(19);
    assert.deepEqual(events, []);
    await clock.advance(10);
    assert.deepEqual(events, ['30:ADDED']);
    await clock.advance(1);
    assert.deepEqual(events, ['30:ADDED', '40:MODIFIED']);
    handle.stop();
    assert.equal(clock.countTimers(), 0);
  });
});
