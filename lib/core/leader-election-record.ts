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

/**
 * A deep copy (dates included) that drops empty `strategy`/`preferredHolder`, so callers can
 * keep a record without sharing it with the lock or the user.
 */
export function copyRecord(record: LeaderElectionRecord): LeaderElectionRecord {
  const copy: LeaderElectionRecord = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: record.acquireTime ? new Date(record.acquireTime.getTime()) : null,
    renewTime: record.renewTime ? new Date(record.renewTime.getTime()) : null,
    leaderTransitions: record.leaderTransitions,
  };
  if (record.strategy) copy.strategy = record.strategy;
  if (record.preferredHolder) copy.preferredHolder = record.preferredHolder;
  return copy;
}
