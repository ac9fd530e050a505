import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isQualifiedName, isValidLabelValue } from '../../../lib/testing/kube-api/field-error.js';
import { jsonPatch, mergePatch } from '../../../lib/testing/kube-api/patch.js';
import {
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../lib/testing/kube-api/selectors.js';
import { checkMicroTime, checkTime } from '../../../lib/testing/kube-api/wire-time.js';

const LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

describe('KubeApiTestServer wire format: Go time parsing', () => {
  const cases: Array<[string, string]> = [
    ['2026-01-02T03:04:05Z', 'cannot parse "Z" as ".000000"'],
    ['2026-01-02T03:04:05.1Z', 'cannot parse ".1Z" as ".000000"'],
    ['2026-01-02T03:04:05.12345Z', 'cannot parse ".12345Z" as ".000000"'],
    ['2026-01-02T03:04:05.1234567Z', 'cannot parse "7Z" as "Z07:00"'],
    ['2026-01-02 03:04:05.123456Z', 'cannot parse " 03:04:05.123456Z" as "T"'],
    ['26-01-02T03:04:05.123456Z', 'cannot parse "26-01-02T03:04:05.123456Z" as "2006"'],
    ['2026-01-02T03:04:05.123456', 'cannot parse "" as "Z07:00"'],
  ];
  for (const [value, tail] of cases) {
    it(`rejects the MicroTime ${value}`, () => {
      const result = checkMicroTime(value);
      assert.equal(result.ok, false);
      assert.equal(
        !result.ok && result.error,
        `parsing time ${JSON.stringify(value)} as ${JSON.stringify(LAYOUT)}: ${tail}`,
      );
    });
  }

  it('reports out-of-range fields like Go, and wrong JSON types like encoding/json', () => {
    const month = checkMicroTime('2026-13-02T03:04:05.123456Z');
    assert.equal(
      !month.ok && month.error,
      'parsing time "2026-13-02T03:04:05.123456Z": month out of range',
    );
    const day = checkMicroTime('2026-02-30T03:04:05.123456Z');
    assert.equal(
      !day.ok && day.error,
      'parsing time "2026-02-30T03:04:05.123456Z": day out of range',
    );
    const number = checkMicroTime(12);
    assert.equal(
      !number.ok && number.error,
      'json: cannot unmarshal number into Go value of type string',
    );
  });

  it('normalises accepted times the way Go re-serialises them', () => {
    assert.deepEqual(checkMicroTime('2026-01-02T03:04:05.000001-01:30'), {
      ok: true,
      normalized: '2026-01-02T04:34:05.000001Z',
    });
    assert.deepEqual(checkMicroTime(null), { ok: true, normalized: null });
    assert.deepEqual(checkTime('2026-01-02T03:04:05.987654321Z'), {
      ok: true,
      normalized: '2026-01-02T03:04:05Z',
    });
    assert.equal(checkTime('yesterday').ok, false);
  });
});

describe('KubeApiTestServer wire format: validation texts', () => {
  it('renders qualified-name and label-value errors exactly as apimachinery does', () => {
    assert.deepEqual(isQualifiedName('example.com/elector'), []);
    assert.deepEqual(isQualifiedName('-bad'), [
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    assert.deepEqual(isValidLabelValue('x'.repeat(64)).slice(0, 1), [
      'must be no more than 63 characters',
    ]);
  });
});

describe('KubeApiTestServer wire format: selectors and patches', () => {
  it('parses field and label selectors', () => {
    assert.deepEqual(parseFieldSelector('metadata.name=a\\,b,metadata.namespace!=x'), [
      { field: 'metadata.name', op: '=', value: 'a,b' },
      { field: 'metadata.namespace', op: '!=', value: 'x' },
    ]);
    assert.throws(
      () => parseFieldSelector('nonsense'),
      /invalid selector: 'nonsense'; can't understand 'nonsense'/,
    );
    const req = parseLabelSelector('app in (a, b),!legacy,tier!=db,team');
    const labelled = (labels: Record<string, string>) => ({ metadata: { labels } });
    assert.equal(matchesLabels(req, labelled({ app: 'a', tier: 'web', team: 'x' })), true);
    assert.equal(matchesLabels(req, labelled({ app: 'a', tier: 'db', team: 'x' })), false);
    assert.equal(matchesLabels(req, labelled({ app: 'a', team: 'x', legacy: '1' })), false);
    assert.equal(matchesLabels(req, labelled({ app: 'c', team: 'x' })), false);
  });

  it('applies merge patches (null deletes) and JSON patches (with test)', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: 5 }), {
      a: 1,
      b: { d: 3, e: 4 },
      f: 5,
    });
    assert.deepEqual(mergePatch({ a: 1 }, { $patch: 'x', a: 2 }, true), { a: 2 });
    const doc = { spec: { list: [1, 2] } };
    assert.deepEqual(
      jsonPatch(doc, [
        { op: 'add', path: '/spec/list/-', value: 3 },
        { op: 'replace', path: '/spec/list/0', value: 0 },
        { op: 'remove', path: '/spec/list/1' },
        { op: 'copy', from: '/spec/list', path: '/spec/copy' },
      ]),
      { spec: { list: [0, 3], copy: [0, 3] } },
    );
    assert.deepEqual(doc, { spec: { list: [1, 2] } }, 'the input is not mutated');
    assert.throws(
      () => jsonPatch(doc, [{ op: 'test', path: '/spec/list/0', value: 9 }]),
      /testing value \/spec\/list\/0 failed/,
    );
    assert.throws(
      () => jsonPatch(doc, [{ op: 'replace', path: '/nope/x', value: 1 }]),
      /does not exist/,
    );
  });
});
