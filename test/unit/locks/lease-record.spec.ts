import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { V1MicroTime } from '@kubernetes/client-node';
import type { LeaderElectionRecord } from '../../../lib/core/leader-election-record.js';
import { leaseSpecToRecord, recordToLeaseSpec } from '../../../lib/core/locks/lease-record.js';
import {
  formatMicroTime,
  formatRfc3339Seconds,
  parseKubeTime,
  rawRecord,
} from '../../../lib/core/locks/record-format.js';

const full: LeaderElectionRecord = {
  holderIdentity: 'pod-a_123',
  leaseDurationSeconds: 15,
  acquireTime: new Date('2026-08-17T12:34:56.455Z'),
  renewTime: new Date('2026-08-17T12:35:06.001Z'),
  leaderTransitions: 7,
  strategy: 'OldestEmulationVersion',
  preferredHolder: 'pod-b_456',
};

/** What client-node puts on the wire for a spec: JSON.stringify of the model. */
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

describe('formatMicroTime', () => {
  it('writes UTC with exactly 6 fractional digits', () => {
    assert.equal(
      formatMicroTime(new Date('2026-08-17T12:34:56.455Z')),
      '2026-08-17T12:34:56.455000Z',
    );
    assert.equal(formatMicroTime(new Date('2026-01-01T00:00:00Z')), '2026-01-01T00:00:00.000000Z');
    assert.match(formatMicroTime(new Date()), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('is in UTC whatever the local offset of the Date was built from', () => {
    assert.equal(
      formatMicroTime(new Date('2026-08-17T14:34:56.5+02:00')),
      '2026-08-17T12:34:56.500000Z',
    );
  });

  it('matches what V1MicroTime puts on the wire', () => {
    const d = new Date('2026-03-04T05:06:07.089Z');
    assert.equal(JSON.stringify(new V1MicroTime(d.getTime())), JSON.stringify(formatMicroTime(d)));
  });

  it('formats metav1.Time with whole seconds', () => {
    assert.equal(
      formatRfc3339Seconds(new Date('2026-08-17T12:34:56.999Z')),
      '2026-08-17T12:34:56Z',
    );
  });
});

describe('recordToLeaseSpec', () => {
  it('maps every field, leaderTransitions to leaseTransitions, times as 6-digit MicroTime', () => {
    const spec = wire(recordToLeaseSpec(full));
    assert.deepEqual(spec, {
      holderIdentity: 'pod-a_123',
      leaseDurationSeconds: 15,
      acquireTime: '2026-08-17T12:34:56.455000Z',
      renewTime: '2026-08-17T12:35:06.001000Z',
      leaseTransitions: 7,
      strategy: 'OldestEmulationVersion',
      preferredHolder: 'pod-b_456',
    });
  });

  it("always sends holderIdentity (even '') and leaseTransitions, never empty strategy/preferredHolder", () => {
    const spec = wire(
      recordToLeaseSpec({
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: null,
        renewTime: null,
        leaderTransitions: 0,
        strategy: '',
        preferredHolder: '',
      }),
    );
    assert.deepEqual(spec, {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: null,
      renewTime: null,
      leaseTransitions: 0,
    });
    assert.equal('strategy' in spec, false);
    assert.equal('preferredHolder' in spec, false);
  });
});

describe('leaseSpecToRecord', () => {
  it('round-trips every field through the wire form (times read back as strings)', () => {
    const problems: string[] = [];
    const back = leaseSpecToRecord(wire(recordToLeaseSpec(full)), problems);
    assert.deepEqual(back, full);
    assert.deepEqual(problems, []);
  });

  it('round-trips null times', () => {
    const rec = { ...full, acquireTime: null, renewTime: null };
    delete rec.strategy;
    delete rec.preferredHolder;
    assert.deepEqual(leaseSpecToRecord(wire(recordToLeaseSpec(rec))), rec);
  });

  it('reads a missing spec or missing fields as zero values, like client-go', () => {
    const problems: string[] = [];
    assert.deepEqual(leaseSpecToRecord(undefined, problems), {
      holderIdentity: '',
      leaseDurationSeconds: 0,
      acquireTime: null,
      renewTime: null,
      leaderTransitions: 0,
    });
    assert.deepEqual(problems, []);
    const noTransitions = leaseSpecToRecord({
      holderIdentity: 'py',
      leaseDurationSeconds: 10,
      renewTime: '2026-08-17T12:34:56.000000Z',
    });
    assert.equal(noTransitions.leaderTransitions, 0);
    assert.equal(noTransitions.leaseDurationSeconds, 10);
  });

  it('reports a holder without a duration (read as expired at once) but does not throw', () => {
    const problems: string[] = [];
    const rec = leaseSpecToRecord({ holderIdentity: 'x' }, problems);
    assert.equal(rec.holderIdentity, 'x');
    assert.equal(rec.leaseDurationSeconds, 0);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /leaseDurationSeconds/);
  });

  it('reads malformed fields as zero values and lists them', () => {
    const problems: string[] = [];
    const rec = leaseSpecToRecord(
      {
        holderIdentity: 42,
        leaseDurationSeconds: -5,
        acquireTime: 'yesterday',
        renewTime: 12,
        leaseTransitions: 'many',
        strategy: 3,
      },
      problems,
    );
    assert.deepEqual(rec, {
      holderIdentity: '',
      leaseDurationSeconds: 0,
      acquireTime: null,
      renewTime: null,
      leaderTransitions: 0,
    });
    assert.equal(problems.length, 6);
    assert.doesNotThrow(() => leaseSpecToRecord('not an object'));
    assert.doesNotThrow(() => leaseSpecToRecord([1, 2]));
  });
});

describe('parseKubeTime', () => {
  it('reads RFC3339 with any fraction and offsets, and naive Python times as UTC', () => {
    const cases: [string, string][] = [
      ['2026-08-17T12:34:56Z', '2026-08-17T12:34:56.000Z'],
      ['2026-08-17T12:34:56.123456Z', '2026-08-17T12:34:56.123Z'],
      ['2026-08-17T12:34:56.123456789Z', '2026-08-17T12:34:56.123Z'],
      ['2026-08-17T14:34:56.5+02:00', '2026-08-17T12:34:56.500Z'],
      ['2026-08-17T10:34:56-02:00', '2026-08-17T12:34:56.000Z'],
      ['2026-08-17 12:34:56.789012', '2026-08-17T12:34:56.789Z'],
      ['2026-08-17 12:34:56', '2026-08-17T12:34:56.000Z'],
    ];
    for (const [input, iso] of cases) assert.equal(parseKubeTime(input)?.toISOString(), iso, input);
  });

  it('tells absent (null) from unreadable (undefined)', () => {
    assert.equal(parseKubeTime(null), null);
    assert.equal(parseKubeTime(undefined), null);
    assert.equal(parseKubeTime(''), null);
    for (const bad of ['2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', 'now', 17, {}, '2026-08-17'])
      assert.equal(parseKubeTime(bad), undefined, String(bad));
  });
});

describe('rawRecord', () => {
  it('is client-go field order with all 7 fields and microsecond times', () => {
    assert.equal(
      rawRecord({ ...full, strategy: undefined, preferredHolder: undefined }),
      '{"holderIdentity":"pod-a_123","leaseDurationSeconds":15,' +
        '"acquireTime":"2026-08-17T12:34:56.455000Z","renewTime":"2026-08-17T12:35:06.001000Z",' +
        '"leaderTransitions":7,"strategy":"","preferredHolder":""}',
    );
  });

  it('is stable: equal records give equal raws, a renewal within the same second does not', () => {
    const copy = {
      ...full,
      acquireTime: new Date(full.acquireTime!),
      renewTime: new Date(full.renewTime!),
    };
    assert.equal(rawRecord(copy), rawRecord(full));
    const sameSecond = { ...full, renewTime: new Date(full.renewTime!.getTime() + 300) };
    assert.notEqual(rawRecord(sameSecond), rawRecord(full));
  });
});
