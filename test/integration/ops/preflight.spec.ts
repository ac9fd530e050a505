import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiTestServer } from '../../../lib/testing/kube-api-test-server.js';
import type { TestPolicyRule } from '../../../lib/testing/kube-api-test-server.types.js';
import {
  requiredPermissions,
  roleRulesFor,
  roleRulesYaml,
  runPreflight,
  type PreflightOptions,
} from '../../../lib/core/kube/preflight.js';
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

const LEASES = 'coordination.k8s.io';
const POD = 'web-7d9f8b6c5-x2k4q';

/** The SPEC's least-privilege Role for lease "jobs", minus whatever `drop` names. */
function leaseRules(drop: { verb: string; resource: string }[] = []): TestPolicyRule[] {
  const keep = (resource: string, verbs: string[]) =>
    verbs.filter((verb) => !drop.some((d) => d.verb === verb && d.resource === resource));
  const rules: TestPolicyRule[] = [
    { apiGroups: [LEASES], resources: ['leases'], verbs: keep('leases', ['create']) },
    {
      apiGroups: [LEASES],
      resources: ['leases'],
      resourceNames: ['jobs'],
      verbs: keep('leases', ['get', 'update', 'watch']),
    },
    { apiGroups: [''], resources: ['events'], verbs: keep('events', ['create', 'patch']) },
  ];
  return rules.filter((r) => r.verbs.length > 0);
}

describe('runPreflight against KubeApiTestServer', () => {
  const server = new KubeApiTestServer();
  before(() => server.start());
  after(() => server.stop());

  const options = (token: string, logger: LeaderElectionLogger): PreflightOptions => ({
    kubeConfig: server.kubeConfig(token),
    namespace: 'default',
    namespaceSource: 'POD_NAMESPACE',
    name: 'jobs',
    identity: `${POD}_0f8fad5b`,
    logger,
    env: { POD_NAME: POD },
    timeout: 5000,
  });

  it('all permissions granted: status ok, no warning', async () => {
    server.addToken('pf-all', { rules: leaseRules() });
    const logger = recordingLogger();
    const result = await runPreflight(options('pf-all', logger));
    assert.equal(result.status, 'ok');
    assert.equal(result.checks.length, 5);
    assert.ok(result.checks.every((c) => c.allowed === true));
    assert.deepEqual(result.missing, []);
    assert.equal(result.roleRules, '');
    assert.deepEqual(
      logger.lines.map((l) => l.level),
      ['log', 'debug'],
    );
    assert.equal(
      logger.lines[0]!.message,
      'Leader election lock leases default/jobs: namespace "default" from the POD_NAMESPACE environment variable',
    );
    assert.equal(logger.lines[1]!.message, preflightMessages.passed('default/jobs', 5));
  });

  it('a missing update: one warning naming it and the exact Role rule to add', async () => {
    server.addToken('pf-no-update', {
      rules: leaseRules([{ verb: 'update', resource: 'leases' }]),
    });
    const logger = recordingLogger();
    const result = await runPreflight(options('pf-no-update', logger));

    assert.equal(result.status, 'missing');
    const update = requiredPermissions({ name: 'jobs', namespace: 'default' })[2]!;
    assert.deepEqual(result.missing, [{ ...update, allowed: false, ...pick(result.missing[0]) }]);
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.equal(
      warnings[0]!.message,
      preflightMessages.missingPermissions(
        'default/jobs',
        [update],
        roleRulesYaml(roleRulesFor([update])),
        0,
      ),
    );
    // Written out, so a change in the factory cannot hide a wrong rule.
    assert.ok(
      warnings[0]!.message.includes(
        '- apiGroups: ["coordination.k8s.io"]\n  resources: ["leases"]\n  resourceNames: ["jobs"]\n  verbs: ["update"]',
      ),
    );
    assert.match(
      warnings[0]!.message,
      /update leases\.coordination\.k8s\.io "jobs" in namespace "default" \(required/,
    );
    assert.ok(!warnings[0]!.message.includes('pf-no-update'), 'no token in logs');
  });

  it('only optional permissions missing: says the election works without them', async () => {
    server.addToken('pf-no-extras', {
      rules: leaseRules([
        { verb: 'watch', resource: 'leases' },
        { verb: 'create', resource: 'events' },
      ]),
    });
    const logger = recordingLogger();
    const result = await runPreflight(options('pf-no-extras', logger));
    assert.equal(result.status, 'missing');
    assert.deepEqual(
      result.missing.map((c) => `${c.verb} ${c.resource}`),
      ['watch leases', 'create events'],
    );
    assert.equal(
      result.roleRules,
      '- apiGroups: ["coordination.k8s.io"]\n  resources: ["leases"]\n  resourceNames: ["jobs"]\n  verbs: ["watch"]\n' +
        '- apiGroups: [""]\n  resources: ["events"]\n  verbs: ["create"]',
    );
    const warning = logger.lines.find((l) => l.level === 'warn')!.message;
    assert.match(warning, /Until then the election works, without what is listed as optional\.$/);
  });

  it('a migration lock checks both objects', async () => {
    server.addToken('pf-leases-only', { rules: leaseRules() });
    const logger = recordingLogger();
    const result = await runPreflight({
      ...options('pf-leases-only', logger),
      lockType: 'configmapsleases',
    });
    assert.equal(result.status, 'missing');
    assert.deepEqual(
      result.missing.map((c) => `${c.verb} ${c.resource}`),
      ['create configmaps', 'get configmaps', 'update configmaps'],
    );
  });

  it('SelfSubjectAccessReview forbidden: skipped, logged, no throw', async () => {
    server.addToken('pf-ssar-forbidden', { rules: leaseRules() });
    const fault = server.fault(
      { kind: 'error', code: 403, message: 'selfsubjectaccessreviews is forbidden' },
      { match: { token: 'pf-ssar-forbidden' } },
    );
    try {
      const logger = recordingLogger();
      const result = await runPreflight(options('pf-ssar-forbidden', logger));
      assert.equal(result.status, 'skipped');
      assert.equal(
        result.skippedReason,
        preflightMessages.reviewFailed('Forbidden', 403, server.url),
      );
      assert.deepEqual(
        logger.lines.map((l) => l.level),
        ['log', 'log'],
      );
      assert.match(
        logger.lines[1]!.message,
        /skipped: the credentials may not create SelfSubjectAccessReviews \(403 Forbidden/,
      );
      assert.match(logger.lines[1]!.message, /The election goes on/);
    } finally {
      fault.clear();
    }
  });

  it('credentials rejected (401): skipped with a warning', async () => {
    server.addToken('pf-revoked', { rules: leaseRules() });
    const logger = recordingLogger();
    // Build the options (and the kubeconfig) first: kubeConfig() re-adds unknown tokens.
    const revoked = options('pf-revoked', logger);
    server.removeToken('pf-revoked');
    const result = await runPreflight(revoked);
    assert.equal(result.status, 'skipped');
    const warning = logger.lines.find((l) => l.level === 'warn');
    assert.ok(warning, 'a warning');
    assert.match(warning.message, /rejected the credentials \(401 Unauthorized\)/);
    assert.ok(
      logger.lines.every((l) => !l.message.includes('pf-revoked')),
      'no token in logs',
    );
  });

  it('a hanging API server: skipped after the timeout, no throw', async () => {
    server.addToken('pf-hang', { rules: leaseRules() });
    const fault = server.fault({ kind: 'hang' }, { match: { token: 'pf-hang' } });
    try {
      const logger = recordingLogger();
      const started = performance.now();
      const result = await runPreflight({ ...options('pf-hang', logger), timeout: 300 });
      const elapsed = performance.now() - started;
      assert.equal(result.status, 'skipped');
      assert.ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed} ms`);
      assert.match(result.skippedReason!, /did not answer the SelfSubjectAccessReviews in time/);
    } finally {
      fault.clear();
    }
  });
});

/** The verdict fields the server may add (e.g. its RBAC reason), so deepEqual compares the rest. */
function pick(check: { reason?: string } | undefined): { reason?: string } {
  return check?.reason !== undefined ? { reason: check.reason } : {};
}
