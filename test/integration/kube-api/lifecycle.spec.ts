import assert from 'node:assert/strict';
import * as http from 'node:http';
import { describe, it } from 'node:test';
import { CoordinationV1Api, Watch } from '@kubernetes/client-node';
import { KubeApiTestServer } from '../../../lib/testing/index.js';
import { raw, startServer, waitUntil } from './kube-api.helpers.js';

const NS = 'default';

describe('KubeApiTestServer: lifecycle', () => {
  it('explains misuse: url before start, start twice, start after stop', async () => {
    const server = new KubeApiTestServer();
    assert.throws(
      () => server.url,
      /url is not available before start\(\): await server.start\(\) first/,
    );
    await server.start();
    await assert.rejects(server.start(), /start\(\) was already called/);
    await server.stop();
    await assert.rejects(server.start(), /was stopped: create a new server/);
    assert.throws(
      () => new KubeApiTestServer({ port: 70000 }),
      /option port must be an integer from 0 to 65535, got 70000/,
    );
    assert.throws(
      () => new KubeApiTestServer({ watchHistory: -1 }),
      /option watchHistory must be a finite number >= 0, got -1/,
    );
  });

  it('listens on 127.0.0.1 only', async (t) => {
    const server = await startServer(t);
    const { hostname } = new URL(server.url);
    assert.equal(hostname, '127.0.0.1');
  });

  it('stop() ends open watches, hung and delayed requests and keep-alive sockets, and is idempotent', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 20 });
    const kc = server.kubeConfig();
    let watchEnded = false;
    const controller = await new Watch(kc).watch(
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`,
      { allowWatchBookmarks: true },
      () => {},
      () => (watchEnded = true),
    );
    t.after(() => controller.abort());

    server.fault({ kind: 'hang' }, { match: { token: 'hung' } });
    server.fault({ kind: 'latency', ms: 60_000 }, { match: { token: 'slow' } });
    const hung = server
      .kubeConfig('hung')
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'x', namespace: NS })
      .then(
        () => 'answered',
        () => 'failed',
      );
    const slow = server
      .kubeConfig('slow')
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'x', namespace: NS })
      .then(
        () => 'answered',
        () => 'failed',
      );

    // A keep-alive connection that stays idle after its request.
    const agent = new http.Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    let keptAliveClosed = false;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(
        `${server.url}/version`,
        { agent, headers: { authorization: 'Bearer admin' } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('socket', (socket) => socket.once('close', () => (keptAliveClosed = true)));
      req.on('error', reject);
    });
    await waitUntil(
      () => server.requests().filter((r) => r.token === 'hung' || r.token === 'slow').length === 2,
    );

    const started = performance.now();
    await server.stop();
    await server.stop();
    assert.equal(await hung, 'failed');
    assert.equal(await slow, 'failed');
    await waitUntil(() => watchEnded && keptAliveClosed);
    assert.ok(performance.now() - started < 5000, 'nothing waited for the 60 s latency');
  });
});

describe('KubeApiTestServer: seeding and inspecting objects', () => {
  it('putObject stores as-is, fills metadata, bumps the resourceVersion; get/list/delete see it', async (t) => {
    const server = await startServer(t);
    const before = Number(server.resourceVersion());
    const stored = server.putObject('leases', 'seeded', {
      metadata: { name: 'odd' },
      // Not valid for the API (a real server would refuse it): seeding skips validation.
      spec: { leaseDurationSeconds: 0, holderIdentity: 'x', strategy: 'Custom' },
    });
    assert.equal(stored.kind, 'Lease');
    assert.equal(stored.apiVersion, 'coordination.k8s.io/v1');
    const meta = stored.metadata as Record<string, unknown>;
    assert.equal(meta.namespace, 'seeded');
    assert.match(String(meta.uid), /^[0-9a-f-]{36}$/);
    assert.ok(Number(meta.resourceVersion) > before);

    const copy = server.getObject('leases', 'seeded', 'odd');
    (copy!.spec as Record<string, unknown>).holderIdentity = 'mutated';
    assert.equal(
      (server.getObject('leases', 'seeded', 'odd')!.spec as Record<string, unknown>).holderIdentity,
      'x',
      'a deep copy',
    );

    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const read = await api.readNamespacedLease({ name: 'odd', namespace: 'seeded' });
    assert.equal(read.spec?.leaseDurationSeconds, 0);
    assert.equal(server.listObjects('leases').length, 1);
    assert.equal(
      server
        .listObjects('namespaces')
        .some((n) => (n.metadata as Record<string, unknown>).name === 'seeded'),
      true,
    );
    assert.equal(server.deleteObject('leases', 'seeded', 'odd'), true);
    assert.equal(server.deleteObject('leases', 'seeded', 'odd'), false);
    assert.throws(() => server.getObject('pods', NS, 'x'), /unknown resource "pods"; use one of/);
    assert.throws(
      () => server.putObject('leases', NS, { metadata: {} }),
      /object.metadata.name is required/,
    );
  });

  it('drops spec.strategy / spec.preferredHolder unless coordinatedLeaderElection is on', async (t) => {
    const spec = { holderIdentity: 'a', strategy: 'OldestEmulationVersion', preferredHolder: 'b' };
    const off = await startServer(t);
    const created = await raw(off, 'POST', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, {
      body: { metadata: { name: 'l' }, spec },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json.spec, { holderIdentity: 'a' });

    const on = await startServer(t, { coordinatedLeaderElection: true });
    const kept = await raw(on, 'POST', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, {
      body: { metadata: { name: 'l' }, spec },
    });
    assert.deepEqual(kept.json.spec, spec);
    const bad = await raw(on, 'POST', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, {
      body: { metadata: { name: 'm' }, spec: { preferredHolder: 'b', strategy: 'Foo' } },
    });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.json.message,
      'Lease.coordination.k8s.io "m" is invalid: spec.strategy.strategy: Unsupported value: "Foo": supported values: "OldestEmulationVersion"',
    );
  });
});
