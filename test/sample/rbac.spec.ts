// oxlint-disable-next-line import/no-unassigned-import -- decorator metadata before any Nest class
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadYaml, type V1Role } from '@kubernetes/client-node';
import { LeaderElectionService } from '../../lib/index.js';
import {
  describeKubeRequest,
  rbacRuleFor,
  type KubeRequestTarget,
} from '../../lib/core/messages.js';
import { roleRulesFor, roleRulesYaml } from '../../lib/core/kube/preflight.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import type { TestPolicyRule } from '../../lib/testing/kube-api-test-server.types.js';
import { AppModule } from '../../sample/src/app.module.js';
import { SampleConfig } from '../../sample/src/sample.config.js';
import { repoRoot } from './sample-test.helpers.js';

/**
 * Proves that sample/k8s/role.yaml is enough for the sample, and that each permission it grants
 * is needed or, when taken away, reported clearly. The real sample AppModule runs against
 * KubeApiTestServer, whose bearer tokens carry exactly the Role's rules.
 */

const LEASE = 'sample-leader';
const DURATIONS = { leaseDuration: 2000, renewDeadline: 1500, retryPeriod: 300 };
const SERVICE_ACCOUNT = 'leader-election-sample';

const role = loadYaml<V1Role>(readFileSync(join(repoRoot(), 'sample/k8s/role.yaml'), 'utf8'));

/** The Role's rules as the test server's policy rules, bound in `namespace` (a RoleBinding). */
function roleRules(namespace: string): TestPolicyRule[] {
  return role.rules!.map((r) => ({
    apiGroups: [...(r.apiGroups ?? [])],
    resources: [...(r.resources ?? [])],
    verbs: [...r.verbs],
    ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
    namespaces: [namespace],
  }));
}

/** The same rules without one verb on one resource. */
function without(rules: TestPolicyRule[], verb: string, resource: string): TestPolicyRule[] {
  return rules
    .map((r) =>
      r.resources.includes(resource) ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r,
    )
    .filter((r) => r.verbs.length > 0);
}

/** Every line any app logged (the Nest logger is process-wide, so one sink serves all apps). */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (m: unknown, ...rest: unknown[]) => this.push('log', m, rest);
  error = (m: unknown, ...rest: unknown[]) => this.push('error', m, rest);
  warn = (m: unknown, ...rest: unknown[]) => this.push('warn', m, rest);
  debug = (m: unknown, ...rest: unknown[]) => this.push('debug', m, rest);
  verbose = (m: unknown, ...rest: unknown[]) => this.push('verbose', m, rest);
  fatal = (m: unknown, ...rest: unknown[]) => this.push('fatal', m, rest);
  private push(level: string, message: unknown, rest: unknown[]): void {
    const text = [message, ...rest]
      .map((p) => (p instanceof Error ? (p.stack ?? p.message) : String(p)))
      .join(' ');
    this.lines.push(`${level} ${text}`);
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false) {
  const started = performance.now();
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sample/k8s/role.yaml against the sample app', { timeout: 90_000 }, () => {
  const server = new KubeApiTestServer();
  const logs = new CapturingLogger();
  const apps: INestApplication[] = [];

  before(() => server.start());
  after(async () => {
    for (const app of apps.splice(0)) await app.close().catch(() => undefined);
    await server.stop();
  });

  async function bootSample(token: string, namespace: string) {
    const config = new SampleConfig();
    config.namespace = namespace;
    Object.assign(config, DURATIONS);
    config.jobWorkMs = 20;
    config.kubeConfig = server.kubeConfig(token, { namespace });
    const app = await NestFactory.create(AppModule.forRoot(config), {
      logger: logs,
      abortOnError: false,
    });
    apps.push(app);
    await app.init();
    return { app, election: app.get(LeaderElectionService) };
  }

  async function close(app: INestApplication) {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  const requestsOf = (token: string) => server.requests().filter((r) => r.token === token);
  const leaseHolder = (namespace: string) =>
    (server.getObject('leases', namespace, LEASE)?.spec as { holderIdentity?: string } | undefined)
      ?.holderIdentity;

  it('is enough to elect, renew, release and record events', async () => {
    const ns = 'rbac-sufficient';
    const user = `system:serviceaccount:${ns}:${SERVICE_ACCOUNT}`;
    server.addToken('pod-a', { user, rules: roleRules(ns) });
    server.addToken('pod-b', { user, rules: roleRules(ns) });
    const firstLog = logs.lines.length;

    const a = await bootSample('pod-a', ns);
    await until('pod-a to lead', 5000, () => a.election.isLeader());
    assert.equal(leaseHolder(ns), a.election.identity);
    const b = await bootSample('pod-b', ns);

    // Renew: the leader updates the Lease it holds.
    await server.waitForWrite(
      (w) =>
        w.token === 'pod-a' &&
        w.verb === 'update' &&
        w.namespace === ns &&
        (w.object.spec as { holderIdentity?: string }).holderIdentity === a.election.identity,
      DURATIONS.retryPeriod * 5,
    );
    // Followers watch the one Lease (the rule's resourceNames must cover the field selector).
    await until('pod-b to watch the lease', 5000, () =>
      requestsOf('pod-b').some((r) => r.verb === 'watch' && r.resource === 'leases'),
    );
    assert.equal(b.election.isLeader(), false);

    // Release on shutdown, then pod-b takes over.
    await close(a.app);
    const released = server
      .writeLog()
      .find(
        (w) =>
          w.token === 'pod-a' &&
          w.verb === 'update' &&
          (w.object.spec as { holderIdentity?: string }).holderIdentity === '',
      );
    assert.ok(released, 'pod-a released the lease on app.close()');
    await until('pod-b to lead', 5000, () => b.election.isLeader());
    await close(b.app);

    // Events: who became leader and who stopped, on the Lease.
    const expected = [
      `${a.election.identity} became leader`,
      `${a.election.identity} stopped leading`,
      `${b.election.identity} became leader`,
      `${b.election.identity} stopped leading`,
    ];
    const events = await until('the four LeaderElection events', 5000, () => {
      const list = server.listObjects('events', ns) as Array<{
        message?: string;
        reason?: string;
        involvedObject?: { kind?: string; name?: string };
      }>;
      return expected.every((m) => list.some((e) => e.message === m)) ? list : undefined;
    });
    for (const e of events) {
      assert.equal(e.reason, 'LeaderElection');
      assert.deepEqual([e.involvedObject?.kind, e.involvedObject?.name], ['Lease', LEASE]);
    }

    // Nothing was refused, and everything that was asked for is in the Role.
    const requests = [...requestsOf('pod-a'), ...requestsOf('pod-b')];
    const refused = requests.filter((r) => r.status === 401 || r.status === 403);
    assert.deepEqual(
      refused.map((r) => `${r.status} ${r.verb} ${r.resource}/${r.name}`),
      [],
      'no request was refused',
    );
    const used = new Set(requests.filter((r) => r.resource).map((r) => `${r.verb} ${r.resource}`));
    for (const needed of [
      'get leases',
      'create leases',
      'update leases',
      'watch leases',
      'create events',
    ]) {
      assert.ok(used.has(needed), `the sample used "${needed}" (used: ${[...used].join(', ')})`);
    }
    // Nor did the library complain (its RBAC preflight, if any, found nothing missing).
    const complaints = logs.lines
      .slice(firstLog)
      .filter((l) => /^(error|warn|fatal) /.test(l) && /403|Forbidden|permission/i.test(l));
    assert.deepEqual(complaints, []);
    // `patch events` is granted (client-go's recorder patches repeated events) but unused today.
    assert.equal(used.has('patch events'), false, 'the library never patches events');
  });

  /** One permission taken away, and what the sample must do without it. */
  interface Removal {
    verb: KubeRequestTarget['verb'];
    group: string;
    resource: string;
    named: boolean;
    /** Whether the election still works without it (watch and events are optional). */
    stillLeads: boolean;
    /**
     * Reported at the default log level (warn/error). Event failures are logged at debug only:
     * events are best effort and must not flood the logs of an app that may not post them.
     */
    loud: boolean;
  }
  const removals: Removal[] = [
    {
      verb: 'create',
      group: 'coordination.k8s.io',
      resource: 'leases',
      named: false,
      stillLeads: false,
      loud: true,
    },
    {
      verb: 'get',
      group: 'coordination.k8s.io',
      resource: 'leases',
      named: true,
      stillLeads: false,
      loud: true,
    },
    {
      verb: 'update',
      group: 'coordination.k8s.io',
      resource: 'leases',
      named: true,
      stillLeads: false,
      loud: true,
    },
    {
      verb: 'watch',
      group: 'coordination.k8s.io',
      resource: 'leases',
      named: true,
      stillLeads: true,
      loud: true,
    },
    { verb: 'create', group: '', resource: 'events', named: false, stillLeads: true, loud: false },
  ];

  for (const removal of removals) {
    const label = `${removal.verb} ${removal.resource}`;
    it(`without "${label}", fails with a message naming verb, resource, namespace and the rule`, async (t) => {
      const ns = `rbac-no-${removal.verb}-${removal.resource}`;
      // Not a substring of the namespace: the library blanks the token out of every message.
      const token = `token-${removals.indexOf(removal)}-${randomBytes(6).toString('hex')}`;
      server.addToken(token, {
        user: `system:serviceaccount:${ns}:${SERVICE_ACCOUNT}`,
        rules: without(roleRules(ns), removal.verb, removal.resource),
      });
      const target: KubeRequestTarget = {
        verb: removal.verb,
        group: removal.group,
        resource: removal.resource,
        namespace: ns,
        ...(removal.named ? { name: LEASE } : {}),
      };

      // Two replicas, so that one follows (and watches) while the other leads (and records events).
      const first = await bootSample(token, ns);
      const second = await bootSample(token, ns);

      await until(`a 403 for ${label}`, 10_000, () =>
        requestsOf(token).some(
          (r) => r.status === 403 && r.verb === removal.verb && r.resource === removal.resource,
        ),
      );
      const described = describeKubeRequest(target);
      const rule = rbacRuleFor(target);
      const ruleYaml = roleRulesYaml(roleRulesFor([target]));
      const line = await until(`a log line explaining the missing "${label}"`, 5000, () =>
        logs.lines.find(
          (l) =>
            (!removal.loud || /^(error|warn|fatal) /.test(l)) &&
            l.includes(described) &&
            (l.includes(rule) || l.includes(ruleYaml)),
        ),
      );
      assert.match(line, new RegExp(`namespace "${ns}"`));
      t.diagnostic(line);

      const leaders = () => [first, second].filter((r) => r.election.isLeader()).length;
      if (removal.stillLeads) {
        // Degraded, not broken: the election goes on (polling instead of watching, no Events).
        await until('a leader despite the missing permission', 5000, () => leaders() === 1);
      } else if (removal.verb === 'update') {
        // The first replica creates the Lease, then cannot renew it: it must step down within
        // renewDeadline, and nobody can take over.
        await new Promise((resolve) => setTimeout(resolve, DURATIONS.renewDeadline + 500));
        await until('no leader', DURATIONS.leaseDuration, () => leaders() === 0);
      } else {
        await new Promise((resolve) => setTimeout(resolve, DURATIONS.leaseDuration));
        assert.equal(leaders(), 0, 'nobody leads without ' + label);
        assert.notEqual(leaseHolder(ns), first.election.identity);
        assert.notEqual(leaseHolder(ns), second.election.identity);
      }
      await close(first.app);
      await close(second.app);
    });
  }
});
