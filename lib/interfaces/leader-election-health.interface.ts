/**
 * The shape of `@nestjs/terminus`'s `HealthIndicatorResult` (`{ [key]: { status, ...details } }`),
 * declared here so the indicator needs no import from the optional terminus package.
 *
 * @publicApi
 */
export type LeaderElectionHealthResult<Key extends string = string> = Record<
  Key,
  LeaderElectionHealthDetails & { status: 'up' | 'down' }
>;

/** Details reported by `LeaderElectionHealthIndicator`. @publicApi */
export interface LeaderElectionHealthDetails {
  /** The election's name. */
  election: string;
  /** Whether this replica leads right now (call-time rule). */
  leader: boolean;
  /** This replica's identity. */
  identity: string;
  /** The last observed holder, or null when none is known. */
  holder: string | null;
  /** Milliseconds since the last successful acquire/renew, when this replica ever led. */
  lastRenewAgoMs?: number;
  /** Why the indicator is down, or what is wrong while it stays up (e.g. the API is unreachable). */
  reason?: string;
}
