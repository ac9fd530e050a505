import { Injectable } from '@nestjs/common';
import { LeaderElectionService } from '../leader-election.service.js';
import type {
  LeaderElectionHealthDetails,
  LeaderElectionHealthResult,
} from '../interfaces/leader-election-health.interface.js';

/**
 * Health of the leader election, for `@nestjs/terminus`'s `HealthCheckService`:
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.election.isHealthy()]); }
 * ```
 *
 * It returns the shape terminus 12's `HealthIndicatorService` builds
 * (`{ [key]: { status: 'up' | 'down', ...details } }`) without importing terminus, so terminus
 * stays an optional peer dependency.
 *
 * @publicApi
 */
@Injectable()
export class LeaderElectionHealthIndicator {
  constructor(private readonly leaderElection: LeaderElectionService) {}

  /**
   * Liveness, with client-go's watchdog rule: down when this replica holds the lease but has
   * not renewed it for `leaseDuration + healthTolerance`, or when the elector stopped
   * unexpectedly. A follower is up even when the API server is unreachable (restarting it would
   * not help; `reason` says what is wrong), as client-go's `Check` is for hot standbys.
   *
   * @param key the key in the health check result. @default 'leaderElection'
   * @param election the election's name. @default the first registered election
   */
  isHealthy<Key extends string = 'leaderElection'>(
    key: Key = 'leaderElection' as Key,
    election?: string,
  ): LeaderElectionHealthResult<Key> {
    const elector = this.leaderElection.getElector(election);
    const settings = this.leaderElection.getSettings(election);
    const details = this.describe(election);
    const failure = elector.check(settings.healthTolerance);
    if (failure) return result(key, 'down', { ...details, reason: failure.message });
    const status = elector.status();
    if (status === 'idle') details.reason = 'the elector has not been started';
    else if (status === 'stopped' || status === 'stopping')
      details.reason = 'the elector was stopped';
    else {
      const lastError = elector.lastError();
      if (lastError && !details.leader) details.reason = lastError.message;
    }
    return result(key, 'up', details);
  }

  /**
   * Readiness for leader-only Services: up only while this replica leads.
   *
   * @param key the key in the health check result. @default 'leader'
   * @param election the election's name. @default the first registered election
   */
  isLeader<Key extends string = 'leader'>(
    key: Key = 'leader' as Key,
    election?: string,
  ): LeaderElectionHealthResult<Key> {
    const details = this.describe(election);
    if (details.leader) return result(key, 'up', details);
    return result(key, 'down', { ...details, reason: 'this replica is not the leader' });
  }

  private describe(election: string | undefined): LeaderElectionHealthDetails {
    const elector = this.leaderElection.getElector(election);
    const details: LeaderElectionHealthDetails = {
      election: this.leaderElection.resolveElectionName(election),
      leader: elector.isLeader(),
      identity: elector.identity,
      holder: elector.getLeader() || null,
    };
    const lastRenewAt = elector.lastRenewAt();
    if (lastRenewAt !== undefined) {
      details.lastRenewAgoMs = Math.max(0, Math.round(performance.now() - lastRenewAt));
    }
    return details;
  }
}

function result<Key extends string>(
  key: Key,
  status: 'up' | 'down',
  details: LeaderElectionHealthDetails,
): LeaderElectionHealthResult<Key> {
  return { [key]: { ...details, status } } as LeaderElectionHealthResult<Key>;
}
