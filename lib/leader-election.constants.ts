/** Logger context of every Nest-side log line (and of the core elector's, which logs through it). */
export const LEADER_ELECTION_LOGGER_CONTEXT = 'LeaderElection';

/** Method metadata written by `@OnLeader()` / `@OnFollower()` on the wrapper they install. */
export const LEADER_ELECTION_GATE_METADATA = 'LEADER_ELECTION:GATE';
/** Method metadata of `@OnStartedLeading()` (a list: one entry per election). */
export const ON_STARTED_LEADING_METADATA = 'LEADER_ELECTION:ON_STARTED_LEADING';
/** Method metadata of `@OnStoppedLeading()`. */
export const ON_STOPPED_LEADING_METADATA = 'LEADER_ELECTION:ON_STOPPED_LEADING';
/** Method metadata of `@OnNewLeader()`. */
export const ON_NEW_LEADER_METADATA = 'LEADER_ELECTION:ON_NEW_LEADER';
/** Route/controller metadata of `@LeaderOnly()`, read by `LeaderGuard`. */
export const LEADER_ONLY_METADATA = 'LEADER_ELECTION:LEADER_ONLY';

/** Prefix of the per-registration options tokens (`getLeaderElectionOptionsToken`). */
export const LEADER_ELECTION_OPTIONS_PREFIX = 'LEADER_ELECTION:MODULE_OPTIONS';

/** @see LeaderElectionModuleOptions.healthTolerance */
export const DEFAULT_HEALTH_TOLERANCE_MS = 20_000;

/** @see LeaderElectionModuleOptions.drainTimeout */
export const DEFAULT_DRAIN_TIMEOUT_MS = 5000;

/** The response text of `NotLeaderException` (part of the HTTP contract). */
export const NOT_LEADER_MESSAGE = 'This replica is not the leader';
