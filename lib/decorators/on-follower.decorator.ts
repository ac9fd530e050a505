import { createGateDecorator } from './gate.decorator-factory.js';

/**
 * Runs the method only if the elector of `election` is running and this replica does not lead
 * it at call time; otherwise the call is skipped (debug log) and returns `undefined`.
 * Same rules as `@OnLeader()` otherwise.
 *
 * @param election the election's name. @default the first registered election
 * @publicApi
 */
export function OnFollower(election?: string): MethodDecorator {
  return createGateDecorator('follower', 'OnFollower', election);
}
