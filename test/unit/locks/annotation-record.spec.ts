import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatAnnotationRecord,
  parseAnnotationRecord,
} from '../../../lib/core/locks/legacy/annotation-record.js';

describe('formatAnnotationRecord', () => {
  it("writes client-go's 5 fields in Go's order; strategy/preferredHolder only when set", () => {
    const json = formatAnnotationRecord({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: new Date('2026-01-01T00:00:00Z'),
      renewTime: new Date('2026-01-01T00:00:10.250Z'),
      leaderTransitions: 2,
    });
    assert.equal(
      json,
      '{"holderIdentity":"a","leaseDurationSeconds":15,"acquireTime":"2026-01-01T00:00:00.000000Z",' +
        '"renewTime":"2026-01-01T00:00:10.250000Z","leaderTransitions":2}',
    );
    const withStrategy = JSON.parse(
      formatAnnotationRecord({
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        acquireTime: null,
        renewTime: null,
        leaderTransitions: 0,
        strategy: 'OldestEmulationVersion',
        preferredHolder: 'b',
      }),
    ) as Record<string, unknown>;
    assert.deepEqual(Object.keys(withStrategy), [
      'holderIdentity',
      'leaseDurationSeconds',
      'acquireTime',
      'renewTime',
      'leaderTransitions',
      'strategy',
      'preferredHolder',
    ]);
    assert.equal(withStrategy['acquireTime'], null);
  });

  it('round-trips through parseAnnotationRecord', () => {
    const rec = {
      holderIdentity: 'pod-1',
      leaseDurationSeconds: 17,
      acquireTime: new Date('2026-08-17T12:34:56.789Z'),
      renewTime: new Date('2026-08-17T12:35:00Z'),
      leaderTransitions: 4,
    };
    const problems: string[] = [];
    assert.deepEqual(parseAnnotationRecord(formatAnnotationRecord(rec), problems), rec);
    assert.deepEqual(problems, []);
  });
});

describe('parseAnnotationRecord', () => {
  it("reads client-go's format (whole-second metav1.Time)", () => {
    const problems: string[] = [];
    const rec = parseAnnotationRecord(
      '{"holderIdentity":"kube-scheduler-1_abc","leaseDurationSeconds":15,' +
        '"acquireTime":"2026-01-01T00:00:00Z","renewTime":"2026-01-01T00:00:10Z","leaderTransitions":3}',
      problems,
    );
    assert.deepEqual(rec, {
      holderIdentity: 'kube-scheduler-1_abc',
      leaseDurationSeconds: 15,
      acquireTime: new Date('2026-01-01T00:00:00Z'),
      renewTime: new Date('2026-01-01T00:00:10Z'),
      leaderTransitions: 3,
    });
    assert.deepEqual(problems, []);
  });

  it("reads the Python client's format: string duration, naive UTC times, no leaderTransitions", () => {
    const problems: string[] = [];
    const rec = parseAnnotationRecord(
      '{"holderIdentity": "py-1", "leaseDurationSeconds": "17", ' +
        '"acquireTime": "2026-08-17 12:34:56.789012", "renewTime": "2026-08-17 12:34:58"}',
      problems,
    );
    assert.deepEqual(rec, {
      holderIdentity: 'py-1',
      leaseDurationSeconds: 17,
      acquireTime: new Date('2026-08-17T12:34:56.789Z'),
      renewTime: new Date('2026-08-17T12:34:58Z'),
      leaderTransitions: 0,
    });
    assert.deepEqual(problems, []);
  });

  it('reads a missing annotation as the empty record without problems', () => {
    const problems: string[] = [];
    assert.equal(parseAnnotationRecord(undefined, problems).holderIdentity, '');
    assert.equal(parseAnnotationRecord('', problems).leaseDurationSeconds, 0);
    assert.deepEqual(problems, []);
  });

  const corrupted: [string, string][] = [
    ['bad JSON', '{"holderIdentity": "a", '],
    ['not an object', '[1,2,3]'],
    ['null', 'null'],
    ['a number', '42'],
    [
      'wrong types',
      '{"holderIdentity": {"x":1}, "leaseDurationSeconds": true, "leaderTransitions": [1]}',
    ],
    ['negative duration', '{"holderIdentity": "a", "leaseDurationSeconds": -15}'],
    ['huge duration', '{"holderIdentity": "a", "leaseDurationSeconds": 1e12}'],
    ['fractional duration', '{"holderIdentity": "a", "leaseDurationSeconds": 1.5}'],
    ['missing duration', '{"holderIdentity": "a"}'],
    ['string garbage duration', '{"holderIdentity": "a", "leaseDurationSeconds": "15s"}'],
  ];
  for (const [what, value] of corrupted) {
    it(`never throws on corrupted content (${what}) and reports it`, () => {
      const problems: string[] = [];
      const rec = parseAnnotationRecord(value, problems);
      assert.ok(problems.length > 0, 'a problem is reported');
      // Free or expired at once: a corrupted record never blocks a takeover.
      assert.ok(rec.holderIdentity === '' || rec.leaseDurationSeconds === 0);
      assert.ok(Number.isInteger(rec.leaseDurationSeconds) && rec.leaseDurationSeconds >= 0);
      assert.ok(Number.isInteger(rec.leaderTransitions) && rec.leaderTransitions >= 0);
    });
  }

  it('keeps the readable fields next to a broken time or transitions count', () => {
    const problems: string[] = [];
    const rec = parseAnnotationRecord(
      '{"holderIdentity":"a","leaseDurationSeconds":5,"renewTime":"soon","leaderTransitions":-1}',
      problems,
    );
    assert.equal(rec.holderIdentity, 'a');
    assert.equal(rec.leaseDurationSeconds, 5);
    assert.equal(rec.renewTime, null);
    assert.equal(rec.leaderTransitions, 0);
    assert.equal(problems.length, 2);
  });
});
