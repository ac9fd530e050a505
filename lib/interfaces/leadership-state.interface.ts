/**
 * One election's state, as `LeaderElectionService.leadership$` emits it.
 *
 * @publicApi
 */
export interface LeadershipState {
  /** The election's name. */
  name: string;
  /** Whether this replica is leading (it turns false as the term ends, before the release). */
  leading: boolean;
  /** This replica's identity. */
  identity: string;
  /** The last observed holder; undefined when none is known or the lease is free. */
  leader?: string;
  /** The current term's fencing token (the lease's `leaderTransitions`) while leading. */
  fencingToken?: number;
}
