/**
 * Metrics scraped as Prometheus would, from real electors talking to KubeApiTestServer over
 * HTTP through client-node. Each replica gets its own MeterProvider and scrape endpoint, as two
 * processes would. The Nest-app variant only needs another `Replica` factory: see `startReplica`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiTestServer } from '../../../lib/testing/kube-api-test-server.js';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { createLock } from '../../../lib/core/locks/lock-factory.js';
import {
  createOpenTelemetryMetrics,
  type OpenTelemetryLeaderElectionMetrics,
} from '../../../lib/core/metrics/otel-metrics.js';
import {
  helpText,
  sampleValue,
  startPrometheusScrape,
  type PrometheusScrapeTarget,
} from './prometheus-scrape.js';

const ELECTION = 'metrics-jobs';
const NAMESPACE = 'default';
const TIMING = { leaseDuration: 2000, renewDeadline: 1500, retryPeriod: 300 };

interface Replica {
  token: string;
  elector: LeaderElector;
  metrics: OpenTelemetryLeaderElectionMetrics;
  target: PrometheusScrapeTarget;
  scrape(): Promise<string>;
  close(): Promise<void>;
}

async function startReplica(server: KubeApiTestServer, token: string): Promise<Replica> {
  const target = await startPrometheusScrape();
  const metrics = createOpenTelemetryMetrics(target.meter);
  const elector = new LeaderElector({
    lock: createLock({
      name: ELECTION,
      namespace: NAMESPACE,
      identity: `${token}_0f8fad5b`,
      kubeConfig: server.kubeConfig(token),
      recordEvents: false,
    }),
    name: ELECTION,
    ...TIMING,
    metrics,
  });
  elector.start();
  return {
    token,
    elector,
    metrics,
    target,
    scrape: () => target.scrape(),
    async close() {
      await elector.stop({ release: false });
      metrics.dispose();
      await target.close();
    },
  };
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes. */
async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 8000,
) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const value = (text: string, metric: string, labels: Record<string, string> = {}) =>
  sampleValue(text, metric, { name: ELECTION, ...labels });

describe('leader-election metrics scraped from real electors', () => {
  const server = new KubeApiTestServer();
  const replicas: Replica[] = [];
  before(() => server.start());
  after(async () => {
    for (const r of replicas) await r.close().catch(() => undefined);
    await server.stop();
  });

  it('master_status, transitions, renew latency, seconds since renew, slow path and conflicts', async () => {
    const a = await startReplica(server, 'metrics-a');
    replicas.push(a);
    await waitFor('a to lead', () => a.elector.isLeader());
    const b = await startReplica(server, 'metrics-b');
    replicas.push(b);
    await waitFor('b to observe the leader', () => b.elector.getLeader() === a.elector.identity);
    // A couple of renew rounds on the leader.
    await waitFor('a to renew twice', async () => {
      const count = value(await a.scrape(), 'leader_election_renew_duration_seconds_count');
      return (count ?? 0) >= 2;
    });

    let textA = await a.scrape();
    let textB = await b.scrape();
    assert.equal(value(textA, 'leader_election_master_status'), 1);
    assert.equal(value(textB, 'leader_election_master_status'), 0);
    assert.match(
      helpText(textA, 'leader_election_master_status')!,
      /^Gauge of if the reporting system is master/,
    );
    // The first holder a process sees is not a transition.
    assert.equal(value(textA, 'leader_election_transitions_total') ?? 0, 0);
    assert.equal(value(textB, 'leader_election_transitions_total') ?? 0, 0);
    const since = value(textA, 'leader_election_seconds_since_last_renew')!;
    assert.ok(since >= 0 && since < TIMING.renewDeadline / 1000, `seconds since renew ${since}`);
    assert.equal(value(textB, 'leader_election_seconds_since_last_renew'), undefined);
    assert.equal(value(textA, 'leader_election_slowpath_total') ?? 0, 0, 'fast path so far');

    // Force one fast-path failure: the next update from a is answered 409 Conflict.
    const slowBefore = value(textA, 'leader_election_slowpath_total') ?? 0;
    const conflictsBefore = value(textA, 'leader_election_conflicts_total') ?? 0;
    const fault = server.fault(
      { kind: 'error', code: 409 },
      { match: { token: 'metrics-a', verb: 'update' }, times: 1 },
    );
    try {
      await waitFor('the slow path after the 409', async () => {
        const slow = value(await a.scrape(), 'leader_election_slowpath_total') ?? 0;
        return slow > slowBefore;
      });
    } finally {
      fault.clear();
    }
    textA = await a.scrape();
    assert.equal(value(textA, 'leader_election_slowpath_total'), slowBefore + 1);
    assert.equal(value(textA, 'leader_election_conflicts_total'), conflictsBefore + 1);
    assert.equal(value(textA, 'leader_election_master_status'), 1, 'still the leader');

    // Hand over: a releases, b takes the lease at once.
    await a.elector.stop({ release: true });
    await waitFor('b to lead', () => b.elector.isLeader());
    textA = await a.scrape();
    textB = await b.scrape();
    assert.equal(value(textA, 'leader_election_master_status'), 0);
    assert.equal(value(textB, 'leader_election_master_status'), 1);
    assert.ok(value(textB, 'leader_election_seconds_since_last_renew')! >= 0);
    assert.ok(value(textB, 'leader_election_transitions_total')! >= 1, 'b saw the holder change');
  });
});
