import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoordinationV1Api, CoreV1Api, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { apiFailure, LEASES, raw, startServer } from './kube-api.helpers.js';

const NS = 'default';

function lease(name: string, spec: V1Lease['spec'] = {}): V1Lease {
  return {
    metadata: { name },
    spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: new V1MicroTime(), ...spec },
  };
}

describe('KubeApiTestServer: leases through @kubernetes/client-node', () => {
  it('answers 404 NotFound, 201 on create, 200 on read and update with a new resourceVersion', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);

    const missing = await apiFailure(api.readNamespacedLease({ name: 'lock', namespace: NS }));
    assert.equal(missing.code, 404);
    assert.deepEqual(missing.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'leases.coordination.k8s.io "lock" not found',
      reason: 'NotFound',
      details: { name: 'lock', group: 'coordination.k8s.io', kind: 'leases' },
      code: 404,
    });

    const created = await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    assert.equal(created.metadata?.name, 'lock');
    assert.equal(created.metadata?.namespace, NS);
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(String(created.spec?.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const read = await api.readNamespacedLease({ name: 'lock', namespace: NS });
    assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);

    read.spec!.holderIdentity = 'b';
    const updated = await api.replaceNamespacedLease({ name: 'lock', namespace: NS, body: read });
    assert.equal(updated.spec?.holderIdentity, 'b');
    assert.ok(Number(updated.metadata?.resourceVersion) > Number(read.metadata?.resourceVersion));
    assert.equal(updated.metadata?.uid, created.metadata?.uid);
  });

  it('answers 409 Conflict for a stale resourceVersion and 409 AlreadyExists for a taken name', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const created = await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    await api.replaceNamespacedLease({
      name: 'lock',
      namespace: NS,
      body: { ...created, spec: { ...created.spec, holderIdentity: 'b' } },
    });

    const stale = await apiFailure(
      api.replaceNamespacedLease({ name: 'lock', namespace: NS, body: created }),
    );
    assert.equal(stale.code, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on leases.coordination.k8s.io "lock": the object has been modified; please apply your changes to the latest version and try again',
    );

    const taken = await apiFailure(
      api.createNamespacedLease({ namespace: NS, body: lease('lock') }),
    );
    assert.equal(taken.code, 409);
    assert.equal(taken.body.reason, 'AlreadyExists');
    assert.equal(taken.body.message, 'leases.coordination.k8s.io "lock" already exists');
    assert.deepEqual(taken.body.details, {
      name: 'lock',
      group: 'coordination.k8s.io',
      kind: 'leases',
    });
  });

  it('refuses a Lease PUT without resourceVersion with 422 (leases allow no unconditional update)', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    await api.createNamespacedLease({ namespace: NS, body: lease('lock') });

    const failure = await apiFailure(
      api.replaceNamespacedLease({ name: 'lock', namespace: NS, body: lease('lock') }),
    );
    assert.equal(failure.code, 422);
    assert.deepEqual(failure.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'leases.coordination.k8s.io "lock" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update',
      reason: 'Invalid',
      details: {
        name: 'lock',
        group: 'coordination.k8s.io',
        kind: 'leases',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 0: must be specified for an update',
            field: 'metadata.resourceVersion',
          },
        ],
      },
      code: 422,
    });
  });

  it('validates leases with the API server rules and texts (422)', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);

    const zero = await apiFailure(
      api.createNamespacedLease({ namespace: NS, body: lease('x', { leaseDurationSeconds: 0 }) }),
    );
    assert.equal(zero.code, 422);
    assert.equal(
      zero.body.message,
      'Lease.coordination.k8s.io "x" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    );
    assert.deepEqual(zero.body.details, {
      name: 'x',
      group: 'coordination.k8s.io',
      kind: 'Lease',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0: must be greater than 0',
          field: 'spec.leaseDurationSeconds',
        },
      ],
    });

    const two = await apiFailure(
      api.createNamespacedLease({
        namespace: NS,
        body: lease('y', { leaseDurationSeconds: -1, leaseTransitions: -1 }),
      }),
    );
    assert.equal(
      two.body.message,
      'Lease.coordination.k8s.io "y" is invalid: [spec.leaseDurationSeconds: Invalid value: -1: must be greater than 0, spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0]',
    );

    const badName = await apiFailure(
      api.createNamespacedLease({ namespace: NS, body: lease('Bad_Name') }),
    );
    assert.equal(badName.code, 422);
    assert.equal(
      badName.body.message,
      `Lease.coordination.k8s.io "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  });

  it('rejects MicroTimes without exactly six fractional digits with 400 and the decode message', async (t) => {
    const server = await startServer(t);
    const at = '2026-01-02T03:04:05.123Z';
    const response = await raw(server, 'POST', `${LEASES}/${NS}/leases`, {
      body: { metadata: { name: 'x' }, spec: { holderIdentity: 'a', renewTime: at } },
    });
    assert.equal(response.status, 400);
    assert.deepEqual(response.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Lease in version "v1" cannot be handled as a Lease: parsing time "${at}" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"`,
      reason: 'BadRequest',
      code: 400,
    });
    const noFraction = await raw(server, 'POST', `${LEASES}/${NS}/leases`, {
      body: { metadata: { name: 'x' }, spec: { acquireTime: '2026-01-02T03:04:05Z' } },
    });
    assert.equal(noFraction.status, 400);
    assert.match(String(noFraction.json.message), /cannot parse "Z" as "\.000000"$/);
    const nanos = await raw(server, 'POST', `${LEASES}/${NS}/leases`, {
      body: { metadata: { name: 'x' }, spec: { acquireTime: '2026-01-02T03:04:05.123456789Z' } },
    });
    assert.match(String(nanos.json.message), /cannot parse "789Z" as "Z07:00"$/);
    assert.equal(server.getObject('leases', NS, 'x'), undefined, 'nothing was stored');

    const ok = await raw(server, 'POST', `${LEASES}/${NS}/leases`, {
      body: { metadata: { name: 'x' }, spec: { renewTime: '2026-01-02T05:04:05.123456+02:00' } },
    });
    assert.equal(ok.status, 201);
    assert.equal(
      (ok.json.spec as Record<string, unknown>).renewTime,
      '2026-01-02T03:04:05.123456Z',
      'stored back in UTC with six digits',
    );
  });

  it('creates a Lease on PUT to a missing name (201), but a uid precondition still conflicts', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const created = await api.replaceNamespacedLease({
      name: 'fresh',
      namespace: NS,
      body: lease('fresh'),
    });
    assert.equal(created.metadata?.name, 'fresh');
    const created201 = await raw(server, 'PUT', `${LEASES}/${NS}/leases/other`, {
      body: { metadata: { name: 'other' }, spec: {} },
    });
    assert.equal(created201.status, 201);

    // The client's cached object after the lease was deleted and recreated by someone else.
    const cached = await api.readNamespacedLease({ name: 'fresh', namespace: NS });
    assert.equal(server.deleteObject('leases', NS, 'fresh'), true);
    const recreated = await api.createNamespacedLease({ namespace: NS, body: lease('fresh') });
    const failure = await apiFailure(
      api.replaceNamespacedLease({ name: 'fresh', namespace: NS, body: cached }),
    );
    assert.equal(failure.code, 409);
    assert.equal(failure.body.reason, 'Conflict');
    assert.equal(
      failure.body.message,
      `Operation cannot be fulfilled on leases.coordination.k8s.io "fresh": StorageError: invalid object, Code: 4, Key: /registry/leases/default/fresh, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${cached.metadata?.uid}, UID in object meta: ${recreated.metadata?.uid}`,
    );
  });

  it('keeps the resourceVersion on a no-op update and returns a Success Status on DELETE', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const created = await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    const rvBefore = server.resourceVersion();
    const same = await api.replaceNamespacedLease({ name: 'lock', namespace: NS, body: created });
    assert.equal(same.metadata?.resourceVersion, created.metadata?.resourceVersion);
    assert.equal(server.resourceVersion(), rvBefore);

    const deleted = await raw(server, 'DELETE', `${LEASES}/${NS}/leases/lock`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name: 'lock',
        group: 'coordination.k8s.io',
        kind: 'leases',
        uid: created.metadata?.uid,
      },
    });
    const again = await raw(server, 'DELETE', `${LEASES}/${NS}/leases/lock`);
    assert.equal(again.status, 404);
  });

  it('answers 400 for a namespace mismatch and 500 for a resourceVersion on create', async (t) => {
    const server = await startServer(t);
    const mismatch = await raw(server, 'POST', `${LEASES}/${NS}/leases`, {
      body: { metadata: { name: 'x', namespace: 'other' } },
    });
    assert.equal(mismatch.status, 400);
    assert.equal(
      mismatch.json.message,
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const withRv = await raw(server, 'POST', `${LEASES}/${NS}/leases`, {
      body: { metadata: { name: 'x', resourceVersion: '12' } },
    });
    assert.equal(withRv.status, 500);
    assert.deepEqual(withRv.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'resourceVersion should not be set on objects to be created',
      code: 500,
    });
    const wrongName = await raw(server, 'PUT', `${LEASES}/${NS}/leases/x`, {
      body: { metadata: { name: 'y' } },
    });
    assert.equal(wrongName.status, 400);
    assert.equal(
      wrongName.json.message,
      'the name of the object (y) does not match the name on the URL (x)',
    );
  });

  it('lists with the global resourceVersion and filters by field and label selectors', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    await api.createNamespacedLease({
      namespace: NS,
      body: { ...lease('a'), metadata: { name: 'a', labels: { app: 'x' } } },
    });
    await api.createNamespacedLease({ namespace: NS, body: lease('b') });
    await api.createNamespacedLease({ namespace: 'other', body: lease('c') });
    const all = await api.listNamespacedLease({ namespace: NS });
    assert.deepEqual(
      all.items.map((l) => l.metadata?.name),
      ['a', 'b'],
    );
    assert.equal(all.metadata?.resourceVersion, server.resourceVersion());
    const byName = await api.listNamespacedLease({
      namespace: NS,
      fieldSelector: 'metadata.name=b',
    });
    assert.deepEqual(
      byName.items.map((l) => l.metadata?.name),
      ['b'],
    );
    const byLabel = await api.listNamespacedLease({ namespace: NS, labelSelector: 'app in (x,y)' });
    assert.deepEqual(
      byLabel.items.map((l) => l.metadata?.name),
      ['a'],
    );
    const everywhere = await api.listLeaseForAllNamespaces();
    assert.deepEqual(
      everywhere.items.map((l) => l.metadata?.name),
      ['a', 'b', 'c'],
    );
    const rawList = await raw(server, 'GET', `${LEASES}/${NS}/leases`);
    assert.equal(rawList.json.kind, 'LeaseList');
    assert.equal((rawList.json.items as Array<Record<string, unknown>>)[0].kind, undefined);
  });

  it('patches with merge, strategic-merge and JSON patches', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    const merged = await raw(server, 'PATCH', `${LEASES}/${NS}/leases/lock`, {
      body: { spec: { holderIdentity: 'm' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(merged.status, 200);
    assert.equal((merged.json.spec as Record<string, unknown>).holderIdentity, 'm');
    assert.equal((merged.json.spec as Record<string, unknown>).leaseDurationSeconds, 15);
    const strategic = await raw(server, 'PATCH', `${LEASES}/${NS}/leases/lock`, {
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.deepEqual((strategic.json.metadata as Record<string, unknown>).labels, { a: 'b' });
    const patched = await api.patchNamespacedLease({
      name: 'lock',
      namespace: NS,
      body: [{ op: 'replace', path: '/spec/holderIdentity', value: 'j' }],
    });
    assert.equal(patched.spec?.holderIdentity, 'j');
    const stale = await raw(server, 'PATCH', `${LEASES}/${NS}/leases/lock`, {
      body: { metadata: { resourceVersion: '1' }, spec: { holderIdentity: 'z' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(stale.status, 409);
    const invalidPatch = await raw(server, 'PATCH', `${LEASES}/${NS}/leases/lock`, {
      body: { spec: { leaseDurationSeconds: 0 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(invalidPatch.status, 422);
    const missing = await raw(server, 'PATCH', `${LEASES}/${NS}/leases/nope`, {
      body: { spec: {} },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(missing.status, 404);
  });
});

describe('KubeApiTestServer: configmaps, endpoints and the global resourceVersion', () => {
  it('answers 404 to a PUT of a missing ConfigMap but accepts an unconditional ConfigMap update', async (t) => {
    const server = await startServer(t);
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const missing = await apiFailure(
      core.replaceNamespacedConfigMap({
        name: 'cm',
        namespace: NS,
        body: { metadata: { name: 'cm' }, data: { a: '1' } },
      }),
    );
    assert.equal(missing.code, 404);
    assert.equal(missing.body.message, 'configmaps "cm" not found');
    assert.deepEqual(missing.body.details, { name: 'cm', kind: 'configmaps' });

    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm' } } });
    const updated = await core.replaceNamespacedConfigMap({
      name: 'cm',
      namespace: NS,
      body: { metadata: { name: 'cm' }, data: { a: '2' } },
    });
    assert.deepEqual(updated.data, { a: '2' });
  });

  it('creates Endpoints on PUT and warns that v1 Endpoints are deprecated', async (t) => {
    const server = await startServer(t);
    const response = await raw(server, 'PUT', `/api/v1/namespaces/${NS}/endpoints/ep`, {
      body: { metadata: { name: 'ep' } },
    });
    assert.equal(response.status, 201);
    assert.equal(
      response.headers.get('warning'),
      '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"',
    );
    const unconditional = await raw(server, 'PUT', `/api/v1/namespaces/${NS}/endpoints/ep`, {
      body: { metadata: { name: 'ep', annotations: { x: 'y' } } },
    });
    assert.equal(unconditional.status, 200);
  });

  it('shares one increasing resourceVersion across resource types', async (t) => {
    const server = await startServer(t);
    const kc = server.kubeConfig();
    const leases = kc.makeApiClient(CoordinationV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const rvs: number[] = [];
    rvs.push(
      Number(
        (await leases.createNamespacedLease({ namespace: NS, body: lease('l') })).metadata
          ?.resourceVersion,
      ),
    );
    rvs.push(
      Number(
        (await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'c' } } }))
          .metadata?.resourceVersion,
      ),
    );
    rvs.push(
      Number(
        (await core.createNamespacedEndpoints({ namespace: NS, body: { metadata: { name: 'e' } } }))
          .metadata?.resourceVersion,
      ),
    );
    rvs.push(
      Number(
        (await leases.createNamespacedLease({ namespace: NS, body: lease('m') })).metadata
          ?.resourceVersion,
      ),
    );
    for (let i = 1; i < rvs.length; i++)
      assert.ok(rvs[i] > rvs[i - 1], `rv ${rvs[i]} > ${rvs[i - 1]}`);
    assert.equal(server.resourceVersion(), String(rvs[3]));
  });

  it('serves namespaces, creating unknown ones on first use unless told not to', async (t) => {
    const server = await startServer(t);
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const ns = await core.readNamespace({ name: 'default' });
    assert.equal(ns.status?.phase, 'Active');
    await core.createNamespacedConfigMap({
      namespace: 'brand-new',
      body: { metadata: { name: 'c' } },
    });
    assert.ok(server.getObject('namespaces', '', 'brand-new'));

    const strict = await startServer(t, { autoCreateNamespaces: false });
    const strictCore = strict.kubeConfig().makeApiClient(CoreV1Api);
    const failure = await apiFailure(
      strictCore.createNamespacedConfigMap({
        namespace: 'nowhere',
        body: { metadata: { name: 'c' } },
      }),
    );
    assert.equal(failure.code, 404);
    assert.equal(failure.body.message, 'namespaces "nowhere" not found');
  });
});
