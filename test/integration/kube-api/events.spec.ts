import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api, EventsV1Api, V1MicroTime } from '@kubernetes/client-node';
import { apiFailure, microTime, raw, startServer } from './kube-api.helpers.js';

const NS = 'default';
const involvedObject = {
  kind: 'Lease',
  namespace: NS,
  name: 'lock',
  apiVersion: 'coordination.k8s.io/v1',
};

describe('KubeApiTestServer: core/v1 Events (what client-go recorders send)', () => {
  it('creates a leader-election event and patches its count', async (t) => {
    const server = await startServer(t);
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const now = new Date();
    const created = await core.createNamespacedEvent({
      namespace: NS,
      body: {
        metadata: { name: 'lock.17a2b3c4d5e6f708' },
        involvedObject,
        reason: 'LeaderElection',
        message: 'pod-a became leader',
        source: { component: 'billing', host: 'pod-a' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type: 'Normal',
        reportingComponent: 'billing',
        reportingInstance: 'pod-a',
      },
    });
    assert.equal(created.reason, 'LeaderElection');
    assert.match(
      (await raw(server, 'GET', `/api/v1/namespaces/${NS}/events/lock.17a2b3c4d5e6f708`)).text,
      /"firstTimestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/,
      'metav1.Time is stored with second precision',
    );
    const patched = await raw(
      server,
      'PATCH',
      `/api/v1/namespaces/${NS}/events/lock.17a2b3c4d5e6f708`,
      {
        body: { count: 2, lastTimestamp: new Date().toISOString() },
        contentType: 'application/strategic-merge-patch+json',
      },
    );
    assert.equal(patched.status, 200);
    assert.equal(patched.json.count, 2);
  });

  it('refuses an event whose namespace differs from its involvedObject namespace (422)', async (t) => {
    const server = await startServer(t);
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    const failure = await apiFailure(
      core.createNamespacedEvent({
        namespace: NS,
        body: {
          metadata: { name: 'e1' },
          involvedObject: { ...involvedObject, namespace: 'other' },
        },
      }),
    );
    assert.equal(failure.code, 422);
    assert.equal(
      failure.body.message,
      'Event "e1" is invalid: involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    );
    assert.deepEqual(failure.body.details, {
      name: 'e1',
      kind: 'Event',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "other": does not match event.namespace',
          field: 'involvedObject.namespace',
        },
      ],
    });
  });

  it('needs a name (400) and accepts a PUT that creates an event', async (t) => {
    const server = await startServer(t);
    const noName = await raw(server, 'POST', `/api/v1/namespaces/${NS}/events`, {
      body: { involvedObject },
    });
    assert.equal(noName.status, 400);
    assert.equal(noName.json.message, 'Name parameter required.');
    const put = await raw(server, 'PUT', `/api/v1/namespaces/${NS}/events/e2`, {
      body: { metadata: { name: 'e2' }, involvedObject },
    });
    assert.equal(put.status, 201);
  });
});

describe('KubeApiTestServer: events.k8s.io/v1 Events', () => {
  it('creates a valid event and shows it through both APIs (one storage)', async (t) => {
    const server = await startServer(t);
    const events = server.kubeConfig().makeApiClient(EventsV1Api);
    const created = await events.createNamespacedEvent({
      namespace: NS,
      body: {
        metadata: { name: 'lock.1' },
        eventTime: new V1MicroTime(),
        reportingController: 'example.com/elector',
        reportingInstance: 'pod-a',
        action: 'Acquire',
        reason: 'LeaderElection',
        note: 'pod-a became leader',
        type: 'Normal',
        regarding: involvedObject,
      },
    });
    assert.equal(created.note, 'pod-a became leader');
    const core = await server
      .kubeConfig()
      .makeApiClient(CoreV1Api)
      .readNamespacedEvent({ name: 'lock.1', namespace: NS });
    assert.equal(core.message, 'pod-a became leader');
    assert.equal(core.reportingComponent, 'example.com/elector');
    assert.equal(core.involvedObject.name, 'lock');
    const stored = server.getObject('events', NS, 'lock.1');
    assert.equal(stored?.apiVersion, 'v1');
  });

  it('applies the strict events.k8s.io validation with the API server texts', async (t) => {
    const server = await startServer(t);
    const response = await raw(server, 'POST', `/apis/events.k8s.io/v1/namespaces/${NS}/events`, {
      body: {
        metadata: { name: 'e' },
        reason: 'X',
        type: 'Odd',
        deprecatedCount: 3,
        regarding: involvedObject,
      },
    });
    assert.equal(response.status, 422);
    assert.equal(
      response.json.message,
      'Event "e" is invalid: [eventTime: Required value, type: Invalid value: "": has invalid value: Odd, count: Invalid value: "": needs to be unset]',
    );

    const withTime = await raw(server, 'POST', `/apis/events.k8s.io/v1/namespaces/${NS}/events`, {
      body: {
        metadata: { name: 'e' },
        eventTime: microTime(),
        type: 'Normal',
        reportingController: 'example.com/elector',
        regarding: involvedObject,
      },
    });
    assert.equal(withTime.status, 422);
    assert.equal(
      withTime.json.message,
      'Event "e" is invalid: [reportingInstance: Required value, action: Required value, reason: Required value]',
    );
    const noController = await raw(
      server,
      'POST',
      `/apis/events.k8s.io/v1/namespaces/${NS}/events`,
      {
        body: {
          metadata: { name: 'e' },
          eventTime: microTime(),
          type: 'Normal',
          regarding: involvedObject,
        },
      },
    );
    // Go validates the empty name as a qualified name too, so it reports it three times.
    assert.match(
      String(noController.json.message),
      /^Event "e" is invalid: \[reportingController: Required value, reportingController: Invalid value: "": name part must be non-empty, reportingController: Invalid value: "": name part must consist of/,
    );

    const badTime = await raw(server, 'POST', `/apis/events.k8s.io/v1/namespaces/${NS}/events`, {
      body: { metadata: { name: 'e' }, eventTime: '2026-01-02T03:04:05.123Z' },
    });
    assert.equal(badTime.status, 400);
    assert.equal(
      badTime.json.message,
      'Event in version "v1" cannot be handled as a Event: parsing time "2026-01-02T03:04:05.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"',
    );
  });
});
