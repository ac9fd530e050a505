/**
 * An election's settings after defaults were applied (`LeaderElectionService.getSettings()`).
 *
 * @publicApi
 */
export interface LeaderElectionSettings {
  readonly name: string;
  readonly identity: string;
  /** `<namespace>/<name>` of the lock object. */
  readonly lock: string;
  readonly leaseDuration: number;
  readonly renewDeadline: number;
  readonly retryPeriod: number;
  readonly healthTolerance: number;
  readonly releaseOnShutdown: boolean;
  readonly autoStart: boolean;
  /** ms the leader waits for in-flight `@OnLeader()` invocations before releasing (capped at renewDeadline). */
  readonly drainTimeout: number;
}
