import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import { LockError } from '../../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../../lib/core/leader-election-record.js';
import { createLock } from '../../../lib/core/locks/lock-factory.js';
import { LOCK_TYPES, type LockType } from '../../../lib/core/locks/lock-factory.types.js';
import { LEADER_ANNOTATION_KEY } from '../../../lib/core/locks/legacy/annotation-record.js';
import { UNKNOWN_LEADER } from '../../../lib/core/locks/legacy/multi-lock.js';
import type {
  LockWatchEvent,
  ResourceLock,
} from '../../../lib/core/locks/resource-lock.interface.js';
import { KubeApiTestServer } from '../../../lib/testing/kube-api-test-server.js';

const NS = 'locks-it';
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const server = new KubeApiTestServer({ bookmarkInterval: 0 });
let admin: KubeConfig;
before(async () => {
  await server.start();
  admin = server.kubeConfig('admin');
});
after(() => server.stop());

let seq = 0;
const uniqueName = (prefix: string) => `${prefix}-${++seq}`;

const record = (
  holder: string,
  transitions = 0,
  at = Date.parse('2026-08-17T12:34:56.455Z'),
): LeaderElectionRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: new Date(at),
  renewTime: new Date(at + 1),
  leaderTransitions: transitions,
});

function lockFor(
  type: LockType,
  name: string,
  identity: string,
  extra: { labels?: Record<string, string>; kubeConfig?: KubeConfig } = {},
): ResourceLock {
  return createLock({
    type,
    name,
    namespace: NS,
    identity,
    kubeConfig: extra.kubeConfig ?? admin,
    labels: extra.labels,
    recordEvents: false,
  });
}

/** Resources a lock type writes: [primary, secondary?]. */
const resourcesOf = (type: LockType): string[] =>
  ({
    leases: ['leases'],
    configmaps: ['configmaps'],
    endpoints: ['endpoints'],
    configmapsleases: ['configmaps', 'leases'],
    endpointsleases: ['endpoints', 'leases'],
  })[type];

const annotationOf = (object: Record<string, unknown> | undefined): string | undefined =>
  ((object?.['metadata'] as { annotations?: Record<string, string> } | undefined)?.annotations ??
    {})[LEADER_ANNOTATION_KEY];
const labelsOf = (object: Record<string, unknown> | undefined) =>
  (object?.['metadata'] as { labels?: Record<string, string> } | undefined)?.labels;

/** Waits (bounded) until `check` returns a value. */
async function eventually<T>(
  check: () => T | undefined,
  what: string,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const type of LOCK_TYPES) {
  describe(`${type} lock against KubeApiTestServer`, () => {
    it('get 404 → create → get → update → stale update is a Conflict', async () => {
      const name = uniqueName(type);
      const a = lockFor(type, name, 'replica-a');
      await assert.rejects(
        a.get(),
        (err: LockError) => err instanceof LockError && err.reason === 'NotFound',
      );

      await a.create(record('replica-a'));
      const first = await a.get();
      assert.deepEqual(first.record, record('replica-a'));
      assert.ok(first.raw.length > 0);

      await a.update(record('replica-a', 0, Date.parse('2026-08-17T12:35:00Z')));
      const second = await a.get();
      assert.equal(second.record.renewTime?.toISOString(), '2026-08-17T12:35:00.001Z');
      assert.notEqual(second.raw, first.raw);

      // b reads, then a writes: b's cached resourceVersion is stale.
      const b = lockFor(type, name, 'replica-b');
      await b.get();
      await a.update(record('replica-a', 0, Date.parse('2026-08-17T12:35:02Z')));
      await assert.rejects(b.update(record('replica-b', 1)), (err: LockError) => {
        assert.equal(err.reason, 'Conflict');
        assert.equal(err.statusCode, 409);
        assert.match(err.message, /the object has been modified/);
        return true;
      });
      assert.equal((await a.get()).record.holderIdentity, 'replica-a');
    });

    it('a second create is AlreadyExists, not Conflict', async () => {
      const name = uniqueName(type);
      await lockFor(type, name, 'a').create(record('a'));
      await assert.rejects(
        lockFor(type, name, 'b').create(record('b')),
        (err: LockError) => err.reason === 'AlreadyExists',
      );
    });

    it("stores the record in client-go's format", async () => {
      const name = uniqueName(type);
      const lock = lockFor(type, name, 'replica-a');
      await lock.create({ ...record('replica-a', 4) });
      for (const resource of resourcesOf(type)) {
        const object = server.getObject(resource, NS, name);
        assert.ok(object, `${resource} exists`);
        if (resource === 'leases') {
          const spec = object['spec'] as Record<string, unknown>;
          assert.deepEqual(spec, {
            holderIdentity: 'replica-a',
            leaseDurationSeconds: 15,
            acquireTime: '2026-08-17T12:34:56.455000Z',
            renewTime: '2026-08-17T12:34:56.456000Z',
            leaseTransitions: 4,
          });
          assert.match(String(spec['renewTime']), MICRO);
          assert.equal(object['kind'], 'Lease');
        } else {
          const annotation = annotationOf(object);
          assert.ok(annotation, 'annotation present');
          const parsed = JSON.parse(annotation) as Record<string, unknown>;
          assert.deepEqual(Object.keys(parsed), [
            'holderIdentity',
            'leaseDurationSeconds',
            'acquireTime',
            'renewTime',
            'leaderTransitions',
          ]);
          assert.equal(parsed['holderIdentity'], 'replica-a');
          assert.equal(parsed['leaseDurationSeconds'], 15);
          assert.equal(parsed['leaderTransitions'], 4);
          assert.match(String(parsed['renewTime']), MICRO);
        }
      }
    });

    it('sets labels on create and merges them on update', async () => {
      const name = uniqueName(type);
      const lock = lockFor(type, name, 'a', { labels: { app: 'jobs', tier: 'batch' } });
      await lock.create(record('a'));
      for (const resource of resourcesOf(type))
        assert.deepEqual(labelsOf(server.getObject(resource, NS, name)), {
          app: 'jobs',
          tier: 'batch',
        });

      // Someone else adds a label and changes ours.
      for (const resource of resourcesOf(type)) {
        const object = server.getObject(resource, NS, name)!;
        const metadata = object['metadata'] as Record<string, unknown>;
        server.putObject(resource, NS, {
          ...object,
          metadata: { ...metadata, labels: { app: 'changed', owner: 'ops' } },
        });
      }
      await lock.get();
      await lock.update(record('a', 0, Date.parse('2026-08-17T13:00:00Z')));
      for (const resource of resourcesOf(type))
        assert.deepEqual(labelsOf(server.getObject(resource, NS, name)), {
          app: 'jobs',
          tier: 'batch',
          owner: 'ops',
        });
    });

    it('a hanging API server gives a prompt Timeout LockError through the signal', async () => {
      const name = uniqueName(type);
      const lock = lockFor(type, name, 'a');
      const fault = server.fault({ kind: 'hang' }, { match: { namespace: NS, name } });
      try {
        const started = performance.now();
        await assert.rejects(lock.get({ signal: AbortSignal.timeout(200) }), (err: LockError) => {
          assert.equal(err.reason, 'Timeout');
          assert.ok(err.message.includes(server.url.replace(/\/$/, '')), err.message);
          return true;
        });
        assert.ok(performance.now() - started < 2000, 'rejected promptly');
      } finally {
        fault.clear();
      }
    });
  });
}

describe('records written by other clients', () => {
  it("reads a Go client's annotation (whole-second times)", async () => {
    const name = uniqueName('go');
    server.putObject('configmaps', NS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: NS,
        annotations: {
          [LEADER_ANNOTATION_KEY]:
            '{"holderIdentity":"kube-ctrl_1","leaseDurationSeconds":15,"acquireTime":"2026-01-01T00:00:00Z","renewTime":"2026-01-01T00:00:10Z","leaderTransitions":3}',
        },
      },
    });
    const got = await lockFor('configmaps', name, 'me').get();
    assert.deepEqual(got.record, {
      holderIdentity: 'kube-ctrl_1',
      leaseDurationSeconds: 15,
      acquireTime: new Date('2026-01-01T00:00:00Z'),
      renewTime: new Date('2026-01-01T00:00:10Z'),
      leaderTransitions: 3,
    });
  });

  it("reads the Python client's annotation (string duration, naive times, no transitions)", async () => {
    const name = uniqueName('py');
    const annotation =
      '{"holderIdentity": "py-worker", "leaseDurationSeconds": "17", "acquireTime": "2026-08-17 12:34:56.789012", "renewTime": "2026-08-17 12:35:00"}';
    server.putObject('configmaps', NS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: NS, annotations: { [LEADER_ANNOTATION_KEY]: annotation } },
    });
    const lock = lockFor('configmaps', name, 'me');
    const got = await lock.get();
    assert.deepEqual(got.record, {
      holderIdentity: 'py-worker',
      leaseDurationSeconds: 17,
      acquireTime: new Date('2026-08-17T12:34:56.789Z'),
      renewTime: new Date('2026-08-17T12:35:00Z'),
      leaderTransitions: 0,
    });
    assert.equal(got.raw, annotation);
    // And we can take it over: our update replaces it with client-go's format.
    await lock.update({ ...record('me', 1) });
    assert.equal(
      JSON.parse(annotationOf(server.getObject('configmaps', NS, name))!).holderIdentity,
      'me',
    );
  });

  it('reads a Lease without leaseTransitions', async () => {
    const name = uniqueName('nolt');
    server.putObject('leases', NS, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: NS },
      spec: {
        holderIdentity: 'other',
        leaseDurationSeconds: 10,
        renewTime: '2026-08-17T12:34:56.123456Z',
      },
    });
    const got = await lockFor('leases', name, 'me').get();
    assert.deepEqual(got.record, {
      holderIdentity: 'other',
      leaseDurationSeconds: 10,
      acquireTime: null,
      renewTime: new Date('2026-08-17T12:34:56.123Z'),
      leaderTransitions: 0,
    });
  });

  it('reads a corrupted annotation as an empty record with one warning, and never throws', async () => {
    const name = uniqueName('bad');
    server.putObject('endpoints', NS, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name,
        namespace: NS,
        annotations: { [LEADER_ANNOTATION_KEY]: '{"holderIdentity": "x", oops' },
      },
    });
    const warnings: string[] = [];
    const lock = createLock({
      type: 'endpoints',
      name,
      namespace: NS,
      identity: 'me',
      kubeConfig: admin,
      recordEvents: false,
      logger: { log() {}, error() {}, warn: (m: string) => warnings.push(m) },
    });
    const got = await lock.get();
    assert.equal(got.record.holderIdentity, '');
    await lock.get();
    const corrupt = warnings.filter((w) => w.includes('corrupted'));
    assert.equal(corrupt.length, 1);
    assert.match(corrupt[0] ?? '', new RegExp(`Endpoints ${NS}/${name}`));
  });

  it('MultiLock reports the unknown leader while the two objects disagree', async () => {
    const name = uniqueName('split');
    const lock = lockFor('configmapsleases', name, 'me');
    await lock.create(record('a'));
    const lease = server.getObject('leases', NS, name)!;
    server.putObject('leases', NS, {
      ...lease,
      spec: { ...(lease['spec'] as object), holderIdentity: 'b' },
    });
    const got = await lock.get();
    assert.equal(got.record.holderIdentity, UNKNOWN_LEADER);
    assert.ok(got.raw.includes('","') || got.raw.includes('},{') || got.raw.includes(','));
  });
});

describe('permissions', () => {
  const TOKEN = 'restricted-token-9f8e7d6c5b4a';

  it('403 names verb, resource, namespace and the Role rule to add, and not the token', async () => {
    server.addToken(TOKEN, {
      user: 'system:serviceaccount:locks-it:jobs',
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] }],
    });
    const name = uniqueName('rbac');
    const lock = lockFor('leases', name, 'a', { kubeConfig: server.kubeConfig(TOKEN) });
    await assert.rejects(lock.create(record('a')), (err: LockError) => {
      assert.equal(err.reason, 'Forbidden');
      assert.equal(err.statusCode, 403);
      assert.match(
        err.message,
        /^cannot create leases\.coordination\.k8s\.io in namespace "locks-it": 403 Forbidden \(/,
      );
      assert.match(
        err.message,
        /User "system:serviceaccount:locks-it:jobs" cannot create resource "leases"/,
      );
      assert.match(
        err.message,
        /Grant it with a Role rule in namespace "locks-it": apiGroups \["coordination\.k8s\.io"\], resources \["leases"\], verbs \["create"\]$/,
      );
      assert.ok(!err.message.includes(TOKEN));
      return true;
    });
  });

  it('redacts the token even when the server echoes it (default test user name)', async () => {
    const token = 'echoed-token-0a1b2c3d4e5f';
    server.addToken(token, { rules: [] });
    const name = uniqueName('rbac');
    const lock = lockFor('leases', name, 'a', { kubeConfig: server.kubeConfig(token) });
    await assert.rejects(lock.get(), (err: LockError) => {
      assert.equal(err.reason, 'Forbidden');
      assert.match(
        err.message,
        /^cannot get leases\.coordination\.k8s\.io "rbac-\d+" in namespace "locks-it": 403 Forbidden/,
      );
      assert.match(err.message, /verbs \["get"\], resourceNames \["rbac-\d+"\]$/);
      assert.ok(!err.message.includes(token), err.message);
      return true;
    });
  });

  it('an unreachable server is Unavailable and names the server', async () => {
    const down = new KubeApiTestServer();
    await down.start();
    const kubeConfig = down.kubeConfig('admin');
    const url = down.url;
    await down.stop();
    const lock = lockFor('leases', uniqueName('down'), 'a', { kubeConfig });
    await assert.rejects(lock.get({ signal: AbortSignal.timeout(5000) }), (err: LockError) => {
      assert.equal(err.reason, 'Unavailable');
      assert.ok(err.message.includes(url.replace(/\/$/, '')), err.message);
      return true;
    });
  });
});

describe('events', () => {
  for (const type of ['leases', 'configmaps', 'endpoints'] as const) {
    it(`posts core/v1 LeaderElection events on the ${type} object`, async () => {
      const name = uniqueName(`ev-${type}`);
      const lock = createLock({
        type,
        name,
        namespace: NS,
        identity: 'pod-a_1',
        kubeConfig: admin,
        eventComponent: 'billing',
      });
      await lock.create(record('pod-a_1'));
      lock.recordEvent('became leader');
      lock.recordEvent('stopped leading');
      const events = await eventually(() => {
        const found = server
          .listObjects('events', NS)
          .filter((e) => (e['involvedObject'] as { name?: string } | undefined)?.name === name);
        return found.length === 2 ? found : undefined;
      }, 'two events');
      const object = server.getObject(type, NS, name)!;
      const meta = object['metadata'] as { uid: string; resourceVersion: string };
      const kind = { leases: 'Lease', configmaps: 'ConfigMap', endpoints: 'Endpoints' }[type];
      const messages = events.map((e) => e['message']).sort();
      assert.deepEqual(messages, ['pod-a_1 became leader', 'pod-a_1 stopped leading']);
      for (const e of events) {
        assert.equal(e['reason'], 'LeaderElection');
        assert.equal(e['type'], 'Normal');
        assert.equal(e['count'], 1);
        assert.deepEqual(e['involvedObject'], {
          kind,
          apiVersion: type === 'leases' ? 'coordination.k8s.io/v1' : 'v1',
          namespace: NS,
          name,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
        });
        assert.match(
          String((e['metadata'] as { name: string }).name),
          new RegExp(`^${name}\\.[0-9a-f]+$`),
        );
        assert.equal(e['firstTimestamp'], e['lastTimestamp']);
        assert.match(String(e['firstTimestamp']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        assert.equal((e['source'] as { component: string }).component, 'billing');
        assert.equal(e['reportingComponent'], 'billing');
      }
    });
  }

  it('recordEvents: false posts nothing', async () => {
    const name = uniqueName('noev');
    const lock = lockFor('leases', name, 'a');
    await lock.create(record('a'));
    lock.recordEvent('became leader');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(
      server
        .listObjects('events', NS)
        .filter((e) => (e['involvedObject'] as { name?: string }).name === name).length,
      0,
    );
  });
});

describe('watch', () => {
  for (const type of ['leases', 'configmaps', 'endpoints'] as const) {
    it(`${type}: sees MODIFIED and DELETED for the named object only, resumes, relists after 410`, async () => {
      const name = uniqueName(`w-${type}`);
      const writer = lockFor(type, name, 'writer');
      const neighbour = lockFor(type, `${name}-other`, 'writer');
      await writer.create(record('writer'));
      await neighbour.create(record('writer'));
      const watcherToken = `watcher-${type}`;
      const watcher = lockFor(type, name, 'watcher', {
        kubeConfig: server.kubeConfig(watcherToken),
      });
      const gets = () => server.counters().byToken[watcherToken]?.['get'] ?? 0;
      await watcher.get();

      const events: LockWatchEvent[] = [];
      const closes: (Error | undefined)[] = [];
      const handlers = {
        onEvent: (e: LockWatchEvent) => events.push(e),
        onClose: (e?: Error) => closes.push(e),
      };
      let handle = watcher.watch!(handlers);
      try {
        await new Promise((r) => setTimeout(r, 50));
        await neighbour.update(record('someone-else', 1));
        await writer.update(record('writer', 0, Date.parse('2026-08-17T13:00:00Z')));
        const modified = await eventually(
          () => events.find((e) => e.type === 'MODIFIED'),
          'MODIFIED',
        );
        assert.equal(modified.record.holderIdentity, 'writer');
        assert.equal(modified.record.renewTime?.toISOString(), '2026-08-17T13:00:00.001Z');
        assert.equal(events.length, 1, 'nothing for the other object');

        // The watched state is cached: the watcher can PUT without a GET.
        const getsBeforePut = gets();
        await watcher.update(record('watcher', 1));
        assert.equal(gets(), getsBeforePut, 'no GET before the PUT');
        // Our own write may be echoed (harmlessly, same raw) or recognised as already seen.
        await new Promise((r) => setTimeout(r, 50));
        const seen = events.length;
        assert.ok(events.slice(1).every((e) => e.record.holderIdentity === 'watcher'));

        // A server-side close is reported; watching again resumes without replaying.
        server.closeWatches();
        await eventually(() => (closes.length === 1 ? true : undefined), 'onClose');
        assert.equal(closes[0], undefined);
        handle = watcher.watch!(handlers);
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(events.length, seen, 'no replay after resuming');
        await writer.get();
        await writer.update(record('writer', 2, Date.parse('2026-08-17T13:01:00Z')));
        const resumed = await eventually(
          () =>
            events.find((e) => e.record.renewTime?.toISOString() === '2026-08-17T13:01:00.001Z'),
          'event after resume',
        );
        assert.equal(resumed.type, 'MODIFIED');
        assert.equal(resumed.record.holderIdentity, 'writer');

        // Missed changes while not watching, then history compacted: resuming gets 410, the
        // lock re-reads the object (one GET) and delivers only the fresh state; no close.
        server.closeWatches();
        await eventually(() => (closes.length === 2 ? true : undefined), 'second onClose');
        await writer.update(record('writer', 2, Date.parse('2026-08-17T13:02:00Z')));
        server.compact();
        const getsBefore = gets();
        handle = watcher.watch!(handlers);
        const fresh = await eventually(
          () =>
            events.find((e) => e.record.renewTime?.toISOString() === '2026-08-17T13:02:00.001Z'),
          'fresh state after 410',
        );
        assert.equal(fresh.type, 'MODIFIED');
        assert.equal(gets(), getsBefore + 1, 'one relist GET');
        await writer.update(record('writer', 2, Date.parse('2026-08-17T13:03:00Z')));
        await eventually(
          () =>
            events.find((e) => e.record.renewTime?.toISOString() === '2026-08-17T13:03:00.001Z'),
          'events after the relist',
        );
        assert.equal(closes.length, 2, 'a 410 does not close the watch for the caller');
        // The restarted watch's synthetic ADDED repeats the relisted state: not delivered.
        assert.ok(!events.some((e) => e.type === 'ADDED'), 'no duplicate ADDED after the relist');
        assert.ok(
          server
            .requests()
            .some((r) => r.token === watcherToken && r.verb === 'watch' && r.status === 200),
        );

        server.deleteObject(type, NS, name);
        const deleted = await eventually(() => events.find((e) => e.type === 'DELETED'), 'DELETED');
        assert.equal(deleted.record.holderIdentity, 'writer');
        await assert.rejects(watcher.update(record('watcher', 3)), /not initialized/);
      } finally {
        handle.stop();
      }
      const count = events.length;
      await writer.create(record('writer'));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(events.length, count, 'nothing after stop()');
      assert.equal(closes.length, 2, 'stop() does not call onClose');
    });
  }

  it('a change between the relist and the restarted watch arrives as MODIFIED, once', async () => {
    const name = uniqueName('relist-race');
    const writer = lockFor('leases', name, 'writer');
    await writer.create(record('writer'));
    const watcher = lockFor('leases', name, 'watcher');
    await watcher.get();
    // The watcher misses this write and the history behind it: its resume gets 410 and relists.
    await writer.update(record('writer', 0, Date.parse('2026-08-17T14:00:00Z')));
    server.compact();
    const events: LockWatchEvent[] = [];
    // Both watch requests (the resume that gets 410, then the fresh one after the relist) wait
    // 300 ms before the server reads the state, so the write below lands in between.
    const fault = server.fault(
      { kind: 'latency', ms: 300 },
      { match: { verb: 'watch', name }, times: 2 },
    );
    const handle = watcher.watch!({ onEvent: (e) => events.push(e), onClose: () => undefined });
    try {
      await eventually(
        () => events.find((e) => e.record.renewTime?.toISOString() === '2026-08-17T14:00:00.001Z'),
        'relisted state',
      );
      await writer.update(record('writer', 0, Date.parse('2026-08-17T14:01:00Z')));
      const added = await eventually(
        () => events.find((e) => e.record.renewTime?.toISOString() === '2026-08-17T14:01:00.001Z'),
        'state from the restarted watch',
      );
      assert.equal(added.type, 'MODIFIED', 'the same object, changed: not ADDED');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(
        events.map((e) => e.type),
        ['MODIFIED', 'MODIFIED'],
      );
    } finally {
      handle.stop();
      fault.clear();
    }
  });

  it('a watch denied by RBAC closes with a Forbidden LockError', async () => {
    const token = 'no-watch-token-1234567';
    server.addToken(token, {
      user: 'system:serviceaccount:locks-it:nowatch',
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] }],
    });
    const lock = lockFor('leases', uniqueName('nowatch'), 'a', {
      kubeConfig: server.kubeConfig(token),
    });
    const closed = await new Promise<Error | undefined>((resolve) => {
      lock.watch!({ onEvent: () => undefined, onClose: resolve });
    });
    assert.ok(closed instanceof LockError);
    assert.equal(closed.reason, 'Forbidden');
    assert.match(closed.message, /verbs \["watch"\], resourceNames \["nowatch-\d+"\]$/);
  });

  it('stop() while the server hangs the watch request leaves nothing open', async () => {
    const name = uniqueName('hangw');
    const fault = server.fault({ kind: 'hang' }, { match: { verb: 'watch', name } });
    try {
      const lock = lockFor('leases', name, 'a');
      let closed = false;
      const handle = lock.watch!({ onEvent: () => undefined, onClose: () => (closed = true) });
      await new Promise((r) => setTimeout(r, 50));
      handle.stop();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(closed, false);
    } finally {
      fault.clear();
    }
  });
});

describe('Endpoints deprecation warning', () => {
  it('is logged once per lock, not on every request', async () => {
    const warnings: string[] = [];
    const lock = createLock({
      type: 'endpoints',
      name: uniqueName('depr'),
      namespace: NS,
      identity: 'a',
      kubeConfig: admin,
      recordEvents: false,
      logger: { log() {}, error() {}, warn: (m: string) => warnings.push(m) },
    });
    await assert.rejects(lock.get());
    await lock.create(record('a'));
    for (let i = 0; i < 3; i++) {
      await lock.get();
      await lock.update(record('a', 0, Date.parse('2026-08-17T12:00:00Z') + i * 1000));
    }
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /Endpoints locks-it\/depr-\d+: v1 Endpoints is deprecated/);
    assert.doesNotMatch(warnings[0] ?? '', /^\d{3} -/);
  });
});

describe('transport', () => {
  it('works over TLS with the kubeconfig CA (verification stays on), including watch', async () => {
    const tls = new KubeApiTestServer({ tls: true, bookmarkInterval: 0 });
    await tls.start();
    try {
      assert.match(tls.url, /^https:/);
      const kubeConfig = tls.kubeConfig('admin');
      assert.notEqual(kubeConfig.getCurrentCluster()?.skipTLSVerify, true);
      const name = uniqueName('tls');
      const writer = lockFor('leases', name, 'w', { kubeConfig });
      await writer.create(record('w'));
      const watcher = lockFor('leases', name, 'r', { kubeConfig });
      await watcher.get();
      const events: LockWatchEvent[] = [];
      const handle = watcher.watch!({ onEvent: (e) => events.push(e), onClose: () => undefined });
      try {
        await new Promise((r) => setTimeout(r, 50));
        await writer.update(record('w', 0, Date.parse('2026-08-17T14:00:00Z')));
        const seen = await eventually(() => events[0], 'event over TLS');
        assert.equal(seen.record.renewTime?.toISOString(), '2026-08-17T14:00:00.001Z');
      } finally {
        handle.stop();
      }
    } finally {
      await tls.stop();
    }
  });

  it('a lost response (write applied, socket dropped) is Unavailable, and the write is there', async () => {
    const name = uniqueName('drop');
    const lock = lockFor('leases', name, 'a');
    await lock.create(record('a'));
    const fault = server.fault(
      { kind: 'drop-response' },
      { match: { verb: 'update', name }, times: 1 },
    );
    try {
      await assert.rejects(
        lock.update(record('a', 0, Date.parse('2026-08-17T15:00:00Z')), {
          signal: AbortSignal.timeout(5000),
        }),
        (err: LockError) => err.reason === 'Unavailable',
      );
    } finally {
      fault.clear();
    }
    const spec = server.getObject('leases', NS, name)?.['spec'] as Record<string, unknown>;
    assert.equal(spec['renewTime'], '2026-08-17T15:00:00.001000Z');
    // The cache still holds the pre-write version: the next fast-path update conflicts.
    await assert.rejects(lock.update(record('a')), (err: LockError) => err.reason === 'Conflict');
  });
});
