/**
 * Metrics hooks, as client-go's `LeaderMetric` plus what operators asked for. The default is a
 * no-op; `lib/core/otel-metrics.ts` (when present) adapts them to the OpenTelemetry API.
 */
export interface LeaderElectionMetrics {
  /** `leader_election_master_status{name} = 1`. */
  on(name: string): void;
  /** `leader_election_master_status{name} = 0`. */
  off(name: string): void;
  /** `leader_election_slowpath_total{name}++`. */
  slowpathExercised(name: string): void;
  /** A holder change this process observed or caused. */
  transition?(name: string): void;
  /** Duration of one successful renew round, in ms. */
  renewLatency?(name: string, ms: number): void;
  /** A 409 from the API. */
  conflict?(name: string): void;
  /** Monotonic time (clock.now()) of the last successful renew, for "seconds since last renew". */
  renewed?(name: string, at: number): void;
}

export const noopMetrics: LeaderElectionMetrics = {
  on: () => undefined,
  off: () => undefined,
  slowpathExercised: () => undefined,
};
