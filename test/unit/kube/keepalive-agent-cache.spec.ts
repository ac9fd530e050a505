/**
 * AgentCache over the agents client-node 1.4.0 really builds: `KubeConfig.applySecurityAuthentication`
 * is run on a real `RequestContext` (no connection is made), and the pooled agent must carry
 * exactly client-node's options, be shared only by requests with identical TLS settings, and
 * leave proxy agents alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { AgentCache } from '../../../lib/core/kube/agent-cache.js';
import { requestOptions } from '../../../lib/core/kube/request-options.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

interface ClusterOptions {
  server?: string;
  caData?: string;
  skipTLSVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}
interface UserOptions {
  token?: string;
  certData?: string;
  keyData?: string;
}

function kubeConfig(cluster: ClusterOptions = {}, user: UserOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: cluster.server ?? 'https://10.0.0.1:6443',
        caData: cluster.caData ?? b64('-----CA ONE-----'),
        skipTLSVerify: cluster.skipTLSVerify ?? false,
        ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
        ...(cluster.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
      },
    ],
    users: [{ name: 'u', token: user.token ?? 'token-one', ...user }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

/** The agent client-node attaches to a request for `kc` (a new one every call). */
async function clientNodeAgent(kc: KubeConfig): Promise<http.Agent> {
  const server = kc.getCurrentCluster()?.server ?? '';
  const context = new RequestContext(`${server}/apis/coordination.k8s.io/v1`, HttpMethod.GET);
  await kc.applySecurityAuthentication(context);
  const agent = context.getAgent();
  assert.ok(agent, 'client-node set an agent');
  return agent;
}

/** `keepAlive` is public on Node's agents but missing from @types/node. */
function keepAliveOf(agent: http.Agent): unknown {
  return (agent as unknown as { keepAlive: unknown }).keepAlive;
}

function optionsOf(agent: http.Agent): Record<string, unknown> {
  return (agent as unknown as { options: Record<string, unknown> }).options;
}

describe('AgentCache with the agents client-node builds', () => {
  it('client-node 1.4.0 still makes a fresh non-keep-alive https.Agent per request (the problem)', async () => {
    const kc = kubeConfig();
    const a = await clientNodeAgent(kc);
    const b = await clientNodeAgent(kc);
    assert.notEqual(a, b);
    assert.equal(Object.getPrototypeOf(a), https.Agent.prototype);
    assert.equal(keepAliveOf(a), false);
  });

  it('gives one pooled keep-alive agent to every request with the same settings', async () => {
    const cache = new AgentCache();
    const kc = kubeConfig();
    const first = cache.reuse(await clientNodeAgent(kc));
    const second = cache.reuse(await clientNodeAgent(kc));
    // Another KubeConfig object with the same cluster and TLS data shares it too (client-go's
    // transport cache does the same); a different bearer token does not matter (a header).
    const third = cache.reuse(await clientNodeAgent(kubeConfig({}, { token: 'token-two' })));
    assert.ok(first instanceof https.Agent);
    assert.equal(Object.getPrototypeOf(first), https.Agent.prototype);
    assert.equal(keepAliveOf(first), true);
    assert.equal(second, first);
    assert.equal(third, first);
    assert.equal(cache.size, 1);
    cache.destroy();
  });

  it('copies client-node’s options exactly; adds only pooling settings, never TLS ones', async () => {
    const cache = new AgentCache({
      idleTimeout: 1234,
      maxSockets: 5,
      maxFreeSockets: 3,
      keepAliveMsecs: 777,
    });
    const kc = kubeConfig(
      { tlsServerName: 'api.internal' },
      { certData: b64('client cert'), keyData: b64('client key') },
    );
    const original = await clientNodeAgent(kc);
    const pooled = cache.reuse(original);
    assert.ok(pooled);
    const before = optionsOf(original);
    const after = optionsOf(pooled);
    const defined = Object.fromEntries(Object.entries(before).filter(([, v]) => v !== undefined));
    assert.ok(Buffer.isBuffer(defined['ca']) && Buffer.isBuffer(defined['cert']));
    assert.equal(defined['servername'], 'api.internal');
    assert.deepEqual(
      { ...after },
      {
        ...defined,
        keepAlive: true,
        keepAliveMsecs: 777,
        maxSockets: 5,
        maxFreeSockets: 3,
        timeout: 1234,
        scheduling: 'lifo',
      },
    );
    // client-node leaves rejectUnauthorized unset when it verifies (Node's default, which also
    // honours NODE_TLS_REJECT_UNAUTHORIZED); the pooled agent must not add it either.
    assert.equal(before['rejectUnauthorized'], undefined);
    assert.equal('rejectUnauthorized' in after, false);
    cache.destroy();
  });

  it('keeps rejectUnauthorized exactly as client-node set it (skipTLSVerify in the kubeconfig)', async () => {
    const cache = new AgentCache();
    const verifying = cache.reuse(await clientNodeAgent(kubeConfig()));
    const skipping = cache.reuse(await clientNodeAgent(kubeConfig({ skipTLSVerify: true })));
    assert.ok(verifying && skipping);
    assert.notEqual(skipping, verifying, 'a skip-verify request never shares a verifying pool');
    assert.equal(optionsOf(skipping)['rejectUnauthorized'], false);
    assert.equal('rejectUnauthorized' in optionsOf(verifying), false);
    cache.destroy();
  });

  it('keys on every TLS setting: CA, client certificate, key, servername', async () => {
    const cache = new AgentCache();
    const variants = [
      kubeConfig(),
      kubeConfig({ caData: b64('-----CA TWO-----') }),
      kubeConfig({}, { certData: b64('cert A'), keyData: b64('key A') }),
      // A rotated client certificate: a new pool, so new connections present the new one.
      kubeConfig({}, { certData: b64('cert B'), keyData: b64('key A') }),
      kubeConfig({}, { certData: b64('cert B'), keyData: b64('key B') }),
      kubeConfig({ tlsServerName: 'kubernetes.default.svc' }),
    ];
    const agents = [];
    for (const kc of variants) agents.push(cache.reuse(await clientNodeAgent(kc)));
    assert.equal(new Set(agents).size, variants.length);
    assert.ok(agents.every((a) => a !== undefined));
    assert.equal(cache.size, variants.length);
    // And each again maps back to its own pool.
    for (const [i, kc] of variants.entries())
      assert.equal(cache.reuse(await clientNodeAgent(kc)), agents[i]);
    cache.destroy();
  });

  it('pools plain http agents for http:// servers (test servers) separately from https', async () => {
    const cache = new AgentCache();
    const plain = cache.reuse(
      await clientNodeAgent(kubeConfig({ server: 'http://127.0.0.1:8080', skipTLSVerify: true })),
    );
    assert.ok(plain);
    assert.equal(Object.getPrototypeOf(plain), http.Agent.prototype);
    assert.equal(keepAliveOf(plain), true);
    const secure = cache.reuse(await clientNodeAgent(kubeConfig({ skipTLSVerify: true })));
    assert.notEqual(secure, plain);
    cache.destroy();
  });

  for (const proxyUrl of ['socks5://127.0.0.1:1080', 'http://127.0.0.1:3128']) {
    it(`leaves client-node's proxy agent alone (${proxyUrl.split(':')[0]} proxy)`, async () => {
      const cache = new AgentCache();
      const agent = await clientNodeAgent(kubeConfig({ proxyUrl }));
      assert.notEqual(Object.getPrototypeOf(agent), https.Agent.prototype, 'a proxy agent');
      assert.equal(cache.reuse(agent), undefined);
      assert.equal(cache.size, 0);
    });
  }

  it('leaves agents that already pool, subclasses, odd options and non-agents alone', () => {
    const cache = new AgentCache();
    class CustomAgent extends https.Agent {}
    const inputs: unknown[] = [
      new https.Agent({ keepAlive: true }),
      new CustomAgent(),
      new https.Agent({ checkServerIdentity: () => undefined }),
      new https.Agent({ ca: [{ not: 'comparable' }] as never }),
      undefined,
      null,
      {},
      { keepAlive: false, options: {} },
    ];
    for (const input of inputs) assert.equal(cache.reuse(input), undefined);
    assert.equal(cache.size, 0);
    // Control: a plain agent with comparable options is pooled.
    assert.ok(cache.reuse(new https.Agent({ ca: [Buffer.from('x'), 'y'] })));
    cache.destroy();
  });

  it('compares consecutive requests by value: a changed byte, an added or a dropped option is another pool', () => {
    const cache = new AgentCache();
    const agentFor = (options: https.AgentOptions) => cache.reuse(new https.Agent(options));
    const base = () => ({ ca: Buffer.from('ca-1'), cert: Buffer.from('cert') });
    const first = agentFor(base());
    assert.ok(first);
    // Equal values in new Buffer objects (as client-node builds them for every request).
    assert.equal(agentFor(base()), first);
    const changed = agentFor({ ...base(), ca: Buffer.from('ca-2') });
    assert.notEqual(changed, first);
    assert.equal(agentFor(base()), first);
    const added = agentFor({ ...base(), servername: 'api.internal' });
    assert.notEqual(added, first);
    const dropped = agentFor({ ca: Buffer.from('ca-1') });
    assert.notEqual(dropped, first);
    assert.notEqual(dropped, added);
    const list = agentFor({ ca: [Buffer.from('a'), 'b'] });
    assert.notEqual(agentFor({ ca: [Buffer.from('a'), 'c'] }), list);
    assert.equal(agentFor({ ca: [Buffer.from('a'), 'b'] }), list);
    assert.equal(cache.size, 6);
    cache.destroy();
  });

  it('forgets the least recently used settings beyond maxAgents', () => {
    const cache = new AgentCache({ maxAgents: 2 });
    const agentFor = (ca: string) => cache.reuse(new https.Agent({ ca: Buffer.from(ca) }));
    const a = agentFor('a');
    const b = agentFor('b');
    assert.equal(agentFor('a'), a, 'a is now the most recently used');
    const c = agentFor('c');
    assert.equal(cache.size, 2);
    assert.equal(agentFor('a'), a);
    assert.equal(agentFor('c'), c);
    assert.notEqual(agentFor('b'), b, 'b was forgotten: a new pool');
    cache.destroy();
    assert.equal(cache.size, 0);
  });
});

describe('requestOptions with an AgentCache', () => {
  it('swaps the agent in the appended pre-middleware, after client-node set its own', async () => {
    const cache = new AgentCache();
    const kc = kubeConfig();
    const options = requestOptions(undefined, undefined, cache);
    assert.ok(options);
    assert.equal(options.middlewareMergeStrategy, 'append');
    const context = new RequestContext('https://10.0.0.1:6443/x', HttpMethod.GET);
    await kc.applySecurityAuthentication(context);
    const original = context.getAgent();
    const out = await options.middleware?.[0]?.pre(context).toPromise();
    assert.equal(out, context);
    assert.notEqual(context.getAgent(), original);
    assert.equal(context.getAgent(), cache.reuse(original));
    cache.destroy();
  });

  it('without a cache (keepAlive false) and nothing else to do: no middleware at all', () => {
    assert.equal(requestOptions(undefined, undefined, undefined), undefined);
  });
});
