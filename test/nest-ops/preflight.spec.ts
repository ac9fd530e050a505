/*
 * The start-up preflight wired into real Nest applications against KubeApiTestServer: the
 * exact lines in the application's logger, and an election that is never held up by it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLock, type LeaderElectionModuleOptions } from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import type { TestPolicyRule } from '../../lib/testing/kube-api-test-server.types.js';
import { requiredPermissions, roleRulesFor, roleRulesYaml } from '../../lib/core/kube/preflight.js';
import { preflightMessages } from '../../lib/core/messages.js';
import { LEADER_ELECTION_LOGGER_CONTEXT } from '../../lib/leader-election.constants.js';
import { bootOpsApp, CaptureLogger, waitFor, type OpsApp } from './fixtures/ops-app.js';

const TIMING = { leaseDuration: 4000, renewDeadline: 3000, retryPeriod: 500 };
const LEASES = 'coordination.k8s.io';
const SSAR = 'selfsubjectaccessreviews';

/** The least-privilege Role for lease `name`, without `update` when `withUpdate` is false. */
function leaseRules(name: string, withUpdate = true): TestPolicyRule[] {
  return [
    { apiGroups: [LEASES], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: [LEASES],
      resources: ['leases'],
      resourceNames: [name],
      verbs: withUpdate ? ['get', 'update', 'watch'] : ['get', 'watch'],
    },
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  ];
}

describe('startup preflight in a Nest app', () => {
  const server = new KubeApiTestServer();
  const apps: OpsApp[] = [];

  const options = (
    name: string,
    token: string,
    extra: Partial<LeaderElectionModuleOptions> = {},
  ): LeaderElectionModuleOptions => ({
    name,
    namespace: 'default',
    identity: `${name}-pod_9b2d4f61`,
    kubeConfig: server.kubeConfig(token),
    ...TIMING,
    ...extra,
  });
  const boot = async (opts: LeaderElectionModuleOptions, logger: CaptureLogger) => {
    const app = await bootOpsApp(opts, logger);
    apps.push(app);
    return app;
  };
  const reviewsBy = (token: string) =>
    server.requests().filter((r) => r.token === token && r.resource === SSAR);
  const preflightLines = (logger: CaptureLogger, name: string) =>
    logger.entries.filter((e) =>
      e.message.startsWith(`RBAC preflight for leader election lock default/${name}`),
    );

  before(() => server.start());
  after(async () => {
    server.clearFaults();
    for (const app of apps) await app.close();
    await server.stop();
  });

  it('a token without update on the lease: the exact warning with the Role rule to add', async () => {
    const name = 'pf-nest-update';
    const token = 'pf-nest-no-update';
    server.addToken(token, { rules: leaseRules(name, false) });
    const logger = new CaptureLogger();
    const app = await boot(options(name, token), logger);

    await waitFor(() => preflightLines(logger, name).length > 0, 5000, 'the preflight verdict');
    const update = requiredPermissions({ name, namespace: 'default' })[2]!;
    assert.equal(update.verb, 'update');
    const expected = preflightMessages.missingPermissions(
      `default/${name}`,
      [update],
      roleRulesYaml(roleRulesFor([update])),
      0,
    );
    const lines = preflightLines(logger, name);
    assert.deepEqual(
      lines.map((l) => [l.level, l.message, l.params]),
      [['warn', expected, [LEADER_ELECTION_LOGGER_CONTEXT]]],
    );
    // Spelled out, so that a wrong factory cannot hide a wrong rule.
    assert.ok(
      expected.includes(
        `- apiGroups: ["coordination.k8s.io"]\n  resources: ["leases"]\n  resourceNames: ["${name}"]\n  verbs: ["update"]`,
      ),
    );
    assert.ok(
      logger.entries.some(
        (e) =>
          e.level === 'log' &&
          e.message ===
            preflightMessages.namespace(
              'leases',
              `default/${name}`,
              'option',
              server.kubeConfig(token).getCurrentContext(),
            ),
      ),
      'the namespace and its source are logged',
    );
    assert.ok(
      logger.entries.every((e) => !e.message.includes(token)),
      'the token itself is never logged',
    );
    assert.equal(reviewsBy(token).length, 5, 'one review per permission');
    // The election went ahead regardless (create is allowed, so it took the new lease).
    await waitFor(() => app.election.getLeader() !== undefined, 5000, 'a holder');
  });

  it('SelfSubjectAccessReviews forbidden: skipped with one log line, the election works', async () => {
    const name = 'pf-nest-ssar';
    const token = 'pf-nest-ssar-forbidden';
    server.addToken(token, { rules: leaseRules(name) });
    const fault = server.fault(
      { kind: 'error', code: 403, message: 'selfsubjectaccessreviews is forbidden' },
      { match: { token, resource: SSAR } },
    );
    try {
      const logger = new CaptureLogger();
      const app = await boot(options(name, token), logger);
      await waitFor(() => app.election.isLeader(), 5000, 'the election to be won');
      await waitFor(() => preflightLines(logger, name).length > 0, 5000, 'the skip line');
      assert.deepEqual(
        preflightLines(logger, name).map((l) => [l.level, l.message]),
        [
          [
            'log',
            preflightMessages.skipped(
              `default/${name}`,
              preflightMessages.reviewFailed('Forbidden', 403, server.url),
            ),
          ],
        ],
      );
      assert.ok(reviewsBy(token).every((r) => r.status === 403));
      assert.equal(logger.messages('error').length, 0, logger.messages('error').join('\n'));
    } finally {
      fault.clear();
    }
  });

  it('hanging reviews hold up neither bootstrap, nor the election, nor app.close()', async () => {
    const name = 'pf-nest-hang';
    const token = 'pf-nest-hang';
    server.addToken(token, { rules: leaseRules(name) });
    const fault = server.fault({ kind: 'hang' }, { match: { token, resource: SSAR } });
    try {
      const logger = new CaptureLogger();
      const app = await boot(options(name, token), logger);
      await waitFor(() => app.election.isLeader(), 3000, 'the election to be won');
      assert.ok(reviewsBy(token).length > 0, 'the reviews were sent');
      assert.ok(
        reviewsBy(token).every((r) => r.status === 0),
        'and are still unanswered',
      );
      const closeStart = performance.now();
      await app.close();
      const closing = performance.now() - closeStart;
      // The reviews' own limit is 5 s; closing aborts them instead of waiting.
      assert.ok(closing < 4000, `app.close() took ${closing.toFixed(0)} ms`);
    } finally {
      fault.clear();
    }
  });

  it('preflight: false, or a custom resourceLock: no reviews, no preflight lines', async () => {
    const logger = new CaptureLogger();
    const off = await boot(options('pf-nest-off', 'pf-nest-off', { preflight: false }), logger);
    const customToken = 'pf-nest-custom';
    const custom = await boot(
      {
        name: 'pf-nest-custom',
        ...TIMING,
        resourceLock: createLock({
          name: 'pf-nest-custom',
          namespace: 'default',
          identity: `${customToken}_9b2d4f61`,
          kubeConfig: server.kubeConfig(customToken),
        }),
      },
      logger,
    );
    await waitFor(
      () => off.election.isLeader() && custom.election.isLeader(),
      5000,
      'both elections to be won',
    );
    assert.deepEqual(reviewsBy('pf-nest-off'), []);
    assert.deepEqual(reviewsBy(customToken), []);
    assert.deepEqual(
      logger.entries.filter((e) => /preflight|namespace "default" from/.test(e.message)),
      [],
    );
  });
});
