import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { defaultIdentity } from '../../../lib/core/kube/identity.js';
import { loadKubeConfig } from '../../../lib/core/kube/kube-config.js';
import {
  SERVICE_ACCOUNT_NAMESPACE_FILE,
  resolveNamespace,
} from '../../../lib/core/kube/namespace.js';

const kubeconfigYaml = (namespace?: string, token = 'sekret-token-123') => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
contexts:
- name: ctx
  context:
    cluster: c
    user: u
${namespace ? `    namespace: ${namespace}\n` : ''}current-context: ctx
users:
- name: u
  user:
    token: ${token}
`;

const configWithNamespace = (ns?: string) => {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(ns));
  return kc;
};

describe('resolveNamespace', () => {
  const saFile = (content: string | undefined) => (path: string) =>
    path === SERVICE_ACCOUNT_NAMESPACE_FILE ? content : undefined;

  it('prefers the explicit option over everything', () => {
    assert.deepEqual(
      resolveNamespace(
        'jobs',
        configWithNamespace('ctx-ns'),
        { POD_NAMESPACE: 'env-ns' },
        saFile('sa-ns'),
      ),
      { namespace: 'jobs', source: 'option' },
    );
  });

  it('then the service-account namespace file (trimmed)', () => {
    assert.deepEqual(
      resolveNamespace(
        undefined,
        configWithNamespace('ctx-ns'),
        { POD_NAMESPACE: 'env-ns' },
        saFile('sa-ns\n'),
      ),
      { namespace: 'sa-ns', source: 'serviceaccount' },
    );
  });

  it('then POD_NAMESPACE', () => {
    assert.deepEqual(
      resolveNamespace(
        undefined,
        configWithNamespace('ctx-ns'),
        { POD_NAMESPACE: 'env-ns' },
        saFile(undefined),
      ),
      { namespace: 'env-ns', source: 'POD_NAMESPACE' },
    );
  });

  it("then the kubeconfig's current-context namespace", () => {
    assert.deepEqual(
      resolveNamespace(undefined, configWithNamespace('ctx-ns'), {}, saFile(undefined)),
      {
        namespace: 'ctx-ns',
        source: 'kubeconfig',
      },
    );
  });

  it("then 'default'", () => {
    assert.deepEqual(resolveNamespace(undefined, configWithNamespace(), {}, saFile(undefined)), {
      namespace: 'default',
      source: 'default',
    });
    assert.deepEqual(resolveNamespace(undefined, undefined, {}, saFile(undefined)), {
      namespace: 'default',
      source: 'default',
    });
  });

  it('skips empty and blank values', () => {
    assert.deepEqual(
      resolveNamespace('  ', configWithNamespace('ctx-ns'), { POD_NAMESPACE: '' }, saFile('\n')),
      { namespace: 'ctx-ns', source: 'kubeconfig' },
    );
  });
});

describe('defaultIdentity', () => {
  const fixed = () => 0.5;

  it('is `${POD_NAME}_${uuid}` when POD_NAME is set', () => {
    const id = defaultIdentity({ POD_NAME: 'billing-7d9f-abcde' }, 'host-1', Math.random);
    assert.match(
      id,
      /^billing-7d9f-abcde_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('falls back to the hostname', () => {
    assert.match(defaultIdentity({}, 'host-1', fixed), /^host-1_[0-9a-f-]{36}$/);
    assert.match(defaultIdentity({ POD_NAME: '' }, 'host-1', fixed), /^host-1_/);
  });

  it('takes its randomness from the injected source', () => {
    assert.equal(defaultIdentity({}, 'h', fixed), defaultIdentity({}, 'h', fixed));
    assert.notEqual(defaultIdentity({}, 'h'), defaultIdentity({}, 'h'));
  });
});

describe('loadKubeConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'le-kubeconfig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config');
  writeFileSync(file, kubeconfigYaml('from-file'));

  it('returns a KubeConfig instance as is', () => {
    const kc = configWithNamespace();
    assert.equal(loadKubeConfig(kc), kc);
  });

  it('loads a path given as a string', () => {
    const kc = loadKubeConfig(file);
    assert.equal(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'from-file');
  });

  it('names a missing file and the fix', () => {
    assert.throws(
      () => loadKubeConfig(join(dir, 'nope')),
      (err: Error) => {
        assert.match(err.message, /nope/);
        assert.match(err.message, /does not exist/);
        return true;
      },
    );
    assert.throws(() => loadKubeConfig(''), /empty string/);
  });

  it('does not quote file content (which may hold a token) when a file is invalid', () => {
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'users:\n  - token: sekret-token-123\n   bad: [indent\n');
    assert.throws(
      () => loadKubeConfig(bad),
      (err: Error) => {
        assert.match(err.message, /could not be loaded/);
        assert.doesNotMatch(err.message, /sekret-token-123/);
        return true;
      },
    );
  });

  it('uses the in-cluster config when KUBERNETES_SERVICE_HOST is set and the token exists', () => {
    const kc = loadKubeConfig(undefined, {
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      fileExists: (p) => p.endsWith('/serviceaccount/token'),
      homeDir: () => undefined,
    });
    assert.equal(kc.getCurrentCluster()?.name, 'inCluster');
  });

  it('then KUBECONFIG', () => {
    const kc = loadKubeConfig(undefined, {
      env: { KUBECONFIG: file },
      homeDir: () => undefined,
    });
    assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'from-file');
  });

  it('then ~/.kube/config', () => {
    const home = '/home/app';
    const config = join(home, '.kube', 'config');
    const kc = loadKubeConfig(undefined, {
      env: {},
      fileExists: (p) => p === config,
      homeDir: () => home,
      create: () => {
        const k = new KubeConfig();
        k.loadFromFile = () => k.loadFromString(kubeconfigYaml('from-home'));
        return k;
      },
    });
    assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'from-home');
  });

  it('throws an error saying what was tried and how to fix it when nothing is found', () => {
    assert.throws(
      () =>
        loadKubeConfig(undefined, {
          env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBECONFIG: '/nowhere/config' },
          fileExists: () => false,
          homeDir: () => '/home/app',
        }),
      (err: Error) => {
        assert.match(err.message, /no Kubernetes configuration found/);
        assert.match(err.message, /serviceaccount\/token does not exist/);
        assert.match(err.message, /KUBECONFIG="\/nowhere\/config"/);
        assert.match(err.message, /\/home\/app\/\.kube\/config \(does not exist\)/);
        assert.match(err.message, /pass kubeConfig/);
        return true;
      },
    );
  });
});
