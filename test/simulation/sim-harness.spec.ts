import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import { EventQueue } from './event-queue.js';
import { Prng } from './prng.js';
import { driftBound, driftRates, generateSimulationConfig } from './schedule-generator.js';
import { InvariantChecker } from './invariant-checker.js';
import { SimLeaseStore, type StoredLease } from './sim-lease-store.js';

const record = (holder: string, transitions: number, renewMs = 0): LeaderElectionRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: new Date(Date.UTC(2026, 0, 1)),
  renewTime: new Date(Date.UTC(2026, 0, 1) + renewMs),
  leaderTransitions: transitions,
});

describe('simulation harness: event queue', () => {
  it('orders by virtual time, equal times by insertion, and skips cancelled events', () => {
    const q = new EventQueue();
    const ran: string[] = [];
    q.push(5, () => ran.push('b'));
    q.push(1, () => ran.push('a'));
    q.push(5, () => ran.push('c'));
    const cancelled = q.push(3, () => ran.push('x'));
    q.push(5, () => ran.push('d'));
    cancelled.cancelled = true;
    for (let e = q.pop(); e; e = q.pop()) e.run();
    assert.deepEqual(ran, ['a', 'b', 'c', 'd']);
  });

  it('keeps heap order over many random pushes', () => {
    const q = new EventQueue();
    const rng = new Prng(7);
    for (let i = 0; i < 2_000; i++) q.push(Math.floor(rng.range(0, 100)), () => undefined);
    let last = { time: -1, seq: -1 };
    for (let e = q.pop(); e; e = q.pop()) {
      assert.ok(e.time > last.time || (e.time === last.time && e.seq > last.seq), 'out of order');
      last = e;
    }
  });

  it('rejects a non-finite time (a NaN delay must not vanish silently)', () => {
    assert.throws(() => new EventQueue().push(Number.NaN, () => undefined), /finite/);
  });
});

describe('simulation harness: seeded randomness', () => {
  it('replays the same stream for a seed and differs between seeds', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Prng(42)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Prng(42)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Prng(43)),
    );
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('generates the same schedule for a seed, covering 2..7 electors and both watch modes', () => {
    assert.deepEqual(generateSimulationConfig(99), generateSimulationConfig(99));
    const electors = new Set<number>();
    const watch = new Set<boolean>();
    for (let seed = 1; seed <= 24; seed++) {
      const c = generateSimulationConfig(seed);
      electors.add(c.electors);
      watch.add(c.watch);
    }
    assert.deepEqual([...electors].sort(), [2, 3, 4, 5, 6, 7]);
    assert.deepEqual([...watch].sort(), [false, true]);
  });

  it('keeps every clock-rate ratio inside leaseDuration / renewDeadline', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const c = generateSimulationConfig(seed);
      const ratio = Math.max(...c.rates) / Math.min(...c.rates);
      assert.ok(ratio < driftBound(c.durations), `seed ${seed}: ratio ${ratio}`);
    }
    const rates = driftRates(new Prng(1), 5, 1.4);
    assert.ok(
      Math.abs(Math.max(...rates) / Math.min(...rates) - 1.4) < 1e-9,
      'the extremes are present',
    );
  });
});

describe('simulation harness: API server semantics', () => {
  const newStore = () => {
    const writes: [LeaderElectionRecord | undefined, StoredLease, string][] = [];
    const store = new SimLeaseStore((before, after, writer) => {
      writes.push([before, after, writer]);
    });
    return { store, writes };
  };

  it('404 before create, AlreadyExists on a second create', () => {
    const { store } = newStore();
    const miss = store.get();
    assert.equal(miss.ok ? 'ok' : miss.error.reason, 'NotFound');
    assert.ok(store.create(record('a', 0)).ok);
    const again = store.create(record('b', 1));
    assert.equal(again.ok ? 'ok' : again.error.reason, 'AlreadyExists');
    assert.equal(again.ok ? 0 : again.error.statusCode, 409);
  });

  it('optimistic concurrency: a stale resourceVersion gets Conflict; a no-op keeps the version', () => {
    const { store, writes } = newStore();
    const created = store.create(record('a', 0));
    assert.ok(created.ok);
    const rv = created.value.resourceVersion;
    const renewed = store.update(record('a', 0, 2000), rv);
    assert.ok(renewed.ok);
    assert.ok(renewed.value.resourceVersion > rv);
    const stale = store.update(record('b', 1, 4000), rv);
    assert.equal(stale.ok ? 'ok' : stale.error.reason, 'Conflict');
    const same = store.update(record('a', 0, 2000), renewed.value.resourceVersion);
    assert.ok(same.ok);
    assert.equal(same.value.resourceVersion, renewed.value.resourceVersion);
    assert.equal(writes.length, 2, 'the no-op wrote nothing');
  });

  it('rejects what a real API server rejects (422): leaseDurationSeconds <= 0, negative transitions', () => {
    const { store } = newStore();
    const zero = store.create({ ...record('a', 0), leaseDurationSeconds: 0 });
    assert.equal(zero.ok ? 'ok' : zero.error.reason, 'Invalid');
    const negative = store.create({ ...record('a', -1) });
    assert.equal(negative.ok ? 'ok' : negative.error.reason, 'Invalid');
  });

  it('replays changes after a resourceVersion to a new watch, and nothing twice', () => {
    const { store } = newStore();
    const c = store.create(record('a', 0));
    assert.ok(c.ok);
    const u = store.update(record('a', 0, 2000), c.value.resourceVersion);
    assert.ok(u.ok);
    const seen: number[] = [];
    store.watch({ deliver: (ch) => seen.push(ch.resourceVersion) }, c.value.resourceVersion);
    const u2 = store.update(record('b', 1, 4000), u.value.resourceVersion);
    assert.ok(u2.ok);
    assert.deepEqual(seen, [u.value.resourceVersion, u2.value.resourceVersion]);
  });
});

describe('simulation harness: the store-side invariants can fail', () => {
  const checkerWith = () => {
    const found: string[] = [];
    const checker = new InvariantChecker(
      {
        now: 0,
        violation: (invariant, message) => found.push(`${invariant}: ${message}`),
        trace: () => undefined,
      },
      () => [],
      10_000,
      () => undefined,
    );
    return { checker, found };
  };
  const stored = (r: LeaderElectionRecord): StoredLease => ({
    record: r,
    raw: '',
    resourceVersion: 2,
  });

  it('accepts client-go transitions: renew keeps, takeover +1, release keeps', () => {
    const { checker, found } = checkerWith();
    checker.storeWrite(record('a', 3), stored(record('a', 3, 2000)), 'a');
    checker.storeWrite(record('a', 3), stored(record('b', 4)), 'b');
    checker.storeWrite(record('b', 4), stored(record('', 4)), 'b');
    checker.storeWrite(record('', 4), stored(record('c', 5)), 'c');
    assert.deepEqual(found, []);
  });

  it('flags decreasing or skipped transitions, foreign identities and releasing another’s lease', () => {
    const { checker, found } = checkerWith();
    checker.storeWrite(record('a', 3), stored(record('b', 2)), 'b');
    checker.storeWrite(record('a', 3), stored(record('b', 5)), 'b');
    checker.storeWrite(record('a', 3), stored(record('c', 4)), 'b');
    checker.storeWrite(record('a', 3), stored(record('', 3)), 'b');
    assert.equal(found.length, 4, found.join('\n'));
    assert.match(found[0]!, /^transitions: leaderTransitions decreased/);
    assert.match(found[1]!, /^transitions: .*expected 4/);
    assert.match(found[2]!, /^records: b wrote holder "c"/);
    assert.match(found[3]!, /^records: b released a lease held by "a"/);
  });
});
