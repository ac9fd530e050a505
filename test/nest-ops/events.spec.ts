/*
 * Kubernetes Events of real Nest applications: after a leader change the lock object has the
 * "became leader" / "stopped leading" events `kubectl describe lease` shows (listed here the
 * way kubectl does, by involvedObject field selector, through client-node), and none with
 * recordEvents: false.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import type { LeaderElectionModuleOptions } from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { bootOpsApp, CaptureLogger, sleep, waitFor, type OpsApp } from './fixtures/ops-app.js';

const TIMING = { leaseDuration: 4000, renewDeadline: 3000, retryPeriod: 500 };

describe('leader election events of Nest apps', () => {
  const server = new KubeApiTestServer();
  const logger = new CaptureLogger();
  const apps: OpsApp[] = [];

  const options = (
    name: string,
    replica: string,
    extra: Partial<LeaderElectionModuleOptions> = {},
  ): LeaderElectionModuleOptions => ({
    name,
    namespace: 'default',
    identity: `${name}-${replica}_3b241101`,
    kubeConfig: server.kubeConfig(`token-${name}-${replica}`),
    preflight: false,
    ...TIMING,
    ...extra,
  });
  const boot = async (opts: LeaderElectionModuleOptions) => {
    const app = await bootOpsApp(opts, logger);
    apps.push(app);
    return app;
  };
  /** What `kubectl describe lease <name>` lists: events whose involvedObject is the Lease. */
  const describeEvents = async (name: string): Promise<CoreV1Event[]> => {
    const api = server.kubeConfig('events-reader').makeApiClient(CoreV1Api);
    const list = await api.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.kind=Lease,involvedObject.name=${name}`,
    });
    return list.items;
  };
  /** A leader change: a leads, b follows, a's app closes (release), b takes over. */
  const leaderChange = async (name: string, extra: Partial<LeaderElectionModuleOptions> = {}) => {
    const a = await boot(options(name, 'a', extra));
    await waitFor(() => a.election.isLeader(), 5000, `a to lead ${name}`);
    const b = await boot(options(name, 'b', extra));
    await waitFor(() => b.election.getLeader() === a.identity, 5000, 'b to see a lead');
    await a.close();
    await waitFor(() => b.election.isLeader(), 5000, `b to take over ${name}`);
    return { a, b };
  };

  before(() => server.start());
  after(async () => {
    for (const app of apps) await app.close();
    await server.stop();
  });

  it('became leader / stopped leading on the Lease, reason LeaderElection, type Normal', async () => {
    const name = 'nest-events';
    const { a, b } = await leaderChange(name);
    const expected = [
      `${a.identity} became leader`,
      `${a.identity} stopped leading`,
      `${b.identity} became leader`,
    ];
    await waitFor(
      async () => {
        const messages = (await describeEvents(name)).map((e) => e.message);
        return expected.every((m) => messages.includes(m));
      },
      5000,
      'the three events',
    );
    const lease = server.getObject('leases', 'default', name)!;
    const leaseMeta = lease['metadata'] as Record<string, unknown>;
    assert.equal(typeof leaseMeta['uid'], 'string');
    const events = await describeEvents(name);
    for (const message of expected) {
      const matching = events.filter((e) => e.message === message);
      assert.equal(matching.length, 1, `one event "${message}"`);
      const event = matching[0]!;
      assert.equal(event.reason, 'LeaderElection');
      assert.equal(event.type, 'Normal');
      assert.equal(event.metadata.namespace, 'default');
      assert.equal(event.involvedObject.kind, 'Lease');
      assert.equal(event.involvedObject.apiVersion, 'coordination.k8s.io/v1');
      assert.equal(event.involvedObject.namespace, 'default');
      assert.equal(event.involvedObject.name, name);
      assert.equal(event.involvedObject.uid, leaseMeta['uid']);
    }
    // Also in the raw store, as any other client would list them.
    const stored = server
      .listObjects('events', 'default')
      .filter((e) => (e['involvedObject'] as Record<string, unknown>)['name'] === name);
    assert.equal(stored.length, events.length);
  });

  it('recordEvents: false posts none', async () => {
    const name = 'nest-events-off';
    await leaderChange(name, { recordEvents: false });
    // Events are posted right after the transitions; give stray ones time to arrive.
    await sleep(500);
    assert.deepEqual(await describeEvents(name), []);
    assert.deepEqual(
      server
        .requests()
        .filter((r) => r.resource === 'events' && r.token.startsWith(`token-${name}-`)),
      [],
    );
  });
});
