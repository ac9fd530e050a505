import type { KubeApiTestServer } from '../../lib/testing/index.js';
import type { Durations } from './bench-config.js';
import type { Mode } from './bench-results.types.js';

/** The child entry point that runs one elector (crash takeover, cold start). */
export const ELECTOR_REPLICA_SCRIPT = new URL('./elector-replica.child.js', import.meta.url);
/** The child entry point that holds N idle elections (CPU / RSS). */
export const IDLE_ELECTIONS_SCRIPT = new URL('./idle-elections.child.js', import.meta.url);
/** The idle section's control: a leader process's API traffic made with no elector. */
export const CLIENT_NODE_FLOOR_SCRIPT = new URL('./client-node-floor.child.js', import.meta.url);

/** Upper bound on any bench child's life; the bench itself finishes well within it. */
export const CHILD_MAX_LIFETIME_MS = 15 * 60_000;

export interface ReplicaSpec {
  server: KubeApiTestServer;
  token: string;
  lease: string;
  namespace: string;
  identity: string;
  mode: Mode;
  durations: Durations;
}

export function electorReplicaEnv(spec: ReplicaSpec): Record<string, string> {
  return {
    BENCH_KUBECONFIG_YAML: spec.server.kubeConfigYaml(spec.token),
    BENCH_LEASE: spec.lease,
    BENCH_NAMESPACE: spec.namespace,
    BENCH_IDENTITY: spec.identity,
    BENCH_WATCH: String(spec.mode === 'watch'),
    BENCH_LEASE_DURATION: String(spec.durations.leaseDuration),
    BENCH_RENEW_DEADLINE: String(spec.durations.renewDeadline),
    BENCH_RETRY_PERIOD: String(spec.durations.retryPeriod),
    BENCH_MAX_LIFETIME_MS: String(CHILD_MAX_LIFETIME_MS),
  };
}
