import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import { LockError, isAlreadyExists, isConflict, isNotFound } from '../../../lib/core/errors.js';
import type { KubeRequestTarget } from '../../../lib/core/messages.js';
import {
  kubeCall,
  safeServerUrl,
  toLockError,
  type KubeRequestContext,
} from '../../../lib/core/kube/request-options.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.secret-token-value';
const context: KubeRequestContext = { server: 'https://10.0.0.1:443', secrets: [TOKEN] };
const update: KubeRequestTarget = {
  verb: 'update',
  group: 'coordination.k8s.io',
  resource: 'leases',
  namespace: 'ns',
  name: 'x',
};
const create: KubeRequestTarget = { ...update, verb: 'create', name: undefined };

const status = (code: number, reason: string | undefined, message: string) =>
  new ApiException(
    code,
    'Unknown API Status Code!',
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    }),
    {},
  );

describe('toLockError', () => {
  it('tells a 409 Conflict from a 409 AlreadyExists by the Status reason', () => {
    const conflict = toLockError(
      status(
        409,
        'Conflict',
        'Operation cannot be fulfilled on leases.coordination.k8s.io "x": the object has been modified',
      ),
      update,
      context,
    );
    assert.equal(conflict.reason, 'Conflict');
    assert.equal(conflict.statusCode, 409);
    assert.ok(isConflict(conflict));
    assert.match(conflict.message, /the object has been modified/);

    const exists = toLockError(
      status(409, 'AlreadyExists', 'leases.coordination.k8s.io "x" already exists'),
      update,
      context,
    );
    assert.equal(exists.reason, 'AlreadyExists');
    assert.ok(isAlreadyExists(exists));
    assert.ok(!isConflict(exists));
  });

  it('falls back to the status code when the body is not a Status, as client-go does', () => {
    const plain = (code: number) => new ApiException(code, 'x', '404 page not found', {});
    assert.ok(isNotFound(toLockError(plain(404), update, context)));
    assert.equal(toLockError(plain(409), update, context).reason, 'Conflict');
    assert.equal(toLockError(plain(409), create, context).reason, 'AlreadyExists');
    assert.equal(toLockError(plain(422), update, context).reason, 'Invalid');
    assert.equal(toLockError(plain(503), update, context).reason, 'Unavailable');
    assert.equal(toLockError(plain(418), update, context).reason, 'Unknown');
  });

  it('names verb, resource, namespace and the RBAC rule on 403, without the token', () => {
    const err = toLockError(
      status(
        403,
        'Forbidden',
        `leases.coordination.k8s.io "x" is forbidden: User "system:serviceaccount:ns:${TOKEN}" cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "ns"`,
      ),
      update,
      context,
    );
    assert.equal(err.reason, 'Forbidden');
    assert.equal(err.statusCode, 403);
    assert.ok(
      err.message.startsWith(
        'cannot update leases.coordination.k8s.io "x" in namespace "ns": 403 Forbidden (leases.coordination.k8s.io "x" is forbidden',
      ),
      err.message,
    );
    assert.match(
      err.message,
      /Grant it with a Role rule in namespace "ns": apiGroups \["coordination\.k8s\.io"\], resources \["leases"\], verbs \["update"\], resourceNames \["x"\]$/,
    );
    assert.ok(!err.message.includes(TOKEN), 'token redacted');
    assert.match(err.message, /\[redacted\]/);
  });

  it('gives no resourceNames for create, which RBAC cannot restrict by name', () => {
    const err = toLockError(status(403, 'Forbidden', 'forbidden'), create, context);
    assert.match(
      err.message,
      /^cannot create leases\.coordination\.k8s\.io in namespace "ns": 403 Forbidden/,
    );
    assert.match(err.message, /verbs \["create"\]$/);
    const core = toLockError(
      status(403, 'Forbidden', 'forbidden'),
      { verb: 'create', group: '', resource: 'events', namespace: 'ns' },
      context,
    );
    assert.match(core.message, /apiGroups \[""\], resources \["events"\], verbs \["create"\]$/);
  });

  it('explains a 401 (even without a body)', () => {
    const err = toLockError(new ApiException(401, 'Unauthorized', undefined, {}), update, context);
    assert.equal(err.reason, 'Unauthorized');
    assert.match(err.message, /401 Unauthorized.*credentials/);
  });

  it('maps aborts to Timeout and network failures to Unavailable naming the server', () => {
    const abort = Object.assign(new Error('The user aborted a request.'), {
      name: 'AbortError',
      type: 'aborted',
    });
    const t = toLockError(abort, update, context);
    assert.equal(t.reason, 'Timeout');
    assert.match(t.message, /https:\/\/10\.0\.0\.1:443/);

    const refused = Object.assign(
      new Error(
        `request to https://10.0.0.1:443/apis/coordination.k8s.io/v1/namespaces/ns/leases/x failed, reason: connect ECONNREFUSED`,
      ),
      { name: 'FetchError', type: 'system', code: 'ECONNREFUSED' },
    );
    const u = toLockError(refused, update, context);
    assert.equal(u.reason, 'Unavailable');
    assert.match(
      u.message,
      /the API server at https:\/\/10\.0\.0\.1:443 is unreachable \(ECONNREFUSED\)/,
    );
    assert.equal(u.cause, refused);
  });

  it('maps anything else to Unknown, redacted', () => {
    const err = toLockError(new TypeError(`boom ${TOKEN}`), update, context);
    assert.equal(err.reason, 'Unknown');
    assert.ok(!err.message.includes(TOKEN));
  });
});

describe('kubeCall', () => {
  it('rejects at once with Timeout when the signal is already aborted', async () => {
    let called = false;
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      kubeCall(
        async () => {
          called = true;
        },
        update,
        context,
        controller.signal,
      ),
      (err: LockError) => err instanceof LockError && err.reason === 'Timeout',
    );
    assert.equal(called, false);
  });

  it('passes an appended middleware that sets the signal', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await kubeCall(
      async (options) => {
        assert.equal(options?.middlewareMergeStrategy, 'append');
        const ctx = { setSignal: (s: AbortSignal) => (seen = s) };
        await options?.middleware?.[0]?.pre(ctx as never).toPromise();
      },
      update,
      context,
      controller.signal,
    );
    assert.equal(seen, controller.signal);
  });
});

describe('safeServerUrl', () => {
  it('drops user info', () => {
    assert.equal(safeServerUrl('https://admin:pw@k8s.example:6443'), 'https://k8s.example:6443');
    assert.equal(safeServerUrl('https://k8s.example:6443/'), 'https://k8s.example:6443');
  });
});
