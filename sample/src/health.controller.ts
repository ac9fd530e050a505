import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { LeaderElectionHealthIndicator } from '../../lib/index.js';
import { SampleConfig } from './sample.config.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly election: LeaderElectionHealthIndicator,
    private readonly config: SampleConfig,
  ) {}

  /**
   * Liveness: down only when this replica holds the lease but stopped renewing it (or the elector
   * died), so the kubelet restarts a stuck leader. A follower that cannot reach the API server
   * stays up: restarting it would not help.
   */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.election.isHealthy()]);
  }

  /**
   * Readiness. READINESS=all (default): every healthy replica takes traffic. READINESS=leader:
   * only the leader is ready, for a Service that must reach the leader alone. Leader-only
   * readiness blocks a Deployment's rolling update (new pods never become ready), so use it only
   * on a second Deployment or with maxUnavailable set accordingly.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      this.config.readiness === 'leader'
        ? () => this.election.isLeader()
        : () => this.election.isHealthy(),
    ]);
  }
}
