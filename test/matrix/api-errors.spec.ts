/**
 * Matrix: what the API server can answer, one row per kind of failure, met by real electors
 * (`LeaderElector` + `createLock()`, client-node over HTTP to KubeApiTestServer):
 * 401, 403 on each verb the election uses (message names verb, resource, namespace and the Role
 * rule to add), 404 for a missing namespace, 422, 5xx/429 bursts and outages, and hung requests.
 * Every row asserts the exact user-visible message and that the elector keeps running and
 * recovers once the cause is fixed, without two leaders at any moment.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { LeaderElector, LeaseLock, LockError } from '../../lib/core/index.js';
import * as messages from '../../lib/core/messages.js';
import { KubeApiTestServer, type TestPolicyRule } from '../../lib/testing/index.js';
import { apiServerMessages as tm } from '../../lib/testing/kube-api/kube-api.messages.js';
import { CapturingLogger } from '../support/recorders.js';
import { TIMING, kubeElector, sleep, target, waitFor } from './matrix.helpers.js';

const { lockMessages } = messages;
const NS = 'matrix-errors';
const GROUP = 'coordination.k8s.io';
const USER = 'system:serviceaccount:matrix-errors:elector';

/** The Role a replica needs (the sample's least-privilege Role), minus `without` verbs. */
function roleFor(name: string, without: string[] = []): TestPolicyRule[] {
  const keep = (verbs: string[]) => verbs.filter((v) => !without.includes(v));
  const rules: TestPolicyRule[] = [];
  if (keep(['create']).length)
    rules.push({ apiGroups: [GROUP], resources: ['leases'], verbs: ['create'] });
  const named = keep(['get', 'update', 'watch']);
  if (named.length)
    rules.push({ apiGroups: [GROUP], resources: ['leases'], verbs: named, resourceNames: [name] });
  const events = keep(['events']).length ? ['create', 'patch'] : [];
  if (events.length) rules.push({ apiGroups: [''], resources: ['events'], verbs: events });
  return rules;
}

/** The API server's 403 message for `verb` on the lease (`name` '' for create). */
const serverForbidden = (verb: string, name: string, resource = 'leases', group = GROUP) =>
  tm.forbidden(
    group ? `${resource}.${group}` : resource,
    name,
    tm.forbiddenResource(USER, verb, resource, group, NS),
  );

/** Fails if two electors ever lead at the same instant; call stop() to get the verdict. */
function watchSafety(electors: LeaderElector[]): { stop(): void } {
  let overlap = false;
  const timer = setInterval(() => {
    if (electors.filter((e) => e.isLeader()).length > 1) overlap = true;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      assert.equal(overlap, false, 'two electors led at the same time');
    },
  };
}

const server = new KubeApiTestServer({ bookmarkInterval: 0 });
before(() => server.start());
after(() => server.stop());

let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}`;

/** A token bound to the Role for lease `name` minus `without`, named like the sample's user. */
function restricted(name: string, without: string[], token = `${name}-token`) {
  server.addToken(token, { user: USER, rules: roleFor(name, without) });
  return { token, kubeConfig: server.kubeConfig(token) };
}

describe('matrix: 401 Unauthorized', () => {
  it('a revoked token: the follower logs the 401 for get (no token), keeps trying, and leads once it is valid again', async () => {
    const name = unique('unauth');
    const token = `${name}-token`;
    const kubeConfig = server.kubeConfig(token);
    server.removeToken(token);
    const { elector, logger } = kubeElector({ kubeConfig, name, namespace: NS, identity: 'u1' });
    elector.start();
    try {
      await waitFor(() => elector.lastError() !== undefined, 5000, 'the first error');
      const err = elector.lastError();
      assert.ok(err instanceof LockError);
      assert.equal(err.reason, 'Unauthorized');
      assert.equal(err.statusCode, 401);
      const expected = lockMessages.unauthorized(target('get', NS, name), tm.unauthorized);
      assert.equal(err.message, expected);
      assert.ok(logger.at('error').includes(messages.logErrorRetrievingLock(`${NS}/${name}`, err)));
      assert.ok(!logger.lines.some((l) => l.message.includes(token)));
      assert.equal(elector.isLeader(), false);
      assert.equal(elector.status(), 'running');

      server.addToken(token);
      await waitFor(() => elector.isLeader(), 5000, 'leadership after the token is valid again');
      assert.equal(elector.lastError(), undefined);
    } finally {
      await elector.stop();
    }
  });

  it('a token revoked while leading: the leader steps down within renewDeadline and regains the lease afterwards', async () => {
    const name = unique('unauth-leader');
    const token = `${name}-token`;
    const { elector, logger } = kubeElector({
      kubeConfig: server.kubeConfig(token),
      name,
      namespace: NS,
      identity: 'u2',
    });
    elector.start();
    try {
      await waitFor(() => elector.isLeader(), 5000, 'leadership');
      const revokedAt = performance.now();
      server.removeToken(token);
      const lost = await waitFor(
        () => !elector.isLeader(),
        TIMING.renewDeadline + 3000,
        'step-down',
      );
      assert.ok(
        performance.now() - revokedAt <= TIMING.renewDeadline + TIMING.retryPeriod + 2000,
        `stepped down ${lost.toFixed(0)} ms after the token was revoked`,
      );
      await waitFor(() => elector.lastError()?.message.includes('401') ?? false, 5000, '401');
      assert.equal((elector.lastError() as LockError).reason, 'Unauthorized');
      assert.ok(
        logger
          .at('warn')
          .includes(
            messages.logTermEnded(
              `${NS}/${name}`,
              messages.reasonRenewDeadlineExceeded(TIMING.renewDeadline),
            ),
          ) ||
          logger
            .at('warn')
            .includes(messages.logTermEnded(`${NS}/${name}`, messages.reasonRenewFailed())),
        `the term end is logged: ${JSON.stringify(logger.at('warn'))}`,
      );
      server.addToken(token);
      await waitFor(() => elector.isLeader(), 8000, 'leadership regained');
    } finally {
      await elector.stop();
    }
  });
});

describe('matrix: 403 Forbidden on each verb names verb, resource, namespace and the Role rule', () => {
  // verb missing → what the elector logs, built from the LockError it got.
  const rows: Array<{
    verb: 'get' | 'create' | 'update';
    seedFree: boolean;
    logLine: (lock: string, err: unknown) => string;
  }> = [
    { verb: 'get', seedFree: false, logLine: messages.logErrorRetrievingLock },
    { verb: 'create', seedFree: false, logLine: messages.logErrorCreatingLock },
    { verb: 'update', seedFree: true, logLine: messages.logFailedToUpdate },
  ];
  for (const row of rows) {
    it(`without "${row.verb}": the exact 403 message, and leadership once the rule is added`, async () => {
      const name = unique(`no-${row.verb}`);
      if (row.seedFree) server.putObject('leases', NS, { metadata: { name }, spec: {} });
      const { token, kubeConfig } = restricted(name, [row.verb]);
      const { elector, logger } = kubeElector({ kubeConfig, name, namespace: NS, identity: 'f1' });
      elector.start();
      try {
        await waitFor(() => elector.lastError() !== undefined, 5000, 'the 403');
        const err = elector.lastError();
        assert.ok(err instanceof LockError);
        assert.equal(err.reason, 'Forbidden');
        const t = target(row.verb, NS, name);
        const expected = lockMessages.forbidden(
          t,
          serverForbidden(row.verb, row.verb === 'create' ? '' : name),
        );
        assert.equal(err.message, expected);
        // Everything a user needs is in the text: verb, resource, namespace and the rule.
        assert.ok(err.message.includes(`cannot ${row.verb} leases.coordination.k8s.io`));
        assert.ok(err.message.includes(`in namespace "${NS}"`));
        assert.ok(err.message.endsWith(messages.rbacRuleFor(t)));
        assert.equal(
          messages.rbacRuleFor(t),
          row.verb === 'create'
            ? `apiGroups ["${GROUP}"], resources ["leases"], verbs ["create"]`
            : `apiGroups ["${GROUP}"], resources ["leases"], verbs ["${row.verb}"], resourceNames ["${name}"]`,
        );
        assert.ok(logger.at('error').includes(row.logLine(`${NS}/${name}`, err)));
        assert.ok(!logger.lines.some((l) => l.message.includes(token)));
        assert.equal(elector.status(), 'running');
        assert.equal(elector.isLeader(), false);

        server.setRules(token, roleFor(name));
        await waitFor(() => elector.isLeader(), 5000, 'leadership once the rule is added');
      } finally {
        await elector.stop();
      }
    });
  }

  it('without "watch": the watch failure is logged with the 403 text; election works by polling (hand-over included)', async () => {
    const name = unique('no-watch');
    const a = restricted(name, ['watch'], `${name}-a`);
    const b = restricted(name, ['watch'], `${name}-b`);
    const first = kubeElector({ kubeConfig: a.kubeConfig, name, namespace: NS, identity: 'w1' });
    const second = kubeElector({ kubeConfig: b.kubeConfig, name, namespace: NS, identity: 'w2' });
    const safety = watchSafety([first.elector, second.elector]);
    first.elector.start();
    try {
      await waitFor(() => first.elector.isLeader(), 5000, 'first leader');
      second.elector.start();
      const prefix = `Watch on the lock closed (${lockMessages.forbidden(target('watch', NS, name), undefined)}); polling every retryPeriod`;
      await waitFor(
        () => second.logger.at('warn').some((w) => w.startsWith(prefix)),
        5000,
        'the follower to log the forbidden watch',
      );
      assert.equal(second.elector.status(), 'running');
      await first.elector.stop();
      const took = await waitFor(() => second.elector.isLeader(), 5000, 'hand-over by polling');
      assert.ok(took <= TIMING.retryPeriod * 2.2 + 3000, `took over after ${took} ms`);
    } finally {
      safety.stop();
      await first.elector.stop();
      await second.elector.stop();
    }
  });

  it('without events: leadership is unaffected; the failed event is logged at debug level with the 403', async () => {
    const name = unique('no-events');
    const { kubeConfig } = restricted(name, ['events']);
    const { elector, logger } = kubeElector({
      kubeConfig,
      name,
      namespace: NS,
      identity: 'e1',
      recordEvents: true,
    });
    elector.start();
    try {
      await waitFor(() => elector.isLeader(), 5000, 'leadership');
      const expected = lockMessages.eventFailed(
        `Lease ${NS}/${name}`,
        'e1 became leader',
        lockMessages.forbidden(
          { verb: 'create', group: '', resource: 'events', namespace: NS },
          serverForbidden('create', '', 'events', ''),
        ),
      );
      await waitFor(() => logger.at('debug').includes(expected), 5000, 'the event failure');
      assert.deepEqual(logger.at('error'), []);
      assert.equal(elector.isLeader(), true);
    } finally {
      await elector.stop();
    }
  });
});

describe('matrix: 404 for a namespace that does not exist', () => {
  const strict = new KubeApiTestServer({ autoCreateNamespaces: false, bookmarkInterval: 0 });
  before(() => strict.start());
  after(() => strict.stop());

  it('names the namespace and the fix; the elector leads once the namespace exists', async () => {
    const ns = 'not-there-yet';
    const name = 'ns-missing';
    const { elector, logger } = kubeElector({
      kubeConfig: strict.kubeConfig('ns-token'),
      name,
      namespace: ns,
      identity: 'n1',
    });
    elector.start();
    try {
      await waitFor(() => elector.lastError() !== undefined, 5000, 'the 404');
      const err = elector.lastError();
      assert.ok(err instanceof LockError);
      assert.equal(err.reason, 'NotFound');
      assert.equal(
        err.message,
        lockMessages.namespaceNotFound(target('create', ns, name), tm.namespaceNotFound(ns)),
      );
      assert.match(err.message, /kubectl create namespace not-there-yet/);
      assert.ok(logger.at('error').includes(messages.logErrorCreatingLock(`${ns}/${name}`, err)));
      assert.equal(elector.status(), 'running');

      strict.putObject('namespaces', '', { metadata: { name: ns } });
      await waitFor(() => elector.isLeader(), 5000, 'leadership once the namespace exists');
    } finally {
      await elector.stop();
    }
  });
});

describe('matrix: 422 Invalid', () => {
  it('an update answered 422: the exact message; the takeover succeeds once the server accepts it', async () => {
    const name = unique('invalid');
    const token = `${name}-token`;
    server.putObject('leases', NS, { metadata: { name }, spec: {} });
    const fault = server.fault(
      { kind: 'error', code: 422, message: 'spec.leaseDurationSeconds: must be greater than 0' },
      { match: { token, verb: 'update' } },
    );
    const { elector, logger } = kubeElector({
      kubeConfig: server.kubeConfig(token),
      name,
      namespace: NS,
      identity: 'i1',
    });
    elector.start();
    try {
      await waitFor(() => elector.lastError() !== undefined, 5000, 'the 422');
      const err = elector.lastError();
      assert.ok(err instanceof LockError);
      assert.equal(err.reason, 'Invalid');
      assert.equal(
        err.message,
        lockMessages.apiStatus(
          target('update', NS, name),
          422,
          'Invalid',
          'spec.leaseDurationSeconds: must be greater than 0',
        ),
      );
      assert.ok(logger.at('error').includes(messages.logFailedToUpdate(`${NS}/${name}`, err)));
      fault.clear();
      await waitFor(() => elector.isLeader(), 5000, 'leadership once updates are accepted');
    } finally {
      fault.clear();
      await elector.stop();
    }
  });

  it("the API server's own 422 (labels that bypass createLock's check): logged with the field error, retried, never a crash", async () => {
    const name = unique('bad-labels');
    const logger = new CapturingLogger();
    const kubeConfig = server.kubeConfig(`${name}-token`);
    // LeaseLock directly: createLock() would refuse these labels before any request.
    const lock = new LeaseLock({
      name,
      namespace: NS,
      identity: 'l1',
      kubeConfig,
      labels: { 'bad key': 'v' },
      coordinationApi: kubeConfig.makeApiClient(CoordinationV1Api),
      logger,
    });
    const elector = new LeaderElector({ lock, logger, ...TIMING });
    elector.start();
    try {
      await waitFor(
        () => logger.at('error').length >= 2,
        TIMING.retryPeriod * 2.2 + 5000,
        'two failed attempts',
      );
      const err = elector.lastError();
      assert.ok(err instanceof LockError);
      assert.equal(err.reason, 'Invalid');
      assert.equal(err.statusCode, 422);
      const prefix = lockMessages.apiStatus(target('create', NS, name), 422, 'Invalid', undefined);
      assert.ok(err.message.startsWith(`${prefix} (`), err.message);
      assert.match(err.message, /metadata\.labels: Invalid value: "bad key"/);
      assert.equal(elector.status(), 'running');
      assert.equal(elector.isLeader(), false);
      assert.equal(server.getObject('leases', NS, name), undefined);
    } finally {
      await elector.stop();
    }
  });
});

describe('matrix: 5xx and 429', { concurrency: 4 }, () => {
  const codes: Array<[number, LockError['reason']]> = [
    [500, 'Unavailable'],
    [502, 'Unavailable'],
    [503, 'Unavailable'],
    [504, 'Timeout'],
    [429, 'Unavailable'],
  ];
  for (const [code, reason] of codes) {
    it(`${code} on the first reads: logged as "${code}" (${reason}), then the follower acquires`, async () => {
      const name = unique(`code-${code}`);
      const token = `${name}-token`;
      server.fault({ kind: 'error', code }, { match: { token, verb: 'get' }, times: 2 });
      const { elector, logger } = kubeElector({
        kubeConfig: server.kubeConfig(token),
        name,
        namespace: NS,
        identity: `c${code}`,
      });
      elector.start();
      try {
        await waitFor(() => elector.isLeader(), TIMING.retryPeriod * 2.2 * 2 + 5000, 'leadership');
        const errors = logger.at('error');
        assert.equal(errors.length, 2, JSON.stringify(errors));
        const prefix = messages.logErrorRetrievingLock(
          `${NS}/${name}`,
          new Error(lockMessages.apiStatus(target('get', NS, name), code, undefined, undefined)),
        );
        // The log line carries the status code and the server's reason and message.
        for (const line of errors) assert.ok(line.startsWith(prefix.slice(0, -1)), line);
        assert.equal(elector.lastError(), undefined, 'cleared by the successful request');
      } finally {
        await elector.stop();
      }
    });
  }

  it('a short 503 burst while leading: the leader keeps the lease (renew retries within renewDeadline)', async () => {
    const name = unique('burst');
    const token = `${name}-token`;
    const { elector } = kubeElector({
      kubeConfig: server.kubeConfig(token),
      name,
      namespace: NS,
      identity: 'b1',
    });
    elector.start();
    try {
      await waitFor(() => elector.isLeader(), 5000, 'leadership');
      const renewsBefore = elector.lastRenewAt();
      server.fault({ kind: 'error', code: 503 }, { match: { token }, times: 2 });
      await waitFor(
        () => (elector.lastRenewAt() ?? 0) > (renewsBefore ?? 0) + TIMING.retryPeriod * 2,
        TIMING.renewDeadline + 3000,
        'renewals after the burst',
      );
      assert.equal(elector.isLeader(), true);
    } finally {
      await elector.stop();
    }
  });

  it('an outage longer than renewDeadline: the leader steps down in time, no one leads, then a leader is back', async () => {
    const name = unique('outage');
    const a = kubeElector({
      kubeConfig: server.kubeConfig(`${name}-a`),
      name,
      namespace: NS,
      identity: 'o1',
    });
    const b = kubeElector({
      kubeConfig: server.kubeConfig(`${name}-b`),
      name,
      namespace: NS,
      identity: 'o2',
    });
    const safety = watchSafety([a.elector, b.elector]);
    a.elector.start();
    try {
      await waitFor(() => a.elector.isLeader(), 5000, 'first leader');
      b.elector.start();
      await waitFor(() => b.elector.getLeader() === 'o1', 5000, 'follower sees the leader');
      const outageAt = performance.now();
      const outage = [
        server.fault({ kind: 'error', code: 500 }, { match: { token: `${name}-a` } }),
        server.fault({ kind: 'error', code: 500 }, { match: { token: `${name}-b` } }),
      ];
      await waitFor(() => !a.elector.isLeader(), TIMING.renewDeadline + 3000, 'step-down');
      assert.ok(performance.now() - outageAt <= TIMING.renewDeadline + TIMING.retryPeriod + 2000);
      await sleep(500);
      assert.equal(b.elector.isLeader(), false, 'nobody can win during the outage');
      assert.equal(a.elector.status(), 'running');
      assert.equal(b.elector.status(), 'running');
      for (const f of outage) f.clear();
      const healedAt = performance.now();
      await waitFor(
        () => a.elector.isLeader() || b.elector.isLeader(),
        TIMING.leaseDuration + TIMING.retryPeriod * 2.2 + 3000,
        'a leader after the outage',
      );
      assert.ok(
        performance.now() - healedAt <= TIMING.leaseDuration + TIMING.retryPeriod * 2.2 + 3000,
      );
    } finally {
      safety.stop();
      await a.elector.stop();
      await b.elector.stop();
    }
  });
});

describe('matrix: timeouts (a hung API connection)', () => {
  it('the leader whose requests hang steps down within renewDeadline; the other takes over; it recovers as a follower', async () => {
    const name = unique('hang');
    const a = kubeElector({
      kubeConfig: server.kubeConfig(`${name}-a`),
      name,
      namespace: NS,
      identity: 'h1',
    });
    const b = kubeElector({
      kubeConfig: server.kubeConfig(`${name}-b`),
      name,
      namespace: NS,
      identity: 'h2',
    });
    const safety = watchSafety([a.elector, b.elector]);
    a.elector.start();
    let hang: { clear(): void } | undefined;
    try {
      await waitFor(() => a.elector.isLeader(), 5000, 'first leader');
      b.elector.start();
      await waitFor(() => b.elector.getLeader() === 'h1', 5000, 'follower sees the leader');
      const lastRenew = a.elector.lastRenewAt()!;
      hang = server.fault({ kind: 'hang' }, { match: { token: `${name}-a` } });
      await waitFor(() => !a.elector.isLeader(), TIMING.renewDeadline + 3000, 'step-down');
      // isLeader() is judged at call time: never later than renewDeadline after the last renewal.
      assert.ok(performance.now() - lastRenew <= TIMING.renewDeadline + 1000);
      await waitFor(
        () => b.elector.isLeader(),
        TIMING.leaseDuration + TIMING.retryPeriod * 2.2 + 3000,
        'takeover by the other replica',
      );
      await waitFor(() => a.elector.lastError() !== undefined, 5000, 'the timeout error');
      const err = a.elector.lastError();
      assert.ok(err instanceof LockError);
      assert.equal(err.reason, 'Timeout');
      const requestTimeout = Math.max(1000, TIMING.renewDeadline / 2);
      const candidates = [
        messages.requestTimedOut(`${NS}/${name}`, requestTimeout),
        messages.reasonRenewDeadlineExceeded(TIMING.renewDeadline),
        ...(['get', 'update'] as const).map((verb) =>
          lockMessages.timeout(target(verb, NS, name), server.url),
        ),
      ];
      assert.ok(candidates.includes(err.message), err.message);
      assert.equal(a.elector.status(), 'running');

      hang.clear();
      await waitFor(
        () => a.elector.lastError() === undefined && a.elector.getLeader() === 'h2',
        8000,
        'the hung replica to recover as a follower',
      );
      assert.equal(a.elector.isLeader(), false);
      assert.equal(b.elector.isLeader(), true);
    } finally {
      hang?.clear();
      safety.stop();
      await a.elector.stop();
      await b.elector.stop();
    }
  });

  it('latency below the request timeout costs nothing: the leader keeps the lease', async () => {
    const name = unique('slow');
    const token = `${name}-token`;
    const { elector } = kubeElector({
      kubeConfig: server.kubeConfig(token),
      name,
      namespace: NS,
      identity: 's1',
    });
    elector.start();
    const slow = server.fault({ kind: 'latency', ms: 300 }, { match: { token } });
    try {
      await waitFor(() => elector.isLeader(), 5000, 'leadership');
      const since = performance.now();
      while (performance.now() - since < TIMING.renewDeadline + 500) {
        assert.equal(elector.isLeader(), true, 'lost the lease under mere latency');
        await sleep(50);
      }
      assert.equal(elector.lastError(), undefined);
    } finally {
      slow.clear();
      await elector.stop();
    }
  });
});
