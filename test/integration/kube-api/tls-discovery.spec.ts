import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CoordinationV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import { LEASES, raw, startServer } from './kube-api.helpers.js';

const run = promisify(execFile);

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

describe('KubeApiTestServer: TLS', () => {
  it('serves HTTPS that clients verify with the CA from the kubeconfig (no skip)', async (t) => {
    const server = await startServer(t, { tls: true });
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.caPem ?? '', /^-----BEGIN CERTIFICATE-----/);

    const kc = server.kubeConfig();
    assert.equal(kc.getCurrentCluster()?.skipTLSVerify, false);
    const api = kc.makeApiClient(CoordinationV1Api);
    const created = await api.createNamespacedLease({
      namespace: 'default',
      body: { metadata: { name: 'secure' }, spec: { renewTime: new V1MicroTime() } },
    });
    assert.equal(created.metadata?.name, 'secure');

    const fromFile = new KubeConfig();
    fromFile.loadFromString(server.kubeConfigYaml('admin', { namespace: 'default' }));
    assert.equal(fromFile.getContextObject(fromFile.getCurrentContext())?.namespace, 'default');
    const read = await fromFile
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'secure', namespace: 'default' });
    assert.equal(read.metadata?.uid, created.metadata?.uid);

    // Without the CA the same server is refused: verification really happens.
    const untrusted = new KubeConfig();
    untrusted.loadFromOptions({
      clusters: [{ name: 'c', server: server.url, skipTLSVerify: false }],
      users: [{ name: 'u', token: 'admin' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    await assert.rejects(
      untrusted
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'secure', namespace: 'default' }),
      /certificate/i,
    );
  });

  it('hands out plain-http kubeconfigs with insecure-skip-tls-verify (client-node needs it for http)', async (t) => {
    const server = await startServer(t);
    const yaml = server.kubeConfigYaml('reader', { namespace: 'ns1' });
    assert.match(yaml, /insecure-skip-tls-verify: true/);
    assert.match(yaml, /token: "reader"/);
    assert.doesNotMatch(yaml, /certificate-authority-data/);
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    assert.equal(kc.getCurrentCluster()?.server, server.url);
    await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: 'ns1' });
    assert.equal(
      server.counters().byToken.reader?.list,
      1,
      'unknown tokens are added with full access',
    );
  });
});

describe('KubeApiTestServer: discovery', () => {
  it('serves the legacy discovery documents and /version', async (t) => {
    const server = await startServer(t);
    const api = await raw(server, 'GET', '/api');
    assert.equal(api.json.kind, 'APIVersions');
    assert.deepEqual(api.json.versions, ['v1']);
    const groups = await raw(server, 'GET', '/apis');
    assert.deepEqual(
      (groups.json.groups as Array<{ name: string }>).map((g) => g.name),
      [
        'coordination.k8s.io',
        'events.k8s.io',
        'authorization.k8s.io',
        'apps',
        'rbac.authorization.k8s.io',
      ],
    );
    const coordination = await raw(server, 'GET', '/apis/coordination.k8s.io/v1');
    assert.deepEqual(coordination.json, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'coordination.k8s.io/v1',
      resources: [
        {
          name: 'leases',
          singularName: 'lease',
          namespaced: true,
          kind: 'Lease',
          verbs: [
            'create',
            'delete',
            'deletecollection',
            'get',
            'list',
            'patch',
            'update',
            'watch',
          ],
        },
      ],
    });
    const core = await raw(server, 'GET', '/api/v1');
    assert.deepEqual((core.json.resources as Array<{ name: string }>).map((r) => r.name).sort(), [
      'configmaps',
      'endpoints',
      'events',
      'namespaces',
      'serviceaccounts',
      'services',
    ]);
    const version = await raw(server, 'GET', '/version');
    assert.equal(version.json.gitVersion, 'v1.33.0');
    const unknown = await raw(server, 'GET', `${LEASES}/default/widgets`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.text, '404 page not found\n');
    // v2 is a protobuf document kubectl only needs when v3 is missing: not served.
    const openapi = await raw(server, 'GET', '/openapi/v2');
    assert.equal(openapi.status, 404);
  });
});

describe('KubeApiTestServer: kubectl', () => {
  it('answers `kubectl get lease -o yaml` and `kubectl get leases` (TLS + token)', async (t) => {
    const kubectl = findOnPath('kubectl');
    if (!kubectl) {
      t.skip('kubectl not on PATH');
      return;
    }
    const server = await startServer(t, { tls: true });
    server.putObject('leases', 'demo', {
      metadata: { name: 'billing-jobs' },
      spec: {
        holderIdentity: 'pod-a_1234',
        leaseDurationSeconds: 15,
        acquireTime: '2026-01-01T00:00:00.000000Z',
        renewTime: '2026-01-01T00:00:10.000000Z',
        leaseTransitions: 2,
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'kube-api-kubectl-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'config');
    writeFileSync(config, server.kubeConfigYaml('admin'), { mode: 0o600 });
    // Must not block the event loop: the server answers from this very process.
    const kubectlRun = (...args: string[]) =>
      run(kubectl, ['--kubeconfig', config, '--cache-dir', join(dir, 'cache'), ...args], {
        timeout: 60_000,
        env: { ...process.env, HOME: dir, KUBECONFIG: config },
      });

    const yaml = (await kubectlRun('get', 'lease', 'billing-jobs', '-n', 'demo', '-o', 'yaml'))
      .stdout;
    assert.match(yaml, /^apiVersion: coordination\.k8s\.io\/v1$/m);
    assert.match(yaml, /^kind: Lease$/m);
    assert.match(yaml, /^ {2}name: billing-jobs$/m);
    assert.match(yaml, /^ {2}namespace: demo$/m);
    assert.match(yaml, /^ {2}holderIdentity: pod-a_1234$/m);
    assert.match(yaml, /^ {2}leaseTransitions: 2$/m);
    assert.match(yaml, /^ {2}renewTime: "2026-01-01T00:00:10\.000000Z"$/m);

    const table = (await kubectlRun('get', 'leases', '-n', 'demo')).stdout;
    assert.match(table, /^NAME\s+HOLDER\s+AGE$/m);
    assert.match(table, /^billing-jobs\s+pod-a_1234\s+\S+$/m);
  });
});
