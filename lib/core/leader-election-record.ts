/**
 * The lock's content, as client-go's `resourcelock.LeaderElectionRecord`.
 * Field names are the JSON names client-go writes into the annotation of ConfigMap/Endpoints
 * locks; the Lease lock maps them onto `Lease.spec` (`leaderTransitions` ↔ `leaseTransitions`).
 */
export interface LeaderElectionRecord {
  /** Who holds the lock; `''` means free (after a release, or never held). */
  holderIdentity: string;
  /** How long others must wait after they last saw the record change, in whole seconds. */
  leaseDurationSeconds: number;
  /** When the current holder acquired it (informational; never compared with a local clock). */
  acquireTime: Date | null;
  /** When the holder last renewed (informational; never compared with a local clock). */
  renewTime: Date | null;
  /** Number of holder changes; the fencing token of a term. */
  leaderTransitions: number;
  /** Coordinated-election strategy (`spec.strategy`), if any. */
  strategy?: string;
  /** Coordinated-election preferred holder (`spec.preferredHolder`), if any. */
  preferredHolder?: string;
}
