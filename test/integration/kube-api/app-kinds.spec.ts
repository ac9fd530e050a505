import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import { apiFailure, raw, startServer } from './kube-api.helpers.js';

const NS = 'apps-test';
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function deployment(name: string, replicas = 2): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'example/app:1',
              env: [{ name: 'MODE', value: 'x' }],
              resources: { requests: { cpu: '50m' } },
            },
          ],
        },
      },
    },
  };
}

describe('KubeApiTestServer: app kinds (Deployment, Service, ServiceAccount, Role, RoleBinding)', () => {
  it('stores Deployments: status dropped, defaults, generation counts spec changes, list, delete', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(AppsV1Api);
    const body = deployment('web') as V1Deployment & { status: object };
    body.status = { replicas: 99 };
    const created = await api.createNamespacedDeployment({ namespace: NS, body });
    assert.equal(created.metadata?.generation, 1);
    assert.equal(created.status, undefined, 'status is not writable through the main resource');
    assert.equal(created.spec?.replicas, 2);
    assert.equal(created.spec?.revisionHistoryLimit, 10);
    assert.equal(created.spec?.strategy?.type, 'RollingUpdate');
    assert.equal(server.getObject('deployments', NS, 'web')?.kind, 'Deployment');

    const sameSpec = await api.replaceNamespacedDeployment({
      name: 'web',
      namespace: NS,
      body: { ...created, metadata: { ...created.metadata, labels: { app: 'web', tier: 'x' } } },
    });
    assert.equal(sameSpec.metadata?.generation, 1, 'a metadata change keeps the generation');
    const scaled = await api.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: NS,
        body: { spec: { replicas: 3 } },
      },
      MERGE_PATCH,
    );
    assert.equal(scaled.spec?.replicas, 3);
    assert.equal(scaled.metadata?.generation, 2);

    const listed = await api.listNamespacedDeployment({ namespace: NS });
    assert.deepEqual(
      listed.items.map((d) => d.metadata?.name),
      ['web'],
    );
    await api.deleteNamespacedDeployment({ name: 'web', namespace: NS });
    const gone = await apiFailure(api.readNamespacedDeployment({ name: 'web', namespace: NS }));
    assert.equal(gone.code, 404);
    assert.equal(gone.body.message, 'deployments.apps "web" not found');
    assert.deepEqual(gone.body.details, { name: 'web', group: 'apps', kind: 'deployments' });
  });

  it('answers 409 AlreadyExists and 422 Invalid with the API server texts', async (t) => {
    const server = await startServer(t);
    const kc = server.kubeConfig();
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment('web') });
    const taken = await apiFailure(
      apps.createNamespacedDeployment({ namespace: NS, body: deployment('web') }),
    );
    assert.equal(taken.code, 409);
    assert.equal(taken.body.message, 'deployments.apps "web" already exists');

    const mismatched = deployment('mismatch');
    mismatched.spec!.template.metadata!.labels = { app: 'other' };
    const invalid = await apiFailure(
      apps.createNamespacedDeployment({ namespace: NS, body: mismatched }),
    );
    assert.equal(invalid.code, 422);
    assert.equal(
      invalid.body.message,
      'Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`',
    );

    const badService = await apiFailure(
      core.createNamespacedService({
        namespace: NS,
        body: { metadata: { name: '1svc' }, spec: { ports: [{ port: 0 }] } },
      }),
    );
    assert.equal(badService.code, 422);
    // targetPort defaults to port, so it is reported too (as kube-apiserver does).
    assert.equal(
      badService.body.message,
      `Service "1svc" is invalid: [metadata.name: Invalid value: "1svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'), spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]`,
    );

    const role = await apiFailure(
      rbac.createNamespacedRole({
        namespace: NS,
        body: {
          metadata: { name: 'r' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }],
        },
      }),
    );
    assert.equal(
      role.body.message,
      'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    );

    await rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: 'rb' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' },
        subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: NS }],
      },
    });
    const moved = await apiFailure(
      rbac.patchNamespacedRoleBinding(
        {
          name: 'rb',
          namespace: NS,
          body: { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'b' } },
        },
        MERGE_PATCH,
      ),
    );
    assert.equal(moved.code, 422);
    assert.match(String(moved.body.message), /roleRef: Invalid value: .*: cannot change roleRef$/);
  });

  it('decodes with the full Go types: type errors are 400, Quantity takes numbers, unknown fields per fieldValidation', async (t) => {
    const server = await startServer(t);
    const post = (body: unknown, query = '') =>
      raw(server, 'POST', `${DEPLOYMENTS}${query}`, { body });
    const base = deployment('typed') as unknown as {
      metadata: { name: string };
      spec: {
        template: { spec: { containers: Array<Record<string, unknown>> } };
        replica?: number;
      };
    };
    const container = base.spec.template.spec.containers[0];

    container.env = [{ name: 'PORT', value: 3000 }];
    const wrongType = await post(base);
    assert.equal(wrongType.status, 400);
    assert.equal(
      wrongType.json.message,
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string',
    );

    container.env = [{ name: 'PORT', value: '3000' }];
    container.resources = { requests: { cpu: 1 } };
    base.metadata.name = 'quantity';
    assert.equal((await post(base)).status, 201, 'cpu: 1 is a valid Quantity');

    base.metadata.name = 'typo';
    base.spec.replica = 3;
    container.imagePullPolice = 'Always';
    const strict = await post(base, '?fieldValidation=Strict');
    assert.equal(strict.status, 400);
    assert.equal(
      strict.json.message,
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolice", unknown field "spec.replica"',
    );
    assert.equal(server.getObject('deployments', NS, 'typo'), undefined);

    const warned = await post(base);
    assert.equal(warned.status, 201);
    assert.equal(
      warned.headers.get('warning'),
      '299 - "unknown field \\"spec.template.spec.containers[0].imagePullPolice\\"", 299 - "unknown field \\"spec.replica\\""',
    );
    assert.equal((warned.json.spec as Record<string, unknown>).replica, undefined, 'dropped');

    base.metadata.name = 'ignored';
    const ignored = await post(base, '?fieldValidation=Ignore');
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers.get('warning'), null);

    const bad = await post(base, '?fieldValidation=Loud');
    assert.equal(bad.status, 422);
    assert.equal(
      bad.json.message,
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });

  it('serves dryRun=All: validated and answered as if written, nothing stored or logged', async (t) => {
    const server = await startServer(t, { autoCreateNamespaces: false, namespaces: [NS] });
    const apps = server.kubeConfig().makeApiClient(AppsV1Api);
    const before = server.resourceVersion();

    const created = await apps.createNamespacedDeployment({
      namespace: NS,
      body: deployment('dry'),
      dryRun: 'All',
    });
    assert.equal(created.metadata?.name, 'dry');
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(created.metadata?.resourceVersion, undefined);
    assert.equal(server.getObject('deployments', NS, 'dry'), undefined);

    const invalid = deployment('dry-invalid');
    invalid.spec!.selector = { matchLabels: { app: 'nope' } };
    const rejected = await apiFailure(
      apps.createNamespacedDeployment({ namespace: NS, body: invalid, dryRun: 'All' }),
    );
    assert.equal(rejected.code, 422, 'a dry run validates like a write');
    const missingNs = await apiFailure(
      apps.createNamespacedDeployment({
        namespace: 'absent',
        body: deployment('x'),
        dryRun: 'All',
      }),
    );
    assert.equal(missingNs.code, 404);
    assert.equal(missingNs.body.message, 'namespaces "absent" not found');
    assert.equal(server.resourceVersion(), before);

    const stored = await apps.createNamespacedDeployment({
      namespace: NS,
      body: deployment('real'),
    });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'real',
        namespace: NS,
        body: { spec: { replicas: 5 } },
        dryRun: 'All',
      },
      MERGE_PATCH,
    );
    assert.equal(patched.spec?.replicas, 5);
    assert.equal(patched.metadata?.generation, 2);
    const kept = server.getObject('deployments', NS, 'real') as { spec: { replicas: number } };
    assert.equal(kept.spec.replicas, 2);
    await apps.deleteNamespacedDeployment({ name: 'real', namespace: NS, dryRun: 'All' });
    assert.notEqual(server.getObject('deployments', NS, 'real'), undefined);
    assert.equal(server.resourceVersion(), stored.metadata?.resourceVersion);

    // Lock kinds too: a dry-run Lease write is not a write.
    const lease = await raw(
      server,
      'POST',
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases?dryRun=All`,
      { body: { metadata: { name: 'lock' }, spec: { holderIdentity: 'a' } } },
    );
    assert.equal(lease.status, 201);
    assert.deepEqual(server.writeLog(), []);
    assert.equal(server.getObject('leases', NS, 'lock'), undefined);

    const badDryRun = await raw(server, 'POST', `${DEPLOYMENTS}?dryRun=Yes`, {
      body: deployment('x'),
    });
    assert.equal(badDryRun.status, 422);
    assert.equal(
      badDryRun.json.message,
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Yes"]: supported values: "All"',
    );
  });

  it('applies RBAC rules and watches to the new kinds like any other', async (t) => {
    const server = await startServer(t);
    server.addToken('reader', {
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }],
    });
    const reader = server.kubeConfig('reader').makeApiClient(AppsV1Api);
    const denied = await apiFailure(
      reader.createNamespacedDeployment({ namespace: NS, body: deployment('web') }),
    );
    assert.equal(denied.code, 403);
    assert.equal(
      denied.body.message,
      'deployments.apps is forbidden: User "system:serviceaccount:default:reader" cannot create resource "deployments" in API group "apps" in the namespace "apps-test"',
    );

    const abort = new AbortController();
    t.after(() => abort.abort());
    const response = await fetch(`${server.url}${DEPLOYMENTS}?watch=true`, {
      headers: { authorization: 'Bearer reader' },
      signal: abort.signal,
    });
    assert.equal(response.status, 200);
    const reading = response.body!.getReader();
    const admin = server.kubeConfig().makeApiClient(AppsV1Api);
    await admin.createNamespacedDeployment({ namespace: NS, body: deployment('web') });
    let text = '';
    while (!text.includes('\n')) {
      const chunk = await reading.read();
      if (chunk.done) break;
      text += Buffer.from(chunk.value).toString('utf8');
    }
    const event = JSON.parse(text.split('\n')[0]) as {
      type: string;
      object: { kind: string; metadata: { name: string } };
    };
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.kind, 'Deployment');
    assert.equal(event.object.metadata.name, 'web');
    abort.abort();
    await reading.cancel().catch(() => {});
  });

  it('serves discovery and an OpenAPI v3 index telling kubectl that fields are validated here', async (t) => {
    const server = await startServer(t);
    const apps = await raw(server, 'GET', '/apis/apps/v1');
    assert.deepEqual(apps.json.resources, [
      {
        name: 'deployments',
        singularName: 'deployment',
        namespaced: true,
        kind: 'Deployment',
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        shortNames: ['deploy'],
        categories: ['all'],
      },
    ]);
    const rbac = await raw(server, 'GET', '/apis/rbac.authorization.k8s.io/v1');
    assert.deepEqual(
      (rbac.json.resources as Array<{ name: string }>).map((r) => r.name),
      ['roles', 'rolebindings'],
    );

    const index = await raw(server, 'GET', '/openapi/v3');
    const paths = index.json.paths as Record<string, { serverRelativeURL: string }>;
    assert.deepEqual(Object.keys(paths).sort(), [
      'api/v1',
      'apis/apps/v1',
      'apis/coordination.k8s.io/v1',
      'apis/events.k8s.io/v1',
      'apis/rbac.authorization.k8s.io/v1',
    ]);
    const doc = await raw(server, 'GET', paths['apis/apps/v1'].serverRelativeURL);
    assert.equal(doc.status, 200);
    const item = (doc.json.paths as Record<string, { patch: Record<string, unknown> }>)[
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}'
    ];
    assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    assert.ok(
      (item.patch.parameters as Array<{ name: string }>).some((p) => p.name === 'fieldValidation'),
    );
    assert.equal((await raw(server, 'GET', '/openapi/v3/apis/widgets/v1')).status, 404);
  });
});
