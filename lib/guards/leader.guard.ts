import { type CanActivate, type ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { LEADER_ONLY_METADATA } from '../leader-election.constants.js';
import { LeaderElectionService } from '../leader-election.service.js';
import { NotLeaderException } from '../exceptions/not-leader.exception.js';
import type { LeaderOnlyMetadata } from '../decorators/leader-only.decorator.js';

/**
 * Lets a request through only on the leader; on a follower it throws `NotLeaderException`
 * (503, body `{ statusCode, message, leader }`) after setting `Retry-After`. It protects
 * wherever it is applied (`@LeaderOnly()` applies it; `@UseGuards(LeaderGuard)` and
 * `APP_GUARD` work too) and uses the election named by the closest `@LeaderOnly(name)`
 * (method, then controller), else the first registered one.
 *
 * Customise it by extending it and overriding the protected methods, like `ThrottlerGuard`.
 *
 * @publicApi
 */
@Injectable()
export class LeaderGuard implements CanActivate {
  constructor(
    protected readonly leaderElection: LeaderElectionService,
    protected readonly reflector: Reflector,
    @Optional() protected readonly httpAdapterHost?: HttpAdapterHost,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.shouldSkip(context)) return true;
    const election = this.getElectionName(context);
    if (this.leaderElection.isLeader(election)) return true;
    return this.throwNotLeaderException(context, this.leaderElection.getLeader(election) ?? null);
  }

  /** Return true to let the request through without a leadership check. @default false */
  protected async shouldSkip(_context: ExecutionContext): Promise<boolean> {
    return false;
  }

  /** The election to check: `@LeaderOnly(name)` on the method, then on the controller. */
  protected getElectionName(context: ExecutionContext): string | undefined {
    const metadata = this.reflector.getAllAndOverride<LeaderOnlyMetadata | undefined>(
      LEADER_ONLY_METADATA,
      [context.getHandler(), context.getClass()],
    );
    return metadata?.election;
  }

  /**
   * Seconds for `Retry-After`: the election's retry period (at least 1 s), the time in which
   * a free or expired lease is taken by some replica, which a load balancer may route to.
   */
  protected getRetryAfter(context: ExecutionContext): number {
    const { retryPeriod } = this.leaderElection.getSettings(this.getElectionName(context));
    return Math.max(1, Math.ceil(retryPeriod / 1000));
  }

  /** Sets `Retry-After` (HTTP only) and throws `NotLeaderException`. */
  protected throwNotLeaderException(context: ExecutionContext, leader: string | null): never {
    const adapter = this.httpAdapterHost?.httpAdapter;
    if (context.getType() === 'http' && adapter) {
      const response: unknown = context.switchToHttp().getResponse();
      adapter.setHeader(response, 'Retry-After', String(this.getRetryAfter(context)));
    }
    throw new NotLeaderException(leader);
  }
}
