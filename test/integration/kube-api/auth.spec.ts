import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthorizationV1Api, CoordinationV1Api, V1MicroTime, Watch } from '@kubernetes/client-node';
import type { TestPolicyRule } from '../../../lib/testing/index.js';
import { apiFailure, LEASES, raw, startServer, waitUntil } from './kube-api.helpers.js';

const NS = 'team-a';
const lease = (name: string) => ({
  metadata: { name },
  spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: new V1MicroTime() },
});

/** The least-privilege role the sample ships: create leases, get/update/watch the named one. */
const electionRules = (name: string): TestPolicyRule[] => [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['create'],
    namespaces: [NS],
  },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'update', 'watch'],
    resourceNames: [name],
    namespaces: [NS],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

describe('KubeApiTestServer: authentication', () => {
  it('answers 401 with the real Status for a missing or unknown token', async (t) => {
    const server = await startServer(t);
    const expected = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    };
    const none = await raw(server, 'GET', `${LEASES}/${NS}/leases/x`, { token: null });
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, expected);
    const unknown = await raw(server, 'GET', `${LEASES}/${NS}/leases/x`, { token: 'nobody' });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.json, expected);

    const kc = server.kubeConfig('temp');
    const api = kc.makeApiClient(CoordinationV1Api);
    await api.listNamespacedLease({ namespace: NS });
    server.removeToken('temp');
    const removed = await apiFailure(api.listNamespacedLease({ namespace: NS }));
    assert.equal(removed.code, 401);
  });

  it('accepts anonymous requests when allowAnonymous is set', async (t) => {
    const server = await startServer(t, { allowAnonymous: true });
    const response = await raw(server, 'GET', `${LEASES}/${NS}/leases`, { token: null });
    assert.equal(response.status, 200);
    assert.equal(server.counters().byToken['']?.list, 1);
  });
});

describe('KubeApiTestServer: RBAC', () => {
  it('allows what the rules grant and answers 403 with the real message otherwise', async (t) => {
    const server = await startServer(t);
    server.addToken('elector', { rules: electionRules('lock') });
    const api = server.kubeConfig('elector').makeApiClient(CoordinationV1Api);

    const created = await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    await api.readNamespacedLease({ name: 'lock', namespace: NS });
    await api.replaceNamespacedLease({ name: 'lock', namespace: NS, body: created });

    const other = await apiFailure(api.readNamespacedLease({ name: 'other', namespace: NS }));
    assert.equal(other.code, 403);
    assert.deepEqual(other.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'leases.coordination.k8s.io "other" is forbidden: User "system:serviceaccount:default:elector" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "team-a"',
      reason: 'Forbidden',
      details: { name: 'other', group: 'coordination.k8s.io', kind: 'leases' },
      code: 403,
    });

    const list = await apiFailure(api.listNamespacedLease({ namespace: NS }));
    assert.equal(list.code, 403);
    assert.equal(
      list.body.message,
      'leases.coordination.k8s.io is forbidden: User "system:serviceaccount:default:elector" cannot list resource "leases" in API group "coordination.k8s.io" in the namespace "team-a"',
    );

    const elsewhere = await apiFailure(
      api.createNamespacedLease({ namespace: 'team-b', body: lease('lock') }),
    );
    assert.equal(elsewhere.code, 403);
    assert.match(
      String(elsewhere.body.message),
      /cannot create resource "leases" .* in the namespace "team-b"$/,
    );

    const del = await apiFailure(api.deleteNamespacedLease({ name: 'lock', namespace: NS }));
    assert.equal(del.code, 403);
    assert.ok(server.getObject('leases', NS, 'lock'), 'the denied delete changed nothing');
  });

  it('never lets a resourceNames rule authorize a create, and names core resources with API group ""', async (t) => {
    const server = await startServer(t);
    server.addToken('named', {
      user: 'jane',
      rules: [
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          verbs: ['*'],
          resourceNames: ['lock'],
        },
      ],
    });
    const api = server.kubeConfig('named').makeApiClient(CoordinationV1Api);
    const create = await apiFailure(
      api.createNamespacedLease({ namespace: NS, body: lease('lock') }),
    );
    assert.equal(create.code, 403);
    assert.equal(
      create.body.message,
      'leases.coordination.k8s.io is forbidden: User "jane" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "team-a"',
    );
    const configmap = await raw(server, 'GET', '/api/v1/namespaces/team-a/configmaps/x', {
      token: 'named',
    });
    assert.equal(configmap.status, 403);
    assert.equal(
      configmap.json.message,
      'configmaps "x" is forbidden: User "jane" cannot get resource "configmaps" in API group "" in the namespace "team-a"',
    );
    assert.deepEqual(configmap.json.details, { name: 'x', kind: 'configmaps' });
    const clusterWide = await raw(server, 'GET', '/apis/coordination.k8s.io/v1/leases', {
      token: 'named',
    });
    assert.equal(
      clusterWide.json.message,
      'leases.coordination.k8s.io is forbidden: User "jane" cannot list resource "leases" in API group "coordination.k8s.io" at the cluster scope',
    );
  });

  it('lets a resourceNames rule authorize a watch pinned to that name by fieldSelector', async (t) => {
    const server = await startServer(t, { bookmarkInterval: 0 });
    server.putObject('leases', NS, lease('lock'));
    server.addToken('watcher', { rules: electionRules('lock') });
    const kc = server.kubeConfig('watcher');
    const path = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;

    const seen: string[] = [];
    let ended: unknown = 'open';
    const controller = await new Watch(kc).watch(
      path,
      { fieldSelector: 'metadata.name=lock' },
      (type, obj: { metadata: { name: string } }) => seen.push(`${type} ${obj.metadata.name}`),
      (err) => (ended = err),
    );
    t.after(() => controller.abort());
    await waitUntil(() => seen.length === 1);
    assert.deepEqual(seen, ['ADDED lock']);

    let refused: unknown;
    await new Watch(kc).watch(
      path,
      { fieldSelector: 'metadata.name=other' },
      () => {},
      (err) => (refused = err),
    );
    await waitUntil(() => refused !== undefined);
    assert.equal((refused as { statusCode?: number }).statusCode, 403);
    const denied = await raw(
      server,
      'GET',
      `${path}?watch=true&fieldSelector=metadata.name%3Dother`,
      {
        token: 'watcher',
      },
    );
    assert.equal(
      denied.json.message,
      'leases.coordination.k8s.io "other" is forbidden: User "system:serviceaccount:default:watcher" cannot watch resource "leases" in API group "coordination.k8s.io" in the namespace "team-a"',
    );
    assert.equal(ended, 'open');
  });

  it('needs the create permission for a PUT that creates a Lease', async (t) => {
    const server = await startServer(t);
    server.addToken('updater', {
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['update'] }],
    });
    const response = await raw(server, 'PUT', `${LEASES}/${NS}/leases/lock`, {
      token: 'updater',
      body: { metadata: { name: 'lock' } },
    });
    assert.equal(response.status, 403);
    assert.match(String(response.json.message), /cannot create resource "leases"/);
    server.setRules('updater', [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['update', 'create'] },
    ]);
    const allowed = await raw(server, 'PUT', `${LEASES}/${NS}/leases/lock`, {
      token: 'updater',
      body: { metadata: { name: 'lock' } },
    });
    assert.equal(allowed.status, 201);
  });

  it('answers SelfSubjectAccessReviews from the token rules', async (t) => {
    const server = await startServer(t);
    server.addToken('elector', { rules: electionRules('lock') });
    const authz = server.kubeConfig('elector').makeApiClient(AuthorizationV1Api);
    const ask = async (verb: string, name?: string, namespace = NS) =>
      (
        await authz.createSelfSubjectAccessReview({
          body: {
            spec: {
              resourceAttributes: {
                group: 'coordination.k8s.io',
                resource: 'leases',
                verb,
                name,
                namespace,
              },
            },
          },
        })
      ).status?.allowed;
    assert.equal(await ask('update', 'lock'), true);
    assert.equal(await ask('update', 'other'), false);
    assert.equal(await ask('create'), true);
    assert.equal(await ask('create', undefined, 'team-b'), false);
    assert.equal(await ask('delete', 'lock'), false);

    const admin = server.kubeConfig().makeApiClient(AuthorizationV1Api);
    const review = await admin.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { resource: 'anything', verb: 'delete' } } },
    });
    assert.equal(review.status?.allowed, true);
    assert.equal(review.kind, 'SelfSubjectAccessReview');

    const invalid = await raw(
      server,
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        body: { spec: {} },
      },
    );
    assert.equal(invalid.status, 422);
  });
});
