import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CoordinationV1Api,
  CoreV1Api,
  Observable,
  V1MicroTime,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { apiFailure, startServer, waitUntil } from './kube-api.helpers.js';

const NS = 'default';
const lease = (name: string, holder = 'a') => ({
  metadata: { name },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new V1MicroTime() },
});

/** Per-request timeout through an Observable middleware (the client-node 1.4 way). */
function timeout(ms: number): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(ctx));
        },
        post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

describe('KubeApiTestServer: fault injection', () => {
  it('delays matching requests by the latency given, then applies them', async (t) => {
    const server = await startServer(t);
    server.fault({ kind: 'latency', ms: 300 }, { match: { token: 'slow' } });
    const slow = server.kubeConfig('slow').makeApiClient(CoordinationV1Api);
    const fast = server.kubeConfig('fast').makeApiClient(CoordinationV1Api);

    let started = performance.now();
    await slow.createNamespacedLease({ namespace: NS, body: lease('a') });
    assert.ok(performance.now() - started >= 280, 'the slow client waited for the latency');
    assert.ok(server.getObject('leases', NS, 'a'), 'and the request was applied');

    started = performance.now();
    await fast.createNamespacedLease({ namespace: NS, body: lease('b') });
    // Functional bound, generous on purpose: it only shows the fault did not apply.
    assert.ok(performance.now() - started < 280, 'other clients are not delayed');
  });

  it('answers injected error codes with a real Status, without applying the request', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const handle = server.fault(
      { kind: 'error', code: 500 },
      { match: { verb: 'create' }, times: 1 },
    );
    const failed = await apiFailure(api.createNamespacedLease({ namespace: NS, body: lease('a') }));
    assert.equal(failed.code, 500);
    assert.equal(failed.body.kind, 'Status');
    assert.equal(failed.body.reason, 'InternalError');
    assert.equal(failed.body.code, 500);
    assert.equal(server.getObject('leases', NS, 'a'), undefined, 'not applied');
    await api.createNamespacedLease({ namespace: NS, body: lease('a') });
    handle.clear();

    server.fault({ kind: 'error', code: 409 }, { match: { verb: 'update', name: 'a' }, times: 1 });
    const current = await api.readNamespacedLease({ name: 'a', namespace: NS });
    const conflict = await apiFailure(
      api.replaceNamespacedLease({ name: 'a', namespace: NS, body: current }),
    );
    assert.equal(conflict.code, 409);
    assert.equal(conflict.body.reason, 'Conflict');
    assert.equal(
      conflict.body.message,
      'Operation cannot be fulfilled on leases.coordination.k8s.io "a": the object has been modified; please apply your changes to the latest version and try again',
    );

    server.fault({ kind: 'error', code: 429, message: 'slow down' }, { times: 1 });
    const throttled = await apiFailure(api.readNamespacedLease({ name: 'a', namespace: NS }));
    assert.equal(throttled.code, 429);
    assert.equal(throttled.body.message, 'slow down');
    assert.equal(throttled.body.reason, 'TooManyRequests');
    assert.deepEqual((throttled.body.details as Record<string, unknown>).retryAfterSeconds, 1);
  });

  it('hangs a client until the fault is cleared, then drops its connection', async (t) => {
    const server = await startServer(t);
    const partition = server.fault({ kind: 'hang' }, { match: { token: 'cut-off' } });
    const api = server.kubeConfig('cut-off').makeApiClient(CoordinationV1Api);
    const other = server.kubeConfig('other').makeApiClient(CoordinationV1Api);

    const hung = api.readNamespacedLease({ name: 'x', namespace: NS }).then(
      () => 'answered',
      (error: Error) => `failed: ${error.message}`,
    );
    await waitUntil(() => server.requests().some((r) => r.token === 'cut-off'));
    // The partitioned client gets nothing; others are served normally.
    assert.equal(
      (await apiFailure(other.readNamespacedLease({ name: 'x', namespace: NS }))).code,
      404,
    );
    const winner = await Promise.race([
      hung,
      new Promise((r) => setTimeout(() => r('still hanging'), 200)),
    ]);
    assert.equal(winner, 'still hanging');
    assert.equal(server.requests().find((r) => r.token === 'cut-off')?.status, 0);

    partition.clear();
    const outcome = await hung;
    assert.match(String(outcome), /^failed: /, 'the hung request ends with a connection error');

    server.fault({ kind: 'hang' }, { match: { token: 'cut-off' }, times: 1 });
    const timedOut = await api.readNamespacedLease({ name: 'x', namespace: NS }, timeout(150)).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    assert.equal(timedOut, 'AbortError', 'a client timeout ends a hung request');
    assert.equal(
      (await apiFailure(api.readNamespacedLease({ name: 'x', namespace: NS }))).code,
      404,
      'times: 1 hangs one request only',
    );
  });

  it('applies a write and then drops the response (a lost reply)', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig('leader').makeApiClient(CoordinationV1Api);
    server.fault({ kind: 'drop-response' }, { match: { verb: 'create' }, times: 1 });
    const outcome = await api.createNamespacedLease({ namespace: NS, body: lease('lock') }).then(
      () => 'answered',
      (error: Error) => `failed: ${error.message}`,
    );
    assert.match(outcome, /^failed: /);
    const stored = server.getObject('leases', NS, 'lock');
    assert.ok(stored, 'the create was applied although the client saw an error');
    assert.equal(server.writeLog().length, 1);
    assert.equal(server.writeLog()[0].verb, 'create');
    const retry = await apiFailure(
      api.createNamespacedLease({ namespace: NS, body: lease('lock') }),
    );
    assert.equal(retry.body.reason, 'AlreadyExists', 'the retry finds its own write');
  });

  it('clearFaults() removes every fault and releases hung requests', async (t) => {
    const server = await startServer(t);
    server.fault({ kind: 'hang' });
    server.fault({ kind: 'error', code: 503 });
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const hung = api.readNamespacedLease({ name: 'x', namespace: NS }).then(
      () => 'answered',
      () => 'failed',
    );
    await waitUntil(() => server.requests().length === 1);
    server.clearFaults();
    assert.equal(await hung, 'failed');
    assert.equal(
      (await apiFailure(api.readNamespacedLease({ name: 'x', namespace: NS }))).code,
      404,
    );
  });

  it('refuses malformed faults with a clear error', async (t) => {
    const server = await startServer(t);
    assert.throws(
      () => server.fault({ kind: 'error', code: 200 }),
      /error code must be an HTTP status from 400 to 599, got 200/,
    );
    assert.throws(
      () => server.fault({ kind: 'latency', ms: -1 }),
      /ms must be a finite number >= 0, got -1/,
    );
    assert.throws(() => server.fault({ kind: 'nope' } as never), /unknown fault \{"kind":"nope"\}/);
  });
});

describe('KubeApiTestServer: counters, request log and write log', () => {
  it('counts requests per token and verb and keeps a log of them', async (t) => {
    const server = await startServer(t);
    const kc = server.kubeConfig('replica-1');
    const api = kc.makeApiClient(CoordinationV1Api);
    await apiFailure(api.readNamespacedLease({ name: 'lock', namespace: NS }));
    const created = await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    await api.replaceNamespacedLease({ name: 'lock', namespace: NS, body: created });
    await server
      .kubeConfig('replica-2')
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: NS });

    assert.deepEqual(server.counters(), {
      byToken: { 'replica-1': { get: 1, create: 1, update: 1 }, 'replica-2': { list: 1 } },
      total: 4,
    });
    const log = server.requests();
    assert.deepEqual(
      log.map((r) => [r.token, r.verb, r.resource, r.namespace, r.name, r.status]),
      [
        ['replica-1', 'get', 'leases', NS, 'lock', 404],
        ['replica-1', 'create', 'leases', NS, '', 201],
        ['replica-1', 'update', 'leases', NS, 'lock', 200],
        ['replica-2', 'list', 'events', NS, '', 200],
      ],
    );
    assert.ok(log.every((r, i) => i === 0 || r.at >= log[i - 1].at));
    server.resetCounters();
    assert.deepEqual(server.counters(), { byToken: {}, total: 0 });
  });

  it('keeps a bounded ring of requests', async (t) => {
    const server = await startServer(t, { requestLogLimit: 3 });
    const api = server.kubeConfig().makeApiClient(CoordinationV1Api);
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await apiFailure(api.readNamespacedLease({ name, namespace: NS }));
    }
    assert.deepEqual(
      server.requests().map((r) => r.name),
      ['c', 'd', 'e'],
    );
    assert.equal(server.counters().total, 5);
  });

  it('logs every write to lock objects in order, and waitForWrite() finds past and future ones', async (t) => {
    const server = await startServer(t);
    const api = server.kubeConfig('writer').makeApiClient(CoordinationV1Api);
    const core = server.kubeConfig('writer').makeApiClient(CoreV1Api);
    const created = await api.createNamespacedLease({ namespace: NS, body: lease('lock') });
    await api.replaceNamespacedLease({
      name: 'lock',
      namespace: NS,
      body: { ...created, spec: { ...created.spec, holderIdentity: 'b' } },
    });
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm' } } });
    await core.createNamespacedEvent({
      namespace: NS,
      body: { metadata: { name: 'ev' }, involvedObject: { namespace: NS }, reason: 'X' },
    });
    await api.deleteNamespacedLease({ name: 'lock', namespace: NS });

    const log = server.writeLog();
    assert.deepEqual(
      log.map((e) => [e.token, e.verb, e.created, e.resource, e.name]),
      [
        ['writer', 'create', true, 'leases', 'lock'],
        ['writer', 'update', false, 'leases', 'lock'],
        ['writer', 'create', true, 'configmaps', 'cm'],
        ['writer', 'delete', false, 'leases', 'lock'],
      ],
      'events are not lock objects and are not logged',
    );
    assert.equal((log[1].object.spec as Record<string, unknown>).holderIdentity, 'b');
    assert.equal(
      log[1].resourceVersion,
      (log[1].object.metadata as Record<string, unknown>).resourceVersion,
    );

    const past = await server.waitForWrite((e) => e.verb === 'update', 1000);
    assert.equal(past, log[1]);
    const future = server.waitForWrite((e) => e.name === 'later', 2000);
    await api.createNamespacedLease({ namespace: NS, body: lease('later') });
    assert.equal((await future).verb, 'create');

    await assert.rejects(
      server.waitForWrite((e) => e.name === 'never', 50),
      /no matching write within 50 ms \(5 writes in the log\)/,
    );
    server.clearWriteLog();
    assert.equal(server.writeLog().length, 0);
  });

  it('rejects pending waitForWrite() calls when the server stops', async (t) => {
    const server = await startServer(t);
    const pending = server.waitForWrite(() => false, 10_000);
    await server.stop();
    await assert.rejects(pending, /the server stopped before a matching write/);
    await server.stop();
  });
});
