import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { metrics } from '@opentelemetry/api';
import type { Clock } from '../../../lib/core/clock.js';
import { createOpenTelemetryMetrics } from '../../../lib/core/metrics/otel-metrics.js';
import { METER_NAME, METER_VERSION } from '../../../lib/core/metrics/metrics.constants.js';
import {
  helpText,
  parsePrometheus,
  sampleValue,
  startPrometheusScrape,
  typeOf,
  type PrometheusScrapeTarget,
} from '../../integration/ops/prometheus-scrape.js';

/** A clock whose time only moves when the test says so. */
function manualClock(start = 1_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    wallNow: () => new Date(0),
    setTimer: () => () => undefined,
    advance(ms) {
      now += ms;
    },
  };
}

/** The repository root: the nearest ancestor of this file holding package.json. */
function repoRoot(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 10; i++) {
    try {
      readFileSync(new URL('package.json', dir));
      return dir.pathname;
    } catch {
      dir = new URL('..', dir);
    }
  }
  throw new Error('package.json not found above ' + import.meta.url);
}

// client-go's texts, written out here (not imported) so a typo in the constants fails the test.
const CLIENT_GO_MASTER_HELP =
  "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.";
const CLIENT_GO_SLOWPATH_HELP =
  "Total number of slow path exercised in renewing leader leases. 'name' is the string used to identify the lease. Please make sure to group by name.";

describe('createOpenTelemetryMetrics', () => {
  let target: PrometheusScrapeTarget | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
    metrics.disable();
  });

  it("exposes client-go's master_status and slowpath_total with client-go's names, help texts and name label", async () => {
    target = await startPrometheusScrape();
    const m = createOpenTelemetryMetrics(target.meter, { clock: manualClock() });
    m.off('jobs');
    m.on('billing');
    m.slowpathExercised('billing');
    m.slowpathExercised('billing');
    m.slowpathExercised('jobs');

    const text = await target.scrape();
    assert.equal(typeOf(text, 'leader_election_master_status'), 'gauge');
    assert.equal(helpText(text, 'leader_election_master_status'), CLIENT_GO_MASTER_HELP);
    assert.equal(typeOf(text, 'leader_election_slowpath_total'), 'counter');
    assert.equal(helpText(text, 'leader_election_slowpath_total'), CLIENT_GO_SLOWPATH_HELP);
    assert.equal(sampleValue(text, 'leader_election_master_status', { name: 'billing' }), 1);
    assert.equal(sampleValue(text, 'leader_election_master_status', { name: 'jobs' }), 0);
    assert.equal(sampleValue(text, 'leader_election_slowpath_total', { name: 'billing' }), 2);
    assert.equal(sampleValue(text, 'leader_election_slowpath_total', { name: 'jobs' }), 1);
    // No `_total_total`, no unit suffixes: the names are exactly client-go's.
    const names = new Set(parsePrometheus(text).map((s) => s.name));
    assert.deepEqual(
      [...names].filter((n) => n.includes('master') || n.includes('slowpath')).sort(),
      ['leader_election_master_status', 'leader_election_slowpath_total'],
    );
    m.dispose();
  });

  it('the gauge follows on/off', async () => {
    target = await startPrometheusScrape();
    const m = createOpenTelemetryMetrics(target.meter);
    m.on('a');
    assert.equal(
      sampleValue(await target.scrape(), 'leader_election_master_status', { name: 'a' }),
      1,
    );
    m.off('a');
    assert.equal(
      sampleValue(await target.scrape(), 'leader_election_master_status', { name: 'a' }),
      0,
    );
    m.dispose();
  });

  it('counts transitions and conflicts, and records renew latency in seconds', async () => {
    target = await startPrometheusScrape();
    const m = createOpenTelemetryMetrics(target.meter);
    m.transition('a');
    m.transition('a');
    m.transition('a');
    m.conflict('a');
    m.renewLatency('a', 30);
    m.renewLatency('a', 700);
    m.renewLatency('a', Number.NaN); // ignored: a broken measurement must not poison the sum
    m.renewLatency('a', -5); // ignored

    const text = await target.scrape();
    assert.equal(typeOf(text, 'leader_election_transitions_total'), 'counter');
    assert.equal(sampleValue(text, 'leader_election_transitions_total', { name: 'a' }), 3);
    assert.equal(typeOf(text, 'leader_election_conflicts_total'), 'counter');
    assert.equal(sampleValue(text, 'leader_election_conflicts_total', { name: 'a' }), 1);
    assert.equal(typeOf(text, 'leader_election_renew_duration_seconds'), 'histogram');
    const h = 'leader_election_renew_duration_seconds';
    assert.equal(sampleValue(text, `${h}_count`, { name: 'a' }), 2);
    assert.ok(Math.abs(sampleValue(text, `${h}_sum`, { name: 'a' })! - 0.73) < 1e-9);
    assert.equal(sampleValue(text, `${h}_bucket`, { name: 'a', le: '0.025' }), 0);
    assert.equal(sampleValue(text, `${h}_bucket`, { name: 'a', le: '0.05' }), 1);
    assert.equal(sampleValue(text, `${h}_bucket`, { name: 'a', le: '0.5' }), 1);
    assert.equal(sampleValue(text, `${h}_bucket`, { name: 'a', le: '1' }), 2);
    assert.equal(sampleValue(text, `${h}_bucket`, { name: 'a', le: '10' }), 2);
    assert.equal(sampleValue(text, `${h}_bucket`, { name: 'a', le: '+Inf' }), 2);
    m.dispose();
  });

  it('computes seconds since the last renew from the injected clock at scrape time', async () => {
    target = await startPrometheusScrape();
    const clock = manualClock(50_000);
    const m = createOpenTelemetryMetrics(target.meter, { clock });
    const g = 'leader_election_seconds_since_last_renew';

    let text = await target.scrape();
    assert.equal(sampleValue(text, g, { name: 'a' }), undefined, 'absent before the first renew');

    m.renewed('a', clock.now());
    clock.advance(2_500);
    text = await target.scrape();
    assert.equal(typeOf(text, g), 'gauge');
    assert.equal(sampleValue(text, g, { name: 'a' }), 2.5);

    clock.advance(1_000);
    m.renewed('a', clock.now());
    clock.advance(250);
    assert.equal(sampleValue(await target.scrape(), g, { name: 'a' }), 0.25);
    m.dispose();
  });

  it('is a no-op without a MeterProvider and binds to one registered later', async () => {
    metrics.disable();
    const m = createOpenTelemetryMetrics();
    // Nothing configured: every hook is callable and records nowhere.
    m.on('late');
    m.slowpathExercised('late');
    m.transition('late');
    m.conflict('late');
    m.renewLatency('late', 5);
    m.renewed('late', 0);

    target = await startPrometheusScrape({ registerGlobal: true });
    m.slowpathExercised('late');
    const text = await target.scrape();
    // Only the increment made after registration is counted; the gauge state survived.
    assert.equal(sampleValue(text, 'leader_election_slowpath_total', { name: 'late' }), 1);
    assert.equal(sampleValue(text, 'leader_election_master_status', { name: 'late' }), 1);
    assert.match(text, new RegExp(`otel_scope_name="${METER_NAME}"`));
    assert.match(text, new RegExp(`otel_scope_version="${METER_VERSION.replaceAll('.', '\\.')}"`));
    m.dispose();
  });

  it('dispose() detaches the gauge callbacks and makes the hooks inert', async () => {
    target = await startPrometheusScrape();
    const clock = manualClock();
    const m = createOpenTelemetryMetrics(target.meter, { clock });
    m.on('gone');
    m.renewed('gone', clock.now());
    clock.advance(1_000);
    let text = await target.scrape();
    assert.equal(sampleValue(text, 'leader_election_master_status', { name: 'gone' }), 1);
    assert.equal(
      sampleValue(text, 'leader_election_seconds_since_last_renew', { name: 'gone' }),
      1,
    );
    m.dispose();
    m.off('gone');
    m.slowpathExercised('gone');
    clock.advance(5_000);
    text = await target.scrape();
    // The SDK keeps exporting the last observed values (cumulative), but nothing moves any more.
    assert.notEqual(sampleValue(text, 'leader_election_master_status', { name: 'gone' }), 0);
    assert.notEqual(
      sampleValue(text, 'leader_election_seconds_since_last_renew', { name: 'gone' }),
      6,
    );
    assert.equal(sampleValue(text, 'leader_election_slowpath_total', { name: 'gone' }), undefined);
    // A new instance on the same meter takes over the same series without duplicates.
    const again = createOpenTelemetryMetrics(target.meter, { clock });
    again.off('gone');
    text = await target.scrape();
    assert.equal(sampleValue(text, 'leader_election_master_status', { name: 'gone' }), 0);
    again.dispose();
  });

  it('METER_VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(`${repoRoot()}/package.json`, 'utf8')) as {
      name: string;
      version: string;
    };
    assert.equal(METER_VERSION, pkg.version);
    assert.equal(METER_NAME, pkg.name);
  });
});
