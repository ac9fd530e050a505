import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import {
  identityWarning,
  requiredPermissions,
  roleRulesFor,
  roleRulesYaml,
  runPreflight,
} from '../../../lib/core/kube/preflight.js';
import { defaultIdentity } from '../../../lib/core/kube/identity.js';
import { preflightMessages } from '../../../lib/core/messages.js';
import type { LeaderElectionLogger } from '../../../lib/core/logger.js';

type Line = { level: 'log' | 'warn' | 'error' | 'debug'; message: string };

function recordingLogger(): LeaderElectionLogger & { lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    log: (message) => void lines.push({ level: 'log', message }),
    warn: (message) => void lines.push({ level: 'warn', message }),
    error: (message) => void lines.push({ level: 'error', message }),
    debug: (message) => void lines.push({ level: 'debug', message }),
  };
}

const short = (checks: { verb: string; group: string; resource: string; name?: string }[]) =>
  checks.map((c) => `${c.verb} ${c.group || 'core'}/${c.resource}${c.name ? `/${c.name}` : ''}`);

describe('requiredPermissions', () => {
  it('leases: create, get/update/watch on the named lease, create events', () => {
    const checks = requiredPermissions({ lockType: 'leases', name: 'jobs', namespace: 'ns' });
    assert.deepEqual(short(checks), [
      'create coordination.k8s.io/leases',
      'get coordination.k8s.io/leases/jobs',
      'update coordination.k8s.io/leases/jobs',
      'watch coordination.k8s.io/leases/jobs',
      'create core/events',
    ]);
    assert.ok(checks.every((c) => c.namespace === 'ns'));
    assert.deepEqual(
      checks.map((c) => c.required),
      [true, true, true, false, false],
    );
  });

  it('leaves out watch when not watching and events when not recording', () => {
    const checks = requiredPermissions({
      name: 'jobs',
      namespace: 'ns',
      watch: false,
      recordEvents: false,
    });
    assert.deepEqual(short(checks), [
      'create coordination.k8s.io/leases',
      'get coordination.k8s.io/leases/jobs',
      'update coordination.k8s.io/leases/jobs',
    ]);
  });

  it('legacy and migration locks check every object they write; MultiLocks are not watched', () => {
    assert.deepEqual(
      short(requiredPermissions({ lockType: 'configmaps', name: 'x', namespace: 'n' })),
      [
        'create core/configmaps',
        'get core/configmaps/x',
        'update core/configmaps/x',
        'watch core/configmaps/x',
        'create core/events',
      ],
    );
    assert.deepEqual(
      short(requiredPermissions({ lockType: 'endpointsleases', name: 'x', namespace: 'n' })),
      [
        'create core/endpoints',
        'get core/endpoints/x',
        'update core/endpoints/x',
        'create coordination.k8s.io/leases',
        'get coordination.k8s.io/leases/x',
        'update coordination.k8s.io/leases/x',
        'create core/events',
      ],
    );
    assert.deepEqual(
      short(requiredPermissions({ lockType: 'configmapsleases', name: 'x', namespace: 'n' })).slice(
        0,
        5,
      ),
      [
        'create core/configmaps',
        'get core/configmaps/x',
        'update core/configmaps/x',
        'create coordination.k8s.io/leases',
        'get coordination.k8s.io/leases/x',
      ],
    );
  });

  it('names the purpose of each permission', () => {
    const [create, get, update, watch, events] = requiredPermissions({
      name: 'jobs',
      namespace: 'ns',
    });
    assert.equal(create!.purpose, 'create the Lease when it does not exist yet');
    assert.equal(
      get!.purpose,
      'read the Lease "jobs" on every acquire attempt and on the renew slow path',
    );
    assert.equal(update!.purpose, 'take over and renew the Lease "jobs"');
    assert.match(watch!.purpose, /^watch the Lease "jobs" so followers react to a release at once/);
    assert.match(events!.purpose, /Events on the lock object/);
  });
});

describe('roleRulesFor / roleRulesYaml', () => {
  it('merges verbs per resource and name, never restricts create by name', () => {
    const rules = roleRulesFor([
      {
        verb: 'create',
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'ns',
        name: 'jobs',
      },
      {
        verb: 'update',
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'ns',
        name: 'jobs',
      },
      {
        verb: 'watch',
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'ns',
        name: 'jobs',
      },
      { verb: 'create', group: '', resource: 'events', namespace: 'ns' },
    ]);
    assert.deepEqual(rules, [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['jobs'],
        verbs: ['update', 'watch'],
      },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    assert.equal(
      roleRulesYaml(rules),
      [
        '- apiGroups: ["coordination.k8s.io"]',
        '  resources: ["leases"]',
        '  verbs: ["create"]',
        '- apiGroups: ["coordination.k8s.io"]',
        '  resources: ["leases"]',
        '  resourceNames: ["jobs"]',
        '  verbs: ["update", "watch"]',
        '- apiGroups: [""]',
        '  resources: ["events"]',
        '  verbs: ["create"]',
      ].join('\n'),
    );
  });

  it('the full set for a lease is the least-privilege Role of the SPEC', () => {
    const yaml = roleRulesYaml(
      roleRulesFor(requiredPermissions({ name: 'jobs', namespace: 'ns' })),
    );
    assert.equal(
      yaml,
      '- apiGroups: ["coordination.k8s.io"]\n  resources: ["leases"]\n  verbs: ["create"]\n' +
        '- apiGroups: ["coordination.k8s.io"]\n  resources: ["leases"]\n  resourceNames: ["jobs"]\n  verbs: ["get", "update", "watch"]\n' +
        '- apiGroups: [""]\n  resources: ["events"]\n  verbs: ["create"]',
    );
  });
});

describe('identityWarning', () => {
  const noPod = {};
  const inPod = { POD_NAME: 'web-7d9f8b6c5-x2k4q' };

  it('warns for the bare hostname outside a pod', () => {
    assert.equal(
      identityWarning('build-box', noPod, 'build-box'),
      preflightMessages.identityIsHostname('build-box'),
    );
    assert.match(
      identityWarning('build-box', noPod, 'build-box')!,
      /"build-box" is this machine's hostname and POD_NAME is not set/,
    );
  });

  it('accepts the default identity, with or without POD_NAME', () => {
    const random = (() => {
      let i = 0;
      return () => ((i++ * 7919) % 1000) / 1000;
    })();
    assert.equal(
      identityWarning(defaultIdentity(noPod, 'build-box', random), noPod, 'build-box'),
      undefined,
    );
    assert.equal(identityWarning(defaultIdentity(inPod, 'web', random), inPod, 'web'), undefined);
  });

  it('accepts pod names with Kubernetes random suffixes and long random suffixes', () => {
    for (const identity of [
      'web-7d9f8b6c5-x2k4q', // Deployment pod
      'agent-xkzqb', // DaemonSet pod: 5 characters of the Kubernetes alphabet
      'worker_1a2b3c4d', // hex
      'worker-k3j9x2m8', // mixed letters and digits
      'worker_0f8fad5b-d9cb-469f-a165-70867728950e',
    ]) {
      assert.equal(identityWarning(identity, inPod, 'other-host'), undefined, identity);
    }
  });

  it('warns when there is no random suffix', () => {
    for (const identity of ['web-0', 'worker', 'my-server', 'billing_replica', 'web-alpha']) {
      assert.equal(
        identityWarning(identity, inPod, 'other-host'),
        preflightMessages.identityWithoutSuffix(identity),
        identity,
      );
    }
    assert.match(preflightMessages.identityWithoutSuffix('web-0'), /takes the lease back at once/);
  });

  it('the hostname is fine as the base when POD_NAME is set (in a pod, hostname = pod name)', () => {
    assert.equal(identityWarning('web-7d9f8b6c5-x2k4q', inPod, 'web-7d9f8b6c5-x2k4q'), undefined);
  });
});

describe('preflightMessages', () => {
  it('names the namespace source', () => {
    assert.equal(
      preflightMessages.namespace('leases', 'ns/jobs', 'POD_NAMESPACE', 'ctx'),
      'Leader election lock leases ns/jobs: namespace "ns" from the POD_NAMESPACE environment variable',
    );
    assert.match(
      preflightMessages.namespace('leases', 'ns/jobs', 'serviceaccount', 'ctx'),
      /\/var\/run\/secrets\/kubernetes.io\/serviceaccount\/namespace/,
    );
    assert.match(
      preflightMessages.namespace('leases', 'dev/jobs', 'kubeconfig', 'kind-dev'),
      /namespace "dev" from the namespace of kubeconfig context "kind-dev"$/,
    );
    assert.match(
      preflightMessages.namespace('leases', 'default/jobs', 'default', 'kind-dev'),
      /fallback "default".*set the namespace option or POD_NAMESPACE/,
    );
  });

  it('lists missing permissions with the rule to add', () => {
    const [, , update] = requiredPermissions({ name: 'jobs', namespace: 'ns' });
    const message = preflightMessages.missingPermissions(
      'ns/jobs',
      [update!],
      roleRulesYaml(roleRulesFor([update!])),
      0,
    );
    assert.equal(
      message,
      'RBAC preflight for leader election lock ns/jobs: these credentials lack 1 permission:\n' +
        '  - update leases.coordination.k8s.io "jobs" in namespace "ns" (required: take over and renew the Lease "jobs")\n' +
        'Add these rules to the Role bound to this replica\'s service account (or kubeconfig user) in namespace "ns":\n' +
        '- apiGroups: ["coordination.k8s.io"]\n  resources: ["leases"]\n  resourceNames: ["jobs"]\n  verbs: ["update"]\n' +
        'Until then the election keeps retrying and the requests that lack a permission fail with 403 Forbidden.',
    );
  });
});

describe('runPreflight without a reachable API server', () => {
  it('never throws: logs the namespace and skips the review at debug level', async () => {
    // A port that was free a moment ago: connection refused, quickly and without a server.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: `https://127.0.0.1:${port}`, caData: undefined }],
      users: [{ name: 'u', token: 'secret-token-123' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u', namespace: 'ns' }],
      currentContext: 'ctx',
    });
    const logger = recordingLogger();
    const started = performance.now();
    const result = await runPreflight({
      kubeConfig,
      namespace: 'ns',
      namespaceSource: 'kubeconfig',
      name: 'jobs',
      identity: 'web-7d9f8b6c5-x2k4q',
      logger,
      env: { POD_NAME: 'web-7d9f8b6c5-x2k4q' },
      timeout: 3000,
    });
    assert.ok(performance.now() - started < 3000, 'bounded by the timeout');
    assert.equal(result.status, 'skipped');
    assert.equal(result.checks.length, 5);
    assert.ok(result.checks.every((c) => c.allowed === undefined));
    assert.match(result.skippedReason!, new RegExp(`127\\.0\\.0\\.1:${port} is unreachable`));
    assert.deepEqual(
      logger.lines.map((l) => l.level),
      ['log', 'debug'],
    );
    assert.equal(
      logger.lines[0]!.message,
      'Leader election lock leases ns/jobs: namespace "ns" from the namespace of kubeconfig context "ctx"',
    );
    assert.match(
      logger.lines[1]!.message,
      /^RBAC preflight for leader election lock ns\/jobs skipped: /,
    );
    assert.ok(logger.lines.every((l) => !l.message.includes('secret-token-123')));
  });

  it('warns about the namespace fallback inside a cluster', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:9' }],
      users: [{ name: 'u', token: 't0ken' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const logger = recordingLogger();
    const abort = new AbortController();
    abort.abort();
    const result = await runPreflight({
      kubeConfig,
      namespace: 'default',
      namespaceSource: 'default',
      name: 'jobs',
      identity: 'solo',
      logger,
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' },
      hostname: 'solo',
      signal: abort.signal,
    });
    assert.equal(result.status, 'skipped');
    assert.equal(result.identityWarning, preflightMessages.identityIsHostname('solo'));
    assert.deepEqual(
      logger.lines.map((l) => l.level),
      ['warn', 'warn', 'debug'],
    );
    assert.match(logger.lines[0]!.message, /fallback "default"/);
  });
});
