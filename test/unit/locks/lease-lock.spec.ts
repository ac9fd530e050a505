import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { LeaderElectionConfigError, LockError } from '../../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../../lib/core/leader-election-record.js';
import { compareVersions } from '../../../lib/core/locks/kube-object-lock.js';
import { LeaseLock } from '../../../lib/core/locks/lease-lock.js';
import { createLock } from '../../../lib/core/locks/lock-factory.js';
import { LOCK_TYPES, type LockType } from '../../../lib/core/locks/lock-factory.types.js';

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
    users: [{ name: 'u', token: 'unit-test-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

const record: LeaderElectionRecord = {
  holderIdentity: 'me',
  leaseDurationSeconds: 15,
  acquireTime: new Date('2026-01-01T00:00:00Z'),
  renewTime: new Date('2026-01-01T00:00:05Z'),
  leaderTransitions: 3,
};

/** A coordination API over one stored Lease, keeping every body it was sent. */
function fakeApi() {
  let stored: V1Lease | undefined;
  let rv = 10;
  const sent: { verb: string; body?: V1Lease }[] = [];
  const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as V1Lease;
  const api = {
    readNamespacedLease: async () => {
      sent.push({ verb: 'get' });
      if (!stored)
        throw new ApiException(404, 'x', '{"reason":"NotFound","message":"not found"}', {});
      return json(stored);
    },
    createNamespacedLease: async ({ body }: { body: V1Lease }) => {
      sent.push({ verb: 'create', body: json(body) });
      stored = json({
        ...body,
        metadata: { ...body.metadata, uid: 'u1', resourceVersion: String(++rv) },
      });
      return json(stored);
    },
    replaceNamespacedLease: async ({ body }: { body: V1Lease }) => {
      sent.push({ verb: 'update', body: json(body) });
      if (body.metadata?.resourceVersion !== stored?.metadata?.resourceVersion)
        throw new ApiException(
          409,
          'x',
          '{"reason":"Conflict","message":"the object has been modified"}',
          {},
        );
      stored = json({ ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } });
      return json(stored);
    },
  };
  return { api, sent, set: (lease: V1Lease) => (stored = json(lease)) };
}

describe('LeaseLock (fake API)', () => {
  it("rejects update before get/create with client-go's message", async () => {
    const { api, sent } = fakeApi();
    const lock = new LeaseLock({
      name: 'x',
      namespace: 'ns',
      identity: 'me',
      kubeConfig: kubeConfig(),
      coordinationApi: api,
    });
    await assert.rejects(lock.update(record), (err: LockError) => {
      assert.equal(err.reason, 'Unknown');
      assert.match(err.message, /^lease not initialized, call get or create first/);
      return true;
    });
    assert.equal(sent.length, 0);
  });

  it('PUTs the cached object (resourceVersion, uid) with the new spec and merged labels', async () => {
    const { api, sent, set } = fakeApi();
    set({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'x',
        namespace: 'ns',
        uid: 'u0',
        resourceVersion: '5',
        labels: { team: 'a', app: 'old' },
      },
      spec: { holderIdentity: 'other', leaseDurationSeconds: 15, leaseTransitions: 2 },
    });
    const lock = new LeaseLock({
      name: 'x',
      namespace: 'ns',
      identity: 'me',
      kubeConfig: kubeConfig(),
      coordinationApi: api,
      labels: { app: 'jobs' },
    });
    const got = await lock.get();
    assert.equal(got.record.holderIdentity, 'other');
    await lock.update(record);
    const put = sent.at(-1)!;
    assert.equal(put.verb, 'update');
    assert.equal(put.body?.metadata?.resourceVersion, '5');
    assert.equal(put.body?.metadata?.uid, 'u0');
    assert.deepEqual(put.body?.metadata?.labels, { team: 'a', app: 'jobs' });
    assert.equal(put.body?.spec?.holderIdentity, 'me');
    assert.equal(put.body?.spec?.renewTime as unknown, '2026-01-01T00:00:05.000000Z');
    // The response is cached: the next update carries the new resourceVersion.
    await lock.update(record);
    assert.equal(sent.at(-1)?.body?.metadata?.resourceVersion, '11');
  });

  it('maps a stale update to a Conflict LockError and keeps the old cache', async () => {
    const { api, set } = fakeApi();
    set({ metadata: { name: 'x', namespace: 'ns', resourceVersion: '5' }, spec: {} });
    const lock = new LeaseLock({
      name: 'x',
      namespace: 'ns',
      identity: 'me',
      kubeConfig: kubeConfig(),
      coordinationApi: api,
    });
    await lock.get();
    set({ metadata: { name: 'x', namespace: 'ns', resourceVersion: '6' }, spec: {} });
    await assert.rejects(lock.update(record), (err: LockError) => err.reason === 'Conflict');
  });

  it('warns once per distinct corrupted record, naming the object', async () => {
    const { api, set } = fakeApi();
    const warnings: string[] = [];
    const logger = { log() {}, error() {}, warn: (m: string) => warnings.push(m) };
    set({
      metadata: { name: 'x', namespace: 'ns', resourceVersion: '5' },
      spec: { holderIdentity: 'ghost' },
    });
    const lock = new LeaseLock({
      name: 'x',
      namespace: 'ns',
      identity: 'me',
      kubeConfig: kubeConfig(),
      coordinationApi: api,
      logger,
    });
    const got = await lock.get();
    await lock.get();
    assert.equal(got.record.leaseDurationSeconds, 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /Lease ns\/x.*leaseDurationSeconds/);
  });
});

describe('createLock', () => {
  const base = { name: 'jobs', namespace: 'ns', identity: 'me', kubeConfig: kubeConfig() };

  it('builds every lock type', () => {
    for (const type of LOCK_TYPES) {
      const lock = createLock({ ...base, type });
      assert.equal(lock.identity(), 'me');
      assert.equal(lock.describe(), 'ns/jobs');
      assert.equal(
        typeof lock.watch === 'function',
        !type.endsWith('leases') || type === 'leases',
        type,
      );
    }
  });

  it('rejects an unknown lock type naming the value and listing the valid ones', () => {
    assert.throws(
      () => createLock({ ...base, type: 'lease' as LockType }),
      (err: LeaderElectionConfigError) => {
        assert.equal(err.option, 'lock');
        assert.match(err.message, /lock type "lease" is not supported/);
        for (const t of LOCK_TYPES) assert.ok(err.message.includes(`'${t}'`), t);
        return true;
      },
    );
  });

  it('validates name, namespace and identity with clear messages', () => {
    const cases: [Partial<typeof base>, string, RegExp][] = [
      [{ name: 'Bad_Name' }, 'name', /lock name "Bad_Name" is invalid: .*RFC 1123 subdomain/],
      [{ name: '' }, 'name', /lock name "" is invalid/],
      [{ name: 'a'.repeat(254) }, 'name', /is invalid/],
      [{ namespace: 'My.NS' }, 'namespace', /namespace "My.NS" is invalid: .*RFC 1123 label/],
      [{ identity: '' }, 'identity', /identity "" is invalid: it must be a non-empty string/],
      [{ identity: '  ' }, 'identity', /identity "  " is invalid/],
    ];
    for (const [override, option, message] of cases)
      assert.throws(
        () => createLock({ ...base, ...override }),
        (err: LeaderElectionConfigError) => err.option === option && message.test(err.message),
        option,
      );
  });
});

describe('LeaseLock update answer and resourceVersion order', () => {
  it('update resolves with the record as the server stored it (read when asked)', async () => {
    const { api, set } = fakeApi();
    set({ metadata: { name: 'x', namespace: 'ns', resourceVersion: '5' }, spec: {} });
    // An API server without the CoordinatedLeaderElection gate drops strategy/preferredHolder.
    const dropping = {
      ...api,
      replaceNamespacedLease: async (args: { body: V1Lease }) => {
        const { strategy: _s, preferredHolder: _p, ...spec } = args.body.spec ?? {};
        return api.replaceNamespacedLease({ body: { ...args.body, spec } });
      },
    };
    const lock = new LeaseLock({
      name: 'x',
      namespace: 'ns',
      identity: 'me',
      kubeConfig: kubeConfig(),
      coordinationApi: dropping,
    });
    await lock.get();
    const answer = await lock.update({
      ...record,
      holderIdentity: '',
      strategy: 'OldestEmulationVersion',
      preferredHolder: 'b',
    });
    assert.ok(answer);
    assert.equal(answer.record.holderIdentity, '');
    assert.equal(answer.record.preferredHolder, undefined, 'dropped by the server');
    assert.equal(answer.record.leaderTransitions, 3);
    assert.equal(
      answer.raw,
      '{"holderIdentity":"","leaseDurationSeconds":15,"acquireTime":"2026-01-01T00:00:00.000000Z",' +
        '"renewTime":"2026-01-01T00:00:05.000000Z","leaderTransitions":3,"strategy":"","preferredHolder":""}',
    );
    assert.equal(answer.record, answer.record, 'parsed once');
  });

  it('compareVersions orders decimal resourceVersions numerically, and only those', () => {
    assert.equal(compareVersions('9', '10'), -1);
    assert.equal(compareVersions('10', '9'), 1);
    assert.equal(compareVersions('42', '42'), 0);
    assert.equal(compareVersions('123', '124'), -1);
    assert.equal(compareVersions('18446744073709551616', '18446744073709551615'), 1);
    assert.equal(compareVersions('007', '7'), 0, 'leading zeros compare by value');
    assert.equal(compareVersions('008', '10'), -1);
    assert.equal(compareVersions('a1', '2'), undefined);
    assert.equal(compareVersions(undefined, '2'), undefined);
    assert.equal(compareVersions('2', undefined), undefined);
  });
});
