/**
 * Connection reuse against a TLS KubeApiTestServer through real locks and real client-node:
 * - a LeaseLock's GET/PUTs share one connection (client-node alone opens one per request:
 *   the `keepAlive: false` control shows it in the same run);
 * - a full elector over createLock (renewals, events, watch) stays on a handful of connections;
 * - TLS verification is unchanged: a kubeconfig without the CA, with a wrong servername, is
 *   still refused after other settings have pooled connections to the same server, and
 *   client-node's skip-verify choice is kept and never shared with verifying requests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { LockError } from '../../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../../lib/core/leader-election-record.js';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { AgentCache, sharedAgentCache } from '../../../lib/core/kube/agent-cache.js';
import { requestOptions } from '../../../lib/core/kube/request-options.js';
import { LeaseLock } from '../../../lib/core/locks/lease-lock.js';
import { createLock } from '../../../lib/core/locks/lock-factory.js';
import { KubeApiTestServer } from '../../../lib/testing/kube-api-test-server.js';
import { ConnectionCounter, portOf, waitFor, type ConnectionCount } from './keepalive.helpers.js';

const NS = 'keepalive';
const ROUNDS = 20;

const server = new KubeApiTestServer({ tls: true, bookmarkInterval: 0 });
before(() => server.start());
after(() => server.stop());

const record = (holder: string, i: number): LeaderElectionRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: new Date(Date.UTC(2026, 0, 1)),
  renewTime: new Date(Date.UTC(2026, 0, 1) + i),
  leaderTransitions: 0,
});

function leaseLock(kubeConfig: KubeConfig, name: string, keepAlive?: boolean): LeaseLock {
  return new LeaseLock({
    name,
    namespace: NS,
    identity: 'me',
    kubeConfig,
    coordinationApi: kubeConfig.makeApiClient(CoordinationV1Api),
    ...(keepAlive === undefined ? {} : { keepAlive }),
  });
}

/** create, then ROUNDS × (get, update): 1 + 2 × ROUNDS requests, one after the other. */
async function exercise(lock: LeaseLock): Promise<void> {
  await lock.create(record('me', 0));
  for (let i = 1; i <= ROUNDS; i++) {
    await lock.get();
    await lock.update(record('me', i));
  }
}

describe('keep-alive: sequential lock requests share a connection (TLS, CA in the kubeconfig)', () => {
  it(`a LeaseLock's ${1 + 2 * ROUNDS} GET/PUTs use at most 2 connections`, async (t) => {
    const counter = new ConnectionCounter(portOf(server.url));
    try {
      await exercise(leaseLock(server.kubeConfig('reuse'), 'reuse'));
      const { requests, connections, reused } = counter.count();
      t.diagnostic(`${requests} requests, ${connections} connections, ${reused} reused`);
      assert.equal(requests, 1 + 2 * ROUNDS);
      assert.ok(connections <= 2, `connections: ${connections} for ${requests} requests`);
      assert.ok(reused >= requests - 2, `reused: ${reused} of ${requests}`);
    } finally {
      counter.stop();
    }
  });

  it('control, keepAlive: false (client-node’s own agent): one new connection per request', async (t) => {
    // Measured before connection reuse existed, the default path behaved like this too: 300
    // sequential PUTs opened 300 connections (scripts/keepalive-latency.ts).
    const counter = new ConnectionCounter(portOf(server.url));
    try {
      await exercise(leaseLock(server.kubeConfig('fresh'), 'fresh', false));
      const { requests, connections, reused } = counter.count();
      t.diagnostic(`${requests} requests, ${connections} connections, ${reused} reused`);
      assert.equal(requests, 1 + 2 * ROUNDS);
      assert.equal(connections, requests);
      assert.equal(reused, 0);
    } finally {
      counter.stop();
    }
  });

  it('an elector over createLock (renewals, events, watch) stays on a few connections', async (t) => {
    const counter = new ConnectionCounter(portOf(server.url));
    const lock = createLock({
      name: 'elector',
      namespace: NS,
      identity: 'e1',
      kubeConfig: server.kubeConfig('elector'),
      recordEvents: true,
    });
    const elector = new LeaderElector({
      lock,
      leaseDuration: 2000,
      renewDeadline: 1500,
      retryPeriod: 100,
    });
    elector.start();
    try {
      const renewals = () =>
        server.writeLog().filter((w) => w.name === 'elector' && w.verb === 'update').length;
      await waitFor(() => renewals() >= 10, 10_000, '10 renewals');
      await waitFor(
        () => server.listObjects('events', NS).length >= 1,
        5000,
        'the became-leader event',
      );
    } finally {
      await elector.stop({ release: true });
      counter.stop();
    }
    const { requests, connections } = counter.count();
    t.diagnostic(`${requests} requests, ${connections} connections`);
    assert.ok(requests >= 12, `requests: ${requests}`);
    // Lease requests and event POSTs share the pool; the watch has its own connection.
    assert.ok(connections <= 3, `connections: ${connections} for ${requests} requests`);
  });
});

describe('keep-alive: bursts from many elections stay on a bounded pool', () => {
  const BURST = 24;
  const BURST_ROUNDS = 3;

  /** BURST_ROUNDS rounds of BURST concurrent reads, like many leaders renewing in lockstep. */
  async function bursts(cache: AgentCache, token: string): Promise<ConnectionCount> {
    server.putObject('leases', NS, { metadata: { name: 'burst' }, spec: {} });
    const api = server.kubeConfig(token).makeApiClient(CoordinationV1Api);
    const counter = new ConnectionCounter(portOf(server.url), '/leases/burst');
    try {
      for (let round = 0; round < BURST_ROUNDS; round++) {
        const answers = await Promise.all(
          Array.from({ length: BURST }, () =>
            api.readNamespacedLease(
              { name: 'burst', namespace: NS },
              requestOptions(undefined, undefined, cache),
            ),
          ),
        );
        assert.ok(answers.every((lease) => lease.metadata?.name === 'burst'));
      }
      return counter.count();
    } finally {
      counter.stop();
      cache.destroy();
    }
  }

  it(`${BURST_ROUNDS} bursts of ${BURST} concurrent requests use maxSockets (4) connections in all`, async (t) => {
    const count = await bursts(new AgentCache({ maxSockets: 4, maxFreeSockets: 4 }), 'burst');
    t.diagnostic(JSON.stringify(count));
    assert.equal(count.requests, BURST * BURST_ROUNDS);
    assert.equal(count.connections, 4);
    assert.equal(count.reused, BURST * BURST_ROUNDS - 4);
  });

  it('control, no cap: every burst opens connections again beyond maxFreeSockets', async (t) => {
    const count = await bursts(
      new AgentCache({ maxSockets: Infinity, maxFreeSockets: 4 }),
      'burst-uncapped',
    );
    t.diagnostic(JSON.stringify(count));
    assert.equal(count.requests, BURST * BURST_ROUNDS);
    assert.ok(count.connections > 4 * BURST_ROUNDS, `connections: ${count.connections}`);
  });
});

describe('keep-alive: TLS verification is unchanged, pools never mix TLS settings', () => {
  const CERT_CODES = [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  ];

  /** A kubeconfig for the TLS server with the given cluster TLS settings and token. */
  function tlsConfig(
    token: string,
    cluster: { caData?: string; skipTLSVerify?: boolean; tlsServerName?: string },
  ): KubeConfig {
    server.addToken(token);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'tls', server: server.url, skipTLSVerify: false, ...cluster }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'ctx', cluster: 'tls', user: 'u' }],
      currentContext: 'ctx',
    });
    return kc;
  }
  const caData = () => Buffer.from(server.caPem ?? '').toString('base64');

  async function refused(kc: KubeConfig, token: string, codes: string[]): Promise<void> {
    await assert.rejects(
      leaseLock(kc, 'tls-target').get({ signal: AbortSignal.timeout(5000) }),
      (err: unknown) => {
        assert.ok(err instanceof LockError, String(err));
        assert.equal(err.reason, 'Unavailable');
        const code = (err.cause as { code?: string } | undefined)?.code ?? '';
        assert.ok(codes.includes(code), `certificate error code: ${code}`);
        return true;
      },
    );
    assert.equal(server.counters().byToken[token], undefined, 'nothing got past the handshake');
  }

  before(() => server.putObject('leases', NS, { metadata: { name: 'tls-target' }, spec: {} }));

  it('a kubeconfig without the CA is refused after another one pooled a connection', async () => {
    const trusted = tlsConfig('ca-ok', { caData: caData() });
    const sizeBefore = sharedAgentCache.size;
    await leaseLock(trusted, 'tls-target').get();
    assert.equal(sharedAgentCache.connections().idle >= 1, true, 'a pooled idle connection');
    await refused(tlsConfig('no-ca', {}), 'no-ca', CERT_CODES);
    // Control: the trusted one still works (on its pooled connection).
    await leaseLock(trusted, 'tls-target').get();
    // The trusted settings equal the earlier tests' (same CA), so only the CA-less ones are new.
    assert.equal(sharedAgentCache.size, sizeBefore + 1, 'one pool per distinct TLS setting');
  });

  it('client-node’s skip-verify choice is kept, and a verifying request never uses its pool', async () => {
    // The kubeconfig asks for no verification: client-node sets rejectUnauthorized off on its
    // agent and the pooled agent copies it (the library itself never asks for it).
    await leaseLock(tlsConfig('skip', { skipTLSVerify: true }), 'tls-target').get();
    assert.ok(server.counters().byToken['skip']);
    await refused(tlsConfig('no-ca-after-skip', {}), 'no-ca-after-skip', CERT_CODES);
  });

  it('servername is part of the key: a name not in the certificate is refused', async () => {
    await leaseLock(tlsConfig('sni-ok', { caData: caData() }), 'tls-target').get();
    await refused(
      tlsConfig('sni-wrong', { caData: caData(), tlsServerName: 'not-in-the-cert.example' }),
      'sni-wrong',
      ['ERR_TLS_CERT_ALTNAME_INVALID'],
    );
    // Control: a servername the certificate does carry works.
    await leaseLock(
      tlsConfig('sni-localhost', { caData: caData(), tlsServerName: 'localhost' }),
      'tls-target',
    ).get();
    assert.ok(server.counters().byToken['sni-localhost']);
  });
});
