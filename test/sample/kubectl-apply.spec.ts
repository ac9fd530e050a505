/**
 * `kubectl apply -k sample/k8s` against KubeApiTestServer: the manifests apply cleanly (client
 * dry run, server dry run, and for real), and what lands in the API server is what they say.
 * kubectl is the real one; only the cluster is the test double.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { loadYaml, type V1Role } from '@kubernetes/client-node';
import { KubeApiTestServer, type KubeApiTestServerOptions } from '../../lib/testing/index.js';
import { repoRoot } from './sample-test.helpers.js';

type Obj = Record<string, unknown>;

const k8sDir = join(repoRoot(), 'sample', 'k8s');
const NS = 'leader-election-sample';

/** How `kubectl apply` names each kind in its output (`<resource>[.<group>]/<name>`). */
const KUBECTL_RESOURCE: Record<string, string> = {
  Namespace: 'namespace',
  ServiceAccount: 'serviceaccount',
  Role: 'role.rbac.authorization.k8s.io',
  RoleBinding: 'rolebinding.rbac.authorization.k8s.io',
  Service: 'service',
  Deployment: 'deployment.apps',
};

/** Every object the kustomization lists, as kubectl names it, read from the manifests. */
function manifestObjects(): string[] {
  const kustomization = loadYaml<{ resources: string[] }>(
    readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8'),
  );
  return kustomization.resources.map((file) => {
    const o = loadYaml<{ kind: string; metadata: { name: string } }>(
      readFileSync(join(k8sDir, file), 'utf8'),
    );
    const resource = KUBECTL_RESOURCE[o.kind];
    assert.ok(resource, `${file}: add kind ${o.kind} to KUBECTL_RESOURCE in this test`);
    return `${resource}/${o.metadata.name}`;
  });
}

function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Kubectl {
  server: KubeApiTestServer;
  dir: string;
  run(...args: string[]): Promise<Run>;
}

/**
 * A TLS KubeApiTestServer and a kubectl bound to it through a temporary kubeconfig (the server's
 * CA inside, so nothing skips verification), with its own HOME and cache dir. kubectl runs
 * asynchronously: the server answers from this very process.
 */
async function startKubectl(t: TestContext, options: KubeApiTestServerOptions): Promise<Kubectl> {
  const server = new KubeApiTestServer({ tls: true, ...options });
  await server.start();
  t.after(() => server.stop());
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-apply-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'kubeconfig');
  writeFileSync(config, server.kubeConfigYaml('admin'), { mode: 0o600 });
  const run = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        'kubectl',
        ['--kubeconfig', config, '--cache-dir', join(dir, 'cache'), ...args],
        { timeout: 60_000, env: { ...process.env, HOME: dir, KUBECONFIG: config } },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  return { server, dir, run };
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .sort();

const expectLines = (suffix: string, names = manifestObjects()): string[] =>
  names.map((n) => `${n} ${suffix}`).sort();

const writes = (server: KubeApiTestServer) =>
  server.requests().filter((r) => !['GET', 'HEAD'].includes(r.method));

function skipWithoutKubectl(t: TestContext): boolean {
  if (kubectlAvailable()) return false;
  t.skip('kubectl not on PATH');
  console.log('# skipped: kubectl not on PATH, so `kubectl apply -k sample/k8s` was not run');
  return true;
}

describe('sample/k8s applied with kubectl to KubeApiTestServer', () => {
  it('applies cleanly: client dry run, real apply (objects stored as written), re-apply unchanged', async (t) => {
    if (skipWithoutKubectl(t)) return;
    // No namespace auto-creation, as in a real cluster: with it, kubectl's GET of the Namespace
    // would create it and the apply would report it "configured" instead of "created".
    const { server, run } = await startKubectl(t, { autoCreateNamespaces: false });

    const dry = await run('apply', '--dry-run=client', '-k', k8sDir);
    assert.equal(dry.code, 0, `kubectl apply --dry-run=client failed:\n${dry.stderr}`);
    assert.deepEqual(lines(dry.stdout), expectLines('created (dry run)'));
    assert.deepEqual(writes(server), [], 'a client dry run sends no write');
    assert.equal(server.getObject('namespaces', '', NS), undefined);

    const applied = await run('apply', '-k', k8sDir);
    assert.equal(applied.code, 0, `kubectl apply failed:\n${applied.stderr}`);
    assert.deepEqual(lines(applied.stdout), expectLines('created'));
    // kubectl asked the server to reject unknown fields (it saw fieldValidation in the OpenAPI
    // v3 document instead of validating client-side), so the manifests passed strict decoding.
    const creates = writes(server);
    assert.equal(creates.length, manifestObjects().length);
    for (const w of creates) {
      assert.equal(w.method, 'POST', w.path);
      assert.match(w.path, /[?&]fieldValidation=Strict(&|$)/, w.path);
      assert.equal(w.status, 201, w.path);
    }

    const deployment = server.getObject('deployments', NS, 'leader-election-sample') as Obj & {
      spec: {
        replicas: number;
        template: { spec: { serviceAccountName: string; containers: Array<{ image: string }> } };
      };
    };
    assert.equal(deployment.spec.replicas, 3);
    assert.equal(
      deployment.spec.template.spec.containers[0].image,
      'nestjs-leader-election-sample:latest',
    );
    assert.equal(deployment.spec.template.spec.serviceAccountName, 'leader-election-sample');

    const role = server.getObject('roles', NS, 'leader-election-sample') as Obj;
    const written = loadYaml<V1Role>(readFileSync(join(k8sDir, 'role.yaml'), 'utf8'));
    assert.deepEqual(role.rules, JSON.parse(JSON.stringify(written.rules)));

    const binding = server.getObject('rolebindings', NS, 'leader-election-sample') as Obj;
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: 'leader-election-sample', namespace: NS },
    ]);
    assert.notEqual(server.getObject('serviceaccounts', NS, 'leader-election-sample'), undefined);
    const service = server.getObject('services', NS, 'leader-election-sample') as Obj & {
      spec: { ports: Array<{ port: number; targetPort: unknown }> };
    };
    assert.deepEqual(
      service.spec.ports.map((p) => [p.port, p.targetPort]),
      [[80, 'http']],
    );
    assert.notEqual(server.getObject('namespaces', '', NS), undefined);

    // What the server stored is what kubectl sent: its three-way diff finds nothing to patch.
    server.clearRequests();
    const again = await run('apply', '-k', k8sDir);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(lines(again.stdout), expectLines('unchanged'));
    assert.deepEqual(writes(server), []);
  });

  it('passes a server dry run (validated by the server, nothing stored)', async (t) => {
    if (skipWithoutKubectl(t)) return;
    // A server dry run creates nothing, so the Namespace must already exist for the objects in
    // it, as on a real cluster. kubectl then patches in its last-applied annotation: "configured".
    const { server, run } = await startKubectl(t, {
      autoCreateNamespaces: false,
      namespaces: ['default', NS],
    });
    const revision = server.resourceVersion();

    const dry = await run('apply', '--dry-run=server', '-k', k8sDir);
    assert.equal(dry.code, 0, `kubectl apply --dry-run=server failed:\n${dry.stderr}`);
    const [namespace, ...others] = manifestObjects();
    assert.equal(namespace, `namespace/${NS}`, 'the kustomization lists the Namespace first');
    assert.deepEqual(
      lines(dry.stdout),
      [
        ...expectLines('created (server dry run)', others),
        `${namespace} configured (server dry run)`,
      ].sort(),
    );
    const sent = writes(server);
    assert.equal(sent.length, manifestObjects().length);
    for (const w of sent) {
      assert.match(w.path, /[?&]dryRun=All(&|$)/, w.path);
      assert.match(w.path, /[?&]fieldValidation=Strict(&|$)/, w.path);
      assert.ok(w.status === 200 || w.status === 201, `${w.path}: ${w.status}`);
    }
    assert.equal(server.resourceVersion(), revision, 'nothing was written');
    assert.equal(server.getObject('deployments', NS, 'leader-election-sample'), undefined);
  });

  it('would catch a typo: a manifest with an unknown field fails with the API server error', async (t) => {
    if (skipWithoutKubectl(t)) return;
    const { dir, server, run } = await startKubectl(t, { namespaces: ['default', NS] });
    const original = readFileSync(join(k8sDir, 'deployment.yaml'), 'utf8');
    const typo = original.replace(/^ {2}replicas: 3$/m, '  replica: 3');
    assert.notEqual(typo, original, 'deployment.yaml has `  replicas: 3` to misspell');
    const file = join(dir, 'deployment-typo.yaml');
    writeFileSync(file, typo);

    const failed = await run('apply', '-n', NS, '-f', file);
    assert.notEqual(failed.code, 0, 'kubectl apply must fail');
    assert.match(
      failed.stderr,
      /Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.replica"/,
    );
    assert.equal(server.getObject('deployments', NS, 'leader-election-sample'), undefined);
  });
});
