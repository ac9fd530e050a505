/**
 * Names and help texts of the leader-election instruments. The first two are client-go's
 * (k8s.io/component-base and controller-runtime register the same names and texts), so existing
 * dashboards and alerts for Go controllers work unchanged; the others are this library's own.
 */

/** Instrumentation scope name passed to `MeterProvider.getMeter()`. */
export const METER_NAME = 'nestjs-leader-election';

/**
 * Instrumentation scope version. Kept in step with package.json by a unit test, because reading
 * package.json at run time would be I/O in the framework-free core.
 */
export const METER_VERSION = '0.1.0';

/** The only attribute on every instrument: the election's name (client-go's `name` label). */
export const NAME_ATTRIBUTE = 'name';

export const MASTER_STATUS_METRIC = 'leader_election_master_status';
export const MASTER_STATUS_HELP =
  "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.";

export const SLOWPATH_METRIC = 'leader_election_slowpath_total';
export const SLOWPATH_HELP =
  "Total number of slow path exercised in renewing leader leases. 'name' is the string used to identify the lease. Please make sure to group by name.";

export const TRANSITIONS_METRIC = 'leader_election_transitions_total';
export const TRANSITIONS_HELP =
  "Total number of changes of the lease holder this process observed or caused, not counting the first holder it saw. 'name' is the string used to identify the lease.";

export const RENEW_DURATION_METRIC = 'leader_election_renew_duration_seconds';
export const RENEW_DURATION_HELP =
  "Duration in seconds of successful renew rounds of the leader, from the start of the round to the accepted write. 'name' is the string used to identify the lease.";

/**
 * Bucket bounds of the renew histogram, in seconds: Prometheus' defaults, which span a loopback
 * renew (milliseconds) up to client-go's default renewDeadline (10 s).
 */
export const RENEW_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export const CONFLICTS_METRIC = 'leader_election_conflicts_total';
export const CONFLICTS_HELP =
  "Total number of 409 Conflict answers from the API server to writes of the lease (another writer changed it first). 'name' is the string used to identify the lease.";

export const SECONDS_SINCE_RENEW_METRIC = 'leader_election_seconds_since_last_renew';
export const SECONDS_SINCE_RENEW_HELP =
  "Seconds since this process last renewed (or acquired) the lease successfully; absent until the first success. 'name' is the string used to identify the lease.";
