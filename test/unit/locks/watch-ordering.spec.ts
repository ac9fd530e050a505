import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createLock } from '../../../lib/core/locks/lock-factory.js';
import type { LockWatchEvent } from '../../../lib/core/locks/resource-lock.interface.js';

/**
 * A scripted API server (real HTTP, real client-node) for what KubeApiTestServer cannot do on
 * purpose: deliver watch events out of order relative to the lock's own reads and writes.
 */
const lease = (rv: string, holder: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'x', namespace: 'ns', uid: 'u1', resourceVersion: rv },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, leaseTransitions: 0 },
});

let server: Server;
let kubeConfig: KubeConfig;
const puts: string[] = [];
let watchQuery: URLSearchParams | undefined;

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET' && url.searchParams.get('watch') === 'true') {
      watchQuery = url.searchParams;
      res.writeHead(200);
      // Stale (older than the GET), equal (already seen), then new.
      for (const [rv, holder] of [
        ['9', 'stale'],
        ['10', 'current'],
        ['11', 'next'],
      ] as const)
        res.write(`${JSON.stringify({ type: 'MODIFIED', object: lease(rv, holder) })}\n`);
      res.end();
      return;
    }
    if (req.method === 'GET') {
      res.end(JSON.stringify(lease('10', 'current')));
      return;
    }
    if (req.method === 'PUT') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const sent = JSON.parse(body) as { metadata: { resourceVersion: string } };
        puts.push(sent.metadata.resourceVersion);
        res.end(JSON.stringify(lease('12', 'me')));
      });
      return;
    }
    res.writeHead(405);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'scripted-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('watch event ordering', () => {
  it('ignores events not newer than the cached object and caches newer ones', async () => {
    const lock = createLock({
      name: 'x',
      namespace: 'ns',
      identity: 'me',
      kubeConfig,
      recordEvents: false,
    });
    await lock.get();
    const events: LockWatchEvent[] = [];
    const closed = await new Promise<Error | undefined>((resolve) => {
      lock.watch!({ onEvent: (e) => events.push(e), onClose: resolve });
    });
    assert.equal(closed, undefined);
    assert.deepEqual(
      events.map((e) => e.record.holderIdentity),
      ['next'],
    );
    assert.equal(watchQuery?.get('resourceVersion'), '10');
    assert.equal(watchQuery?.get('fieldSelector'), 'metadata.name=x');
    assert.equal(watchQuery?.get('allowWatchBookmarks'), 'true');
    const timeout = Number(watchQuery?.get('timeoutSeconds'));
    assert.ok(timeout >= 240 && timeout <= 300, `timeoutSeconds ${timeout}`);
    // The next update carries the watched resourceVersion, without a GET.
    await lock.update({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: null,
      renewTime: null,
      leaderTransitions: 1,
    });
    assert.deepEqual(puts, ['11']);
  });
});
