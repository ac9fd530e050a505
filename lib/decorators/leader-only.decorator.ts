import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { LEADER_ONLY_METADATA } from '../leader-election.constants.js';
import { LeaderGuard } from '../guards/leader.guard.js';

/** @internal What `@LeaderOnly()` stores for `LeaderGuard`. */
export interface LeaderOnlyMetadata {
  election?: string;
}

/**
 * Makes a route (method) or every route of a controller (class) answer only on the leader of
 * `election`: applies `LeaderGuard`, which answers 503 with `Retry-After` on followers. A
 * method's `@LeaderOnly()` overrides its controller's.
 *
 * @param election the election's name. @default the first registered election
 * @publicApi
 */
export function LeaderOnly(election?: string): MethodDecorator & ClassDecorator {
  const metadata: LeaderOnlyMetadata = { election };
  return applyDecorators(SetMetadata(LEADER_ONLY_METADATA, metadata), UseGuards(LeaderGuard));
}
