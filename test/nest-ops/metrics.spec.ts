/*
 * Metrics of real Nest applications, scraped over HTTP as Prometheus would, against
 * KubeApiTestServer. Replica a uses the default (OpenTelemetry's global API; the test registers
 * a global MeterProvider with a Prometheus exporter first, as an application's main.ts would),
 * replica b passes its own `createOpenTelemetryMetrics(meter)` on a second provider (as a
 * second process would have its own), and replica c turns metrics off.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenTelemetryMetrics, type LeaderElectionModuleOptions } from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import {
  parsePrometheus,
  sampleValue,
  startPrometheusScrape,
  type PrometheusScrapeTarget,
} from '../integration/ops/prometheus-scrape.js';
import { bootOpsApp, CaptureLogger, sleep, waitFor, type OpsApp } from './fixtures/ops-app.js';

const ELECTION = 'nest-metrics';
const DISABLED = 'nest-metrics-off';
const TIMING = { leaseDuration: 4000, renewDeadline: 3000, retryPeriod: 500 };
const MASTER = 'leader_election_master_status';
const SINCE_RENEW = 'leader_election_seconds_since_last_renew';

describe('metrics of real Nest apps, scraped', () => {
  const server = new KubeApiTestServer();
  const logger = new CaptureLogger();
  const apps: OpsApp[] = [];
  let global: PrometheusScrapeTarget;
  let own: PrometheusScrapeTarget;
  let bMetrics: ReturnType<typeof createOpenTelemetryMetrics> | undefined;

  const options = (
    name: string,
    replica: string,
    extra: Partial<LeaderElectionModuleOptions> = {},
  ): LeaderElectionModuleOptions => ({
    name,
    namespace: 'default',
    identity: `${replica}_7c9e6679`,
    kubeConfig: server.kubeConfig(`token-metrics-${replica}`),
    preflight: false,
    ...TIMING,
    ...extra,
  });
  const boot = async (opts: LeaderElectionModuleOptions) => {
    const app = await bootOpsApp(opts, logger);
    apps.push(app);
    return app;
  };
  const value = (text: string, metric: string, name = ELECTION) =>
    sampleValue(text, metric, { name });

  before(async () => {
    await server.start();
    global = await startPrometheusScrape({ registerGlobal: true });
    own = await startPrometheusScrape();
  });
  after(async () => {
    for (const app of apps) await app.close();
    bMetrics?.dispose();
    await own?.close();
    await global?.close();
    await server.stop();
  });

  it('leader 1, follower 0, after a hand-over the other way round; metrics: false reports nothing', async () => {
    const a = await boot(options(ELECTION, 'a'));
    await waitFor(() => a.election.isLeader(), 5000, 'a to lead');
    bMetrics = createOpenTelemetryMetrics(own.meter);
    const b = await boot(options(ELECTION, 'b', { metrics: bMetrics }));
    await waitFor(() => b.election.getLeader() === a.identity, 5000, 'b to see a lead');
    const c = await boot(options(DISABLED, 'c', { metrics: false }));
    await waitFor(() => c.election.isLeader(), 5000, 'c to lead its own election');

    let textA = await global.scrape();
    let textB = await own.scrape();
    assert.equal(value(textA, MASTER), 1, 'a leads');
    assert.equal(value(textB, MASTER), 0, 'b follows');
    const since = value(textA, SINCE_RENEW);
    assert.ok(since !== undefined && since >= 0 && since < TIMING.renewDeadline / 1000, `${since}`);
    assert.equal(value(textB, SINCE_RENEW), undefined, 'b never renewed');
    // c leads its election but records nothing, on neither provider.
    for (const text of [textA, textB]) {
      assert.deepEqual(
        parsePrometheus(text).filter((s) => s.labels['name'] === DISABLED),
        [],
      );
    }

    await a.election.stop({ release: true });
    await waitFor(() => b.election.isLeader(), 5000, 'b to take over');
    textA = await global.scrape();
    textB = await own.scrape();
    assert.equal(value(textA, MASTER), 0, 'a stopped leading');
    assert.equal(value(textB, MASTER), 1, 'b leads');
    assert.ok((value(textB, 'leader_election_transitions_total') ?? 0) >= 1, 'b saw a transition');
    assert.ok(value(textB, SINCE_RENEW) !== undefined, 'b renewed');
  });

  it('app.close() disposes of the default metrics (the gauge callback is detached)', async () => {
    const a = apps[0]!;
    // Stopped but not closed: the callback still computes seconds since a's last renew.
    const first = value(await global.scrape(), SINCE_RENEW)!;
    await sleep(300);
    const second = value(await global.scrape(), SINCE_RENEW)!;
    assert.ok(second - first >= 0.25, `grows while attached: ${first} -> ${second}`);

    await a.close();
    const third = value(await global.scrape(), SINCE_RENEW);
    await sleep(300);
    const fourth = value(await global.scrape(), SINCE_RENEW);
    // The SDK keeps exporting the last value it collected; no callback updates it any more.
    assert.equal(fourth, third, 'frozen after close');
  });
});
