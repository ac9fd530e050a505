import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  loadAllYaml,
  loadYaml,
  type V1Deployment,
  type V1Role,
  type V1RoleBinding,
} from '@kubernetes/client-node';
import { repoRoot } from './sample-test.helpers.js';

const k8sDir = join(repoRoot(), 'sample', 'k8s');
const read = <T>(file: string): T => loadYaml<T>(readFileSync(join(k8sDir, file), 'utf8'));

/** client-node returns class instances; strict deepEqual compares prototypes too. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

describe('sample/k8s manifests', () => {
  it('name the same Lease in the Role and in the Deployment', () => {
    const role = read<V1Role>('role.yaml');
    const deployment = read<V1Deployment>('deployment.yaml');
    const env = deployment.spec!.template.spec!.containers[0]!.env ?? [];
    const leaseName = env.find((e) => e.name === 'LEASE_NAME')?.value;
    assert.equal(leaseName, 'sample-leader');
    const named = role.rules!.filter((r) => r.resourceNames?.length);
    assert.deepEqual(
      named.map((r) => r.resourceNames),
      [[leaseName]],
    );
  });

  it('grant exactly the least-privilege rules of the spec', () => {
    const role = read<V1Role>('role.yaml');
    const rules = role.rules!.map((r) => ({
      apiGroups: r.apiGroups,
      resources: r.resources,
      resourceNames: r.resourceNames,
      verbs: r.verbs,
    }));
    assert.deepEqual(rules, [
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: undefined,
        verbs: ['create'],
      },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['sample-leader'],
        verbs: ['get', 'update', 'watch'],
      },
      {
        apiGroups: [''],
        resources: ['events'],
        resourceNames: undefined,
        verbs: ['create', 'patch'],
      },
    ]);
  });

  it('render with kubectl kustomize into a consistent set of objects', (t) => {
    if (!kubectlAvailable()) {
      t.skip('kubectl not on PATH');
      console.log('# skipped: kubectl not on PATH, so `kubectl kustomize sample/k8s` was not run');
      return;
    }
    const out = execFileSync('kubectl', ['kustomize', k8sDir], { encoding: 'utf8' });
    const objects = loadAllYaml(out) as Array<{
      kind: string;
      metadata: { name: string; namespace?: string };
    }>;
    const byKind = new Map(objects.map((o) => [o.kind, o]));
    assert.deepEqual(objects.map((o) => o.kind).sort(), [
      'Deployment',
      'Namespace',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    const ns = 'leader-election-sample';
    for (const o of objects) {
      if (o.kind !== 'Namespace') assert.equal(o.metadata.namespace, ns, `${o.kind} namespace`);
    }

    const binding = byKind.get('RoleBinding') as unknown as V1RoleBinding;
    assert.deepEqual(plain(binding.roleRef), {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: byKind.get('Role')!.metadata.name,
    });
    assert.deepEqual(plain(binding.subjects), [
      { kind: 'ServiceAccount', name: byKind.get('ServiceAccount')!.metadata.name, namespace: ns },
    ]);

    const deployment = byKind.get('Deployment') as unknown as V1Deployment;
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0]!;
    assert.equal(deployment.spec!.replicas, 3);
    assert.equal(pod.serviceAccountName, byKind.get('ServiceAccount')!.metadata.name);
    const fieldRef = (name: string) =>
      container.env?.find((e) => e.name === name)?.valueFrom?.fieldRef?.fieldPath;
    assert.equal(fieldRef('POD_NAME'), 'metadata.name');
    assert.equal(fieldRef('POD_NAMESPACE'), 'metadata.namespace');
    assert.equal(container.livenessProbe?.httpGet?.path, '/health/live');
    assert.equal(container.readinessProbe?.httpGet?.path, '/health/ready');
    // The release is retried for up to renewDeadline (10 s by default): the grace period must
    // leave room for it, or the kubelet's SIGKILL makes every rollout wait out leaseDuration.
    assert.ok((pod.terminationGracePeriodSeconds ?? 30) > 10, 'grace period > renewDeadline');
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
  });
});
