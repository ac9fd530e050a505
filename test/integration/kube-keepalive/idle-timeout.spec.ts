/**
 * The pool cleans up after itself: an idle pooled connection is closed after the cache's
 * idleTimeout (well before the server's 5 s keep-alive would), and the same timeout never cuts
 * a slow answer on a connection in use. Requests go through client-node's CoordinationV1Api
 * with the library's request middleware and a private AgentCache.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { AgentCache } from '../../../lib/core/kube/agent-cache.js';
import { requestOptions } from '../../../lib/core/kube/request-options.js';
import { KubeApiTestServer } from '../../../lib/testing/kube-api-test-server.js';
import { ConnectionCounter, portOf, waitFor } from './keepalive.helpers.js';

const NS = 'keepalive';
const IDLE_MS = 300;

const server = new KubeApiTestServer({ tls: true, bookmarkInterval: 0 });
before(async () => {
  await server.start();
  server.putObject('leases', NS, { metadata: { name: 'idle' }, spec: {} });
});
after(() => server.stop());

describe('keep-alive: idle pooled connections close by themselves', () => {
  it(`an idle connection is closed after idleTimeout (${IDLE_MS} ms)`, async () => {
    const cache = new AgentCache({ idleTimeout: IDLE_MS });
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const counter = new ConnectionCounter(portOf(server.url));
    try {
      for (let i = 0; i < 3; i++)
        await api.readNamespacedLease(
          { name: 'idle', namespace: NS },
          requestOptions(undefined, undefined, cache),
        );
      assert.deepEqual(counter.count(), { requests: 3, connections: 1, reused: 2 });
      await waitFor(() => cache.connections().idle === 1, 1000, 'the pooled connection');
      assert.deepEqual(cache.connections(), { active: 0, idle: 1 });
      // The server's own keep-alive (5 s, hinted as timeout=5) would close it only after ~4 s.
      const waited = await waitFor(
        () => cache.connections().idle === 0,
        3000,
        'the idle connection to close',
      );
      assert.ok(waited >= IDLE_MS - 50, `closed after ${waited.toFixed(0)} ms`);
      // The next request opens a new connection (and pools it again).
      await api.readNamespacedLease(
        { name: 'idle', namespace: NS },
        requestOptions(undefined, undefined, cache),
      );
      assert.equal(counter.count().connections, 2);
    } finally {
      counter.stop();
      cache.destroy();
    }
  });

  it('closeIdle() closes idle pooled connections at once, and the pool still works', async () => {
    const cache = new AgentCache();
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const read = () =>
      api.readNamespacedLease(
        { name: 'idle', namespace: NS },
        requestOptions(undefined, undefined, cache),
      );
    try {
      await read();
      await waitFor(() => cache.connections().idle === 1, 1000, 'the pooled connection');
      cache.closeIdle();
      await waitFor(() => cache.connections().idle === 0, 1000, 'idle connections closed');
      assert.equal((await read()).metadata?.name, 'idle');
    } finally {
      cache.destroy();
    }
  });

  it('an answer slower than idleTimeout on a pooled connection is not cut', async () => {
    const cache = new AgentCache({ idleTimeout: IDLE_MS });
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const read = () =>
      api.readNamespacedLease(
        { name: 'idle', namespace: NS },
        requestOptions(undefined, undefined, cache),
      );
    try {
      await read();
      const fault = server.fault({ kind: 'latency', ms: IDLE_MS * 3 }, { times: 1 });
      const start = performance.now();
      const lease = await read();
      const took = performance.now() - start;
      fault.clear();
      assert.equal(lease.metadata?.name, 'idle');
      assert.ok(took >= IDLE_MS * 3 - 50, `the answer was delayed (${took.toFixed(0)} ms)`);
    } finally {
      cache.destroy();
    }
  });
});
