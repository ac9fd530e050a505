/**
 * Matrix: corrupted lock records of every kind, seeded into KubeApiTestServer, met by a real
 * `LeaderElector` over `createLock()` (client-node over HTTP). One row per corruption:
 * - the elector neither crashes nor stalls: it stays running and logs no error;
 * - it warns once, naming the object and what is wrong (the exact `corruptedRecord` message);
 * - it takes over at once when the record reads as free or expired (a holder without a valid
 *   duration), and waits the record's duration when holder and duration are readable;
 * - the object it writes is well-formed again (holder, whole-second duration, 6-digit MicroTimes,
 *   transitions = previous valid count + 1), and a fresh reader finds nothing wrong with it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import { LEADER_ANNOTATION_KEY, createLock, type LockType } from '../../lib/core/index.js';
import { lockMessages } from '../../lib/core/messages.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { CapturingLogger } from '../support/recorders.js';
import { TIMING, kubeElector, objectName, sleep, waitFor } from './matrix.helpers.js';

const NS = 'matrix-corrupt';
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
/** How long a "valid enough" seeded holder's lease lasts: short, so waiting rows stay quick. */
const WAIT_SECONDS = 2;
/** Seeded durations that a corruption must make irrelevant (the row would time out waiting). */
const LONG_SECONDS = 3600;
const SECONDS_WRITTEN = Math.ceil(TIMING.leaseDuration / 1000);

type Resource = 'leases' | 'configmaps' | 'endpoints';

interface Row {
  what: string;
  /** Lease: the `spec` (undefined = no spec at all). Annotation locks: the annotation value. */
  seed: unknown;
  /** takeover: free or expired at once; wait: a readable holder with a WAIT_SECONDS lease. */
  expect: 'takeover' | 'wait';
  /** The problems the warning must list (none: no warning at all). */
  problems: string[];
  /** leaderTransitions the takeover must write. */
  transitions: number;
}

const held = (extra: Record<string, unknown>) => ({
  holderIdentity: 'ghost',
  leaseDurationSeconds: WAIT_SECONDS,
  ...extra,
});

// The problem texts come from the record reader; building them from a value here keeps the
// rows readable while the assertion stays exact.
const notString = (field: string, value: unknown) =>
  `${field} is not a string (${JSON.stringify(value)})`;
const notInt = (field: string, value: unknown) =>
  `${field} ${value === undefined ? 'missing' : JSON.stringify(value)} is not an integer in [0, 2147483647]`;
const noDuration = (holder: string) =>
  `holder "${holder}" has no positive leaseDurationSeconds, so the lease counts as expired`;
const notTime = (field: string, value: unknown) =>
  `${field} ${JSON.stringify(value)} is not a timestamp`;

const leaseRows: Row[] = [
  { what: 'no spec at all', seed: undefined, expect: 'takeover', problems: [], transitions: 1 },
  { what: 'an empty spec', seed: {}, expect: 'takeover', problems: [], transitions: 1 },
  {
    // client-node's deserializer turns a non-object spec into an empty V1LeaseSpec before the
    // lock sees it, so this reads as "no spec" (no warning); a real API server never stores it.
    what: 'a spec that is a string',
    seed: 'holderIdentity=ghost',
    expect: 'takeover',
    problems: [],
    transitions: 1,
  },
  {
    what: 'strategy and preferredHolder that are not strings',
    seed: held({ strategy: 7, preferredHolder: ['x'], leaseTransitions: 1 }),
    expect: 'wait',
    problems: [notString('strategy', 7), notString('preferredHolder', ['x'])],
    transitions: 2,
  },
  {
    what: 'holderIdentity but no leaseDurationSeconds',
    seed: { holderIdentity: 'ghost', leaseTransitions: 4 },
    expect: 'takeover',
    problems: [noDuration('ghost')],
    transitions: 5,
  },
  {
    what: 'holderIdentity is a number',
    seed: { holderIdentity: 42, leaseDurationSeconds: LONG_SECONDS },
    expect: 'takeover',
    problems: [notString('holderIdentity', 42)],
    transitions: 1,
  },
  {
    what: 'holderIdentity is null (absent)',
    seed: { holderIdentity: null, leaseDurationSeconds: LONG_SECONDS },
    expect: 'takeover',
    problems: [],
    transitions: 1,
  },
  {
    what: 'leaseDurationSeconds "abc"',
    seed: { holderIdentity: 'ghost', leaseDurationSeconds: 'abc' },
    expect: 'takeover',
    problems: [notInt('leaseDurationSeconds', 'abc'), noDuration('ghost')],
    transitions: 1,
  },
  {
    what: 'negative leaseDurationSeconds',
    seed: { holderIdentity: 'ghost', leaseDurationSeconds: -5 },
    expect: 'takeover',
    problems: [notInt('leaseDurationSeconds', -5), noDuration('ghost')],
    transitions: 1,
  },
  {
    what: 'huge leaseDurationSeconds (1e12, beyond int32)',
    seed: { holderIdentity: 'ghost', leaseDurationSeconds: 1e12 },
    expect: 'takeover',
    problems: [notInt('leaseDurationSeconds', 1e12), noDuration('ghost')],
    transitions: 1,
  },
  {
    what: 'leaseDurationSeconds 0',
    seed: { holderIdentity: 'ghost', leaseDurationSeconds: 0 },
    expect: 'takeover',
    problems: [noDuration('ghost')],
    transitions: 1,
  },
  {
    what: 'leaseDurationSeconds null',
    seed: { holderIdentity: 'ghost', leaseDurationSeconds: null },
    expect: 'takeover',
    problems: [noDuration('ghost')],
    transitions: 1,
  },
  {
    what: 'negative leaseTransitions',
    seed: held({ leaseTransitions: -3 }),
    expect: 'wait',
    problems: [notInt('leaseTransitions', -3)],
    transitions: 1,
  },
  {
    what: 'fractional leaseTransitions',
    seed: held({ leaseTransitions: 1.5 }),
    expect: 'wait',
    problems: [notInt('leaseTransitions', 1.5)],
    transitions: 1,
  },
  {
    what: 'times in wrong formats',
    seed: held({
      acquireTime: 'yesterday',
      renewTime: '2026-13-45T99:00:00Z',
      leaseTransitions: 3,
    }),
    expect: 'wait',
    problems: [notTime('acquireTime', 'yesterday'), notTime('renewTime', '2026-13-45T99:00:00Z')],
    transitions: 4,
  },
  {
    what: 'times with 3 fractional digits and an offset (readable)',
    seed: held({ renewTime: '2026-01-01T10:00:00.123+02:00', leaseTransitions: 7 }),
    expect: 'wait',
    problems: [],
    transitions: 8,
  },
  {
    what: 'a valid foreign lease (control row)',
    seed: held({ renewTime: '2026-01-01T10:00:00.123456Z', leaseTransitions: 2 }),
    expect: 'wait',
    problems: [],
    transitions: 3,
  },
];

const annotation = (value: Record<string, unknown>) => JSON.stringify(value);
const annotationRows: Row[] = [
  { what: 'no annotation', seed: undefined, expect: 'takeover', problems: [], transitions: 1 },
  { what: 'an empty annotation', seed: '', expect: 'takeover', problems: [], transitions: 1 },
  {
    what: 'annotation that is not JSON',
    seed: '{"holderIdentity":"ghost","leaseDurationSeconds":',
    expect: 'takeover',
    problems: ['the annotation is not valid JSON'],
    transitions: 1,
  },
  {
    what: 'annotation that is a JSON array',
    seed: '["ghost", 3600]',
    expect: 'takeover',
    problems: ['the annotation is not a JSON object'],
    transitions: 1,
  },
  {
    what: 'annotation that is JSON null',
    seed: 'null',
    expect: 'takeover',
    problems: ['the annotation is not a JSON object'],
    transitions: 1,
  },
  {
    what: 'holderIdentity is a number',
    seed: annotation({ holderIdentity: 42, leaseDurationSeconds: LONG_SECONDS }),
    expect: 'takeover',
    problems: [notString('holderIdentity', 42)],
    transitions: 1,
  },
  {
    what: 'leaseDurationSeconds "abc"',
    seed: annotation({ holderIdentity: 'ghost', leaseDurationSeconds: 'abc' }),
    expect: 'takeover',
    problems: [notInt('leaseDurationSeconds', 'abc'), noDuration('ghost')],
    transitions: 1,
  },
  {
    what: 'negative leaseDurationSeconds',
    seed: annotation({ holderIdentity: 'ghost', leaseDurationSeconds: -1, leaderTransitions: 2 }),
    expect: 'takeover',
    problems: [notInt('leaseDurationSeconds', -1), noDuration('ghost')],
    transitions: 3,
  },
  {
    what: 'huge leaseDurationSeconds (1e12)',
    seed: annotation({ holderIdentity: 'ghost', leaseDurationSeconds: 1e12 }),
    expect: 'takeover',
    problems: [notInt('leaseDurationSeconds', 1e12), noDuration('ghost')],
    transitions: 1,
  },
  {
    what: 'leaseDurationSeconds null',
    seed: annotation({ holderIdentity: 'ghost', leaseDurationSeconds: null }),
    expect: 'takeover',
    problems: [noDuration('ghost')],
    transitions: 1,
  },
  {
    what: 'negative leaderTransitions',
    seed: annotation(held({ leaderTransitions: -3 })),
    expect: 'wait',
    problems: [notInt('leaderTransitions', -3)],
    transitions: 1,
  },
  {
    what: 'times in wrong formats',
    seed: annotation(held({ acquireTime: 12345, renewTime: 'soon', leaderTransitions: 5 })),
    expect: 'wait',
    problems: [notTime('acquireTime', 12345), notTime('renewTime', 'soon')],
    transitions: 6,
  },
  {
    what: "the Python client's record (string duration, naive times): readable",
    seed: annotation({
      holderIdentity: 'ghost',
      leaseDurationSeconds: String(WAIT_SECONDS),
      acquireTime: '2026-08-17 12:34:56.789012',
      renewTime: '2026-08-17 12:34:57',
    }),
    expect: 'wait',
    problems: [],
    transitions: 1,
  },
];

function seedObject(resource: Resource, name: string, seed: unknown): Record<string, unknown> {
  if (resource === 'leases') {
    return { metadata: { name }, ...(seed === undefined ? {} : { spec: seed }) };
  }
  return {
    metadata: {
      name,
      ...(seed === undefined ? {} : { annotations: { [LEADER_ANNOTATION_KEY]: seed } }),
    },
  };
}

/** The record as stored now: the Lease spec (leaseTransitions renamed), or the parsed annotation. */
function storedRecord(server: KubeApiTestServer, resource: Resource, name: string) {
  const object = server.getObject(resource, NS, name);
  assert.ok(object, `${resource} ${NS}/${name} exists`);
  if (resource === 'leases') {
    const spec = object['spec'] as Record<string, unknown>;
    const { leaseTransitions, ...rest } = spec;
    return { ...rest, leaderTransitions: leaseTransitions };
  }
  const annotations = (object['metadata'] as { annotations?: Record<string, string> }).annotations;
  const value = annotations?.[LEADER_ANNOTATION_KEY];
  assert.equal(typeof value, 'string', 'the annotation is a string again');
  return JSON.parse(value!) as Record<string, unknown>;
}

function assertWellFormed(
  record: Record<string, unknown>,
  holder: string,
  seconds: number,
  transitions: number,
) {
  assert.equal(record['holderIdentity'], holder);
  assert.equal(record['leaseDurationSeconds'], seconds);
  assert.match(String(record['acquireTime']), MICRO);
  assert.match(String(record['renewTime']), MICRO);
  assert.equal(record['leaderTransitions'], transitions);
}

const server = new KubeApiTestServer({ bookmarkInterval: 0 });
let admin: KubeConfig;
before(async () => {
  await server.start();
  admin = server.kubeConfig('corrupt-admin');
});
after(() => server.stop());

let seq = 0;

async function runRow(resource: Resource, row: Row): Promise<void> {
  const name = `${resource.slice(0, 5)}-row-${++seq}`;
  const identity = `taker-${seq}`;
  server.putObject(resource, NS, seedObject(resource, name, row.seed));
  const { elector, logger } = kubeElector({
    kubeConfig: admin,
    type: resource as LockType,
    name,
    namespace: NS,
    identity,
  });
  const started = performance.now();
  elector.start();
  try {
    if (row.expect === 'wait') {
      await sleep(WAIT_SECONDS * 1000 * 0.5);
      assert.equal(elector.isLeader(), false, 'a readable holder is not overridden early');
    }
    const took = await waitFor(() => elector.isLeader(), WAIT_SECONDS * 1000 + 8000, 'leadership');
    const elapsed = performance.now() - started;
    if (row.expect === 'takeover') {
      assert.ok(elapsed < 8000, `took over at once, not after a lease duration (${took} ms)`);
    } else {
      assert.ok(
        elapsed >= WAIT_SECONDS * 1000 - 50,
        `waited for the seeded holder's lease to expire (${elapsed.toFixed(0)} ms)`,
      );
    }

    // Nothing crashed or stalled; one warning at most, naming the object and the problems.
    assert.equal(elector.status(), 'running');
    assert.deepEqual(logger.at('error'), [], 'no error-level log line');
    const corrupt = logger.at('warn').filter((w) => w.includes('is corrupted'));
    if (row.problems.length === 0) {
      assert.deepEqual(corrupt, [], 'a readable record is not reported as corrupted');
    } else {
      assert.deepEqual(corrupt, [
        lockMessages.corruptedRecord(objectName(resource, NS, name), row.problems),
      ]);
    }

    // The takeover repaired the record.
    const written = storedRecord(server, resource, name);
    assertWellFormed(written, identity, SECONDS_WRITTEN, row.transitions);
    const reader = new CapturingLogger();
    const fresh = createLock({
      type: resource as LockType,
      name,
      namespace: NS,
      identity: 'reader',
      kubeConfig: admin,
      recordEvents: false,
      logger: reader,
    });
    const got = await fresh.get();
    assert.equal(got.record.holderIdentity, identity);
    assert.deepEqual(
      reader.at('warn').filter((w) => w.includes('is corrupted')),
      [],
      'a fresh reader finds nothing wrong',
    );
  } finally {
    await elector.stop();
  }
  // The release is well-formed too (holder '', 1 s, transitions kept).
  assertWellFormed(storedRecord(server, resource, name), '', 1, row.transitions);
}

describe('matrix: corrupted Lease records', { concurrency: 6 }, () => {
  for (const row of leaseRows) {
    it(`Lease with ${row.what} → ${row.expect}`, () => runRow('leases', row));
  }
});

for (const resource of ['configmaps', 'endpoints'] as const) {
  describe(`matrix: corrupted ${resource} annotation records`, { concurrency: 6 }, () => {
    for (const row of annotationRows) {
      it(`${resource} with ${row.what} → ${row.expect}`, () => runRow(resource, row));
    }
  });
}

describe('matrix: corruption seen while running', () => {
  it('a follower waiting on a long lease takes over when the watch delivers a corrupted record', async () => {
    const name = 'watched-corruption';
    server.putObject('leases', NS, {
      metadata: { name },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: LONG_SECONDS, leaseTransitions: 9 },
    });
    const { elector, logger } = kubeElector({
      kubeConfig: admin,
      name,
      namespace: NS,
      identity: 'watcher',
    });
    elector.start();
    try {
      await waitFor(() => elector.getLeader() === 'ghost', 5000, 'the foreign holder observed');
      await sleep(TIMING.retryPeriod * 2);
      assert.equal(elector.isLeader(), false);
      // A foreign client breaks the record: a holder without a duration counts as expired.
      server.putObject('leases', NS, {
        ...server.getObject('leases', NS, name),
        spec: { holderIdentity: 'ghost', leaseDurationSeconds: 'forever', leaseTransitions: 9 },
      });
      const took = await waitFor(() => elector.isLeader(), 8000, 'takeover after the corruption');
      assert.ok(took < 8000);
      assert.deepEqual(
        logger.at('warn').filter((w) => w.includes('is corrupted')),
        [
          lockMessages.corruptedRecord(objectName('leases', NS, name), [
            notInt('leaseDurationSeconds', 'forever'),
            noDuration('ghost'),
          ]),
        ],
      );
      assertWellFormed(storedRecord(server, 'leases', name), 'watcher', SECONDS_WRITTEN, 10);
    } finally {
      await elector.stop();
    }
  });

  it('a leader whose object is overwritten with garbage keeps (or regains) the lease and repairs it', async () => {
    const name = 'leader-corruption';
    const { elector, logger } = kubeElector({
      kubeConfig: admin,
      type: 'configmaps',
      name,
      namespace: NS,
      identity: 'holder',
    });
    elector.start();
    try {
      await waitFor(() => elector.isLeader(), 5000, 'initial leadership');
      const object = server.getObject('configmaps', NS, name)!;
      const metadata = object['metadata'] as Record<string, unknown>;
      server.putObject('configmaps', NS, {
        ...object,
        metadata: { ...metadata, annotations: { [LEADER_ANNOTATION_KEY]: '%%garbage%%' } },
      });
      await waitFor(
        () => {
          const stored = server.getObject('configmaps', NS, name)?.['metadata'] as
            { annotations?: Record<string, string> } | undefined;
          const value = stored?.annotations?.[LEADER_ANNOTATION_KEY];
          return value !== '%%garbage%%' && elector.isLeader();
        },
        TIMING.renewDeadline + 5000,
        'the leader to rewrite the record',
      );
      const record = storedRecord(server, 'configmaps', name);
      assert.equal(record['holderIdentity'], 'holder');
      assert.equal(record['leaseDurationSeconds'], SECONDS_WRITTEN);
      assert.match(String(record['renewTime']), MICRO);
      assert.equal(elector.status(), 'running');
      assert.deepEqual(logger.at('error'), []);
    } finally {
      await elector.stop();
    }
  });

  it('configmapsleases (MultiLock): a corrupted primary and no Lease yet → takeover writes both', async () => {
    const name = 'multi-corruption';
    server.putObject('configmaps', NS, seedObject('configmaps', name, '{not json'));
    const { elector, logger } = kubeElector({
      kubeConfig: admin,
      type: 'configmapsleases',
      name,
      namespace: NS,
      identity: 'migrator',
    });
    elector.start();
    try {
      await waitFor(() => elector.isLeader(), 8000, 'leadership over both objects');
      assertWellFormed(storedRecord(server, 'configmaps', name), 'migrator', SECONDS_WRITTEN, 1);
      assertWellFormed(storedRecord(server, 'leases', name), 'migrator', SECONDS_WRITTEN, 1);
      assert.deepEqual(
        logger.at('warn').filter((w) => w.includes('is corrupted')),
        [
          lockMessages.corruptedRecord(objectName('configmaps', NS, name), [
            'the annotation is not valid JSON',
          ]),
        ],
      );
    } finally {
      await elector.stop();
    }
  });
});
