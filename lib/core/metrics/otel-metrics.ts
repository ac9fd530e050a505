import {
  metrics as otelMetrics,
  ValueType,
  type BatchObservableResult,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type ObservableGauge,
} from '@opentelemetry/api';
import { systemClock, type Clock } from '../clock.js';
import type { LeaderElectionMetrics } from '../metrics.js';
import {
  CONFLICTS_HELP,
  CONFLICTS_METRIC,
  MASTER_STATUS_HELP,
  MASTER_STATUS_METRIC,
  METER_NAME,
  METER_VERSION,
  NAME_ATTRIBUTE,
  RENEW_DURATION_BUCKETS,
  RENEW_DURATION_HELP,
  RENEW_DURATION_METRIC,
  SECONDS_SINCE_RENEW_HELP,
  SECONDS_SINCE_RENEW_METRIC,
  SLOWPATH_HELP,
  SLOWPATH_METRIC,
  TRANSITIONS_HELP,
  TRANSITIONS_METRIC,
} from './metrics.constants.js';

/** Options of {@link createOpenTelemetryMetrics}. */
export interface OpenTelemetryMetricsOptions {
  /**
   * The clock the elector uses. `renewed(name, at)` receives `clock.now()`, so "seconds since
   * the last renew" must be computed with the same clock.
   * @default systemClock
   */
  clock?: Clock;
}

/** The metrics hooks backed by OpenTelemetry instruments. */
export interface OpenTelemetryLeaderElectionMetrics extends Required<LeaderElectionMetrics> {
  /**
   * Detaches the gauge callbacks from the meter and makes every hook a no-op, so an application
   * torn down in a long-lived process (tests, hot reload) leaves no callback behind. The SDK may
   * go on exporting the last values it saw (cumulative temporality); a new instance on the same
   * meter takes those series over. Safe to call more than once.
   */
  dispose(): void;
}

interface Instruments {
  meter: Meter;
  masterStatus: ObservableGauge;
  secondsSinceRenew: ObservableGauge;
  slowpath: Counter;
  transitions: Counter;
  conflicts: Counter;
  renewDuration: Histogram;
  observe: (result: BatchObservableResult) => void;
}

/**
 * Leader-election metrics through the OpenTelemetry metrics API:
 *
 * | instrument | kind | unit |
 * |---|---|---|
 * | `leader_election_master_status` | gauge (0/1) | |
 * | `leader_election_slowpath_total` | counter | |
 * | `leader_election_transitions_total` | counter | |
 * | `leader_election_renew_duration_seconds` | histogram | s |
 * | `leader_election_conflicts_total` | counter | |
 * | `leader_election_seconds_since_last_renew` | gauge | s |
 *
 * Every data point carries one attribute, `name` (the election's name), as client-go's do.
 *
 * Without `meter`, instruments come from the global API (`metrics.getMeter('nestjs-leader-election')`),
 * which records nothing until the application registers a `MeterProvider` (for instance the
 * OpenTelemetry SDK with a Prometheus exporter). A provider registered after this call is picked
 * up at the next hook call, because the API hands out no proxy meter that would follow it.
 *
 * @param meter Meter to create the instruments on. @default the global API's meter
 * @example
 * ```ts
 * const metrics = createOpenTelemetryMetrics();
 * const elector = new LeaderElector({ lock, metrics });
 * ```
 */
export function createOpenTelemetryMetrics(
  meter?: Meter,
  options: OpenTelemetryMetricsOptions = {},
): OpenTelemetryLeaderElectionMetrics {
  const clock = options.clock ?? systemClock;
  const masterStatus = new Map<string, 0 | 1>();
  const lastRenewAt = new Map<string, number>();
  let current: Instruments | undefined;
  let boundProvider: MeterProvider | undefined;
  let disposed = false;

  const observe = (result: BatchObservableResult): void => {
    if (!current) return;
    for (const [name, value] of masterStatus) {
      result.observe(current.masterStatus, value, { [NAME_ATTRIBUTE]: name });
    }
    const now = clock.now();
    for (const [name, at] of lastRenewAt) {
      const seconds = Math.max(0, now - at) / 1000;
      result.observe(current.secondsSinceRenew, seconds, { [NAME_ATTRIBUTE]: name });
    }
  };

  const detach = (): void => {
    if (!current) return;
    current.meter.removeBatchObservableCallback(current.observe, [
      current.masterStatus,
      current.secondsSinceRenew,
    ]);
    current = undefined;
  };

  const instruments = (): Instruments | undefined => {
    if (disposed) return undefined;
    if (meter) {
      if (!current) current = createInstruments(meter, observe);
      return current;
    }
    const provider = otelMetrics.getMeterProvider();
    if (provider !== boundProvider) {
      detach();
      boundProvider = provider;
      current = createInstruments(provider.getMeter(METER_NAME, METER_VERSION), observe);
    }
    return current;
  };

  const attributes = (name: string) => ({ [NAME_ATTRIBUTE]: name });

  // Bind at once so that a scrape right after start-up already lists the instruments.
  instruments();

  return {
    on(name) {
      masterStatus.set(name, 1);
      instruments();
    },
    off(name) {
      masterStatus.set(name, 0);
      instruments();
    },
    slowpathExercised(name) {
      instruments()?.slowpath.add(1, attributes(name));
    },
    transition(name) {
      instruments()?.transitions.add(1, attributes(name));
    },
    renewLatency(name, ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      instruments()?.renewDuration.record(ms / 1000, attributes(name));
    },
    conflict(name) {
      instruments()?.conflicts.add(1, attributes(name));
    },
    renewed(name, at) {
      if (!Number.isFinite(at)) return;
      lastRenewAt.set(name, at);
      instruments();
    },
    dispose() {
      detach();
      disposed = true;
      masterStatus.clear();
      lastRenewAt.clear();
    },
  };
}

function createInstruments(
  meter: Meter,
  observe: (result: BatchObservableResult) => void,
): Instruments {
  const masterStatus = meter.createObservableGauge(MASTER_STATUS_METRIC, {
    description: MASTER_STATUS_HELP,
    valueType: ValueType.INT,
  });
  const secondsSinceRenew = meter.createObservableGauge(SECONDS_SINCE_RENEW_METRIC, {
    description: SECONDS_SINCE_RENEW_HELP,
    unit: 's',
    valueType: ValueType.DOUBLE,
  });
  meter.addBatchObservableCallback(observe, [masterStatus, secondsSinceRenew]);
  return {
    meter,
    masterStatus,
    secondsSinceRenew,
    observe,
    slowpath: meter.createCounter(SLOWPATH_METRIC, {
      description: SLOWPATH_HELP,
      valueType: ValueType.INT,
    }),
    transitions: meter.createCounter(TRANSITIONS_METRIC, {
      description: TRANSITIONS_HELP,
      valueType: ValueType.INT,
    }),
    conflicts: meter.createCounter(CONFLICTS_METRIC, {
      description: CONFLICTS_HELP,
      valueType: ValueType.INT,
    }),
    renewDuration: meter.createHistogram(RENEW_DURATION_METRIC, {
      description: RENEW_DURATION_HELP,
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: [...RENEW_DURATION_BUCKETS] },
    }),
  };
}
