import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { CoordinationV1Api, V1MicroTime, Watch } from '@kubernetes/client-node';
import type { KubeApiTestServer } from '../../../lib/testing/index.js';
import { LEASES, raw, startServer, waitUntil } from './kube-api.helpers.js';

const NS = 'default';
const PATH = `${LEASES}/${NS}/leases`;

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  holder?: string;
  object: Record<string, unknown>;
}

interface WatchedObject extends Record<string, unknown> {
  metadata?: { name?: string; resourceVersion?: string };
  spec?: { holderIdentity?: string };
}

/** Opens a client-node watch and records its events and its end. */
async function watch(
  t: TestContext,
  server: KubeApiTestServer,
  query: Record<string, string | number | boolean>,
  token = 'admin',
) {
  const events: Seen[] = [];
  const state: { ended: boolean; error: unknown } = { ended: false, error: undefined };
  const controller = await new Watch(server.kubeConfig(token)).watch(
    PATH,
    query,
    (type, object: WatchedObject) =>
      events.push({
        type,
        name: object?.metadata?.name,
        rv: object?.metadata?.resourceVersion,
        holder: object?.spec?.holderIdentity,
        object,
      }),
    (err) => {
      state.ended = true;
      state.error = err;
    },
  );
  t.after(() => controller.abort());
  return { events, state };
}

const lease = (name: string, holder = 'a') => ({
  metadata: { name },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new V1MicroTime() },
});

describe('KubeApiTestServer: watch', () => {
  it('streams ADDED, MODIFIED and DELETED for the one lease a fieldSelector names', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 0 });
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    await api.createNamespacedLease({ namespace: NS, body: lease('noise') });

    const { events } = await watch(t, server, { fieldSelector: 'metadata.name=lock' });
    await waitUntil(() => events.length === 1);
    assert.equal(events[0].type, 'ADDED', 'rv unset: the current state comes as a synthetic ADDED');

    const current = await api.readNamespacedLease({ name: 'lock', namespace: NS });
    current.spec!.holderIdentity = 'b';
    const updated = await api.replaceNamespacedLease({
      name: 'lock',
      namespace: NS,
      body: current,
    });
    await api.replaceNamespacedLease({
      name: 'noise',
      namespace: NS,
      body: {
        ...(await api.readNamespacedLease({ name: 'noise', namespace: NS })),
        spec: { holderIdentity: 'z' },
      },
    });
    await api.deleteNamespacedLease({ name: 'lock', namespace: NS });
    await waitUntil(() => events.length === 3);
    assert.deepEqual(
      events.map((e) => [e.type, e.name, e.holder]),
      [
        ['ADDED', 'lock', 'a'],
        ['MODIFIED', 'lock', 'b'],
        ['DELETED', 'lock', 'b'],
      ],
    );
    assert.equal(events[1].rv, updated.metadata?.resourceVersion);
    assert.ok(Number(events[2].rv) > Number(events[1].rv), 'a delete consumes a revision');
    assert.equal(events[0].object.kind, 'Lease');
  });

  it('replays only the changes after a given resourceVersion', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 0 });
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const created = await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    const from = created.metadata!.resourceVersion!;
    await api.replaceNamespacedLease({
      name: 'lock',
      namespace: NS,
      body: { ...created, spec: { ...created.spec, holderIdentity: 'b' } },
    });
    const { events } = await watch(t, server, { resourceVersion: from });
    await waitUntil(() => events.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      events.map((e) => [e.type, e.holder]),
      [['MODIFIED', 'b']],
    );
  });

  it('sends BOOKMARKs carrying only the current resourceVersion when asked to', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 40 });
    server.putObject('leases', NS, lease('lock'));
    const { events } = await watch(t, server, {
      fieldSelector: 'metadata.name=lock',
      allowWatchBookmarks: true,
    });
    await waitUntil(() => events.filter((e) => e.type === 'BOOKMARK').length >= 2);
    const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
    assert.deepEqual(bookmark.object, {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { resourceVersion: server.resourceVersion() },
    });

    const { events: plain } = await watch(t, server, { fieldSelector: 'metadata.name=lock' });
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(
      plain.map((e) => e.type),
      ['ADDED'],
      'no bookmarks unless allowWatchBookmarks=true',
    );
  });

  it('answers a too-old resourceVersion after compact() with 200 and one ERROR 410 Expired event', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 0 });
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const created = await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    await api.replaceNamespacedLease({
      name: 'lock',
      namespace: NS,
      body: { ...created, spec: { ...created.spec, holderIdentity: 'b' } },
    });
    server.compact();
    const old = Number(created.metadata!.resourceVersion);

    const response = await raw(server, 'GET', `${PATH}?watch=true&resourceVersion=${old}`);
    assert.equal(response.status, 200);
    assert.equal(
      response.text,
      `${JSON.stringify({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${old} (${server.resourceVersion()})`,
          reason: 'Expired',
          code: 410,
        },
      })}\n`,
    );

    const { events, state } = await watch(t, server, { resourceVersion: String(old) });
    await waitUntil(() => state.ended);
    assert.deepEqual(
      events.map((e) => [e.type, e.object.code]),
      [['ERROR', 410]],
    );

    const fresh = await watch(t, server, { resourceVersion: server.resourceVersion() });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fresh.state.ended, false, 'the current resourceVersion can still be watched');
  });

  it('expires resourceVersions that fell out of the bounded history', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 0, watchHistory: 2 });
    const first = server.resourceVersion();
    for (let i = 0; i < 4; i++) server.putObject('leases', NS, lease(`l${i}`));
    const response = await raw(server, 'GET', `${PATH}?watch=true&resourceVersion=${first}`);
    assert.match(response.text, /"reason":"Expired"/);
    const recent = Number(server.resourceVersion()) - 2;
    const ok = await watch(t, server, { resourceVersion: String(recent) });
    await waitUntil(() => ok.events.length === 2);
    assert.deepEqual(
      ok.events.map((e) => e.name),
      ['l2', 'l3'],
    );
  });

  it('ends every open watch on closeWatches() and honours timeoutSeconds', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 0 });
    server.putObject('leases', NS, lease('lock'));
    const a = await watch(t, server, { fieldSelector: 'metadata.name=lock' });
    const b = await watch(t, server, {});
    await waitUntil(() => a.events.length === 1 && b.events.length === 1);
    server.closeWatches();
    await waitUntil(() => a.state.ended && b.state.ended);
    assert.equal(a.state.error, null, 'a clean close, as when the API server ends a watch');

    const c = await watch(t, server, {});
    await waitUntil(() => c.events.length === 1);
    server.closeWatches({ abrupt: true });
    await waitUntil(() => c.state.ended);

    const started = Date.now();
    const timed = await watch(t, server, { timeoutSeconds: 1 });
    await waitUntil(() => timed.state.ended, 5000);
    assert.ok(Date.now() - started >= 900, 'not before the timeout');
  });

  it('refuses sendInitialEvents with the API server 422 (no WatchList)', async (t) => {
    const server = await startServer(t);
    const response = await raw(
      server,
      'GET',
      `${PATH}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    assert.equal(response.status, 422);
    assert.deepEqual(response.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
      reason: 'Invalid',
      details: {
        group: 'meta.k8s.io',
        kind: 'ListOptions',
        causes: [
          {
            reason: 'FieldValueForbidden',
            message:
              'Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
            field: 'sendInitialEvents',
          },
        ],
      },
      code: 422,
    });
  });

  it('turns a label change across a labelSelector into ADDED and DELETED', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 0 });
    server.putObject('leases', NS, {
      ...lease('lock'),
      metadata: { name: 'lock', labels: { tier: 'a' } },
    });
    const { events } = await watch(t, server, { labelSelector: 'tier=b' });
    server.putObject('leases', NS, {
      ...lease('lock'),
      metadata: { name: 'lock', labels: { tier: 'b' } },
    });
    server.putObject('leases', NS, {
      ...lease('lock'),
      metadata: { name: 'lock', labels: { tier: 'c' } },
    });
    await waitUntil(() => events.length === 2);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'DELETED'],
    );
  });
});
