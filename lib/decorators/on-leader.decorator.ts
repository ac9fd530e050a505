import { createGateDecorator } from './gate.decorator-factory.js';

/**
 * Runs the method only if this replica leads `election` at call time; otherwise the call is
 * skipped (debug log) and returns `undefined`. Leadership is judged at call time with the
 * monotonic rule of `LeaderElectionService.isLeader()`, so a replica whose renewals hang stops
 * running the method on time even if no timer fired.
 *
 * Works on sync and async methods, above or below `@Cron()`, `@Interval()` and `@Timeout()` of
 * `@nestjs/schedule`. The instance must be created by Nest in an application that imports
 * `LeaderElectionModule` (calls on other instances are skipped with a warning).
 *
 * An async method's promise is tracked until it settles: on shutdown or hand-over, the leader
 * waits up to `drainTimeout` for running invocations before it releases the lease.
 *
 * @param election the election's name. @default the first registered election
 * @example
 * ```ts
 * @Cron(CronExpression.EVERY_MINUTE)
 * @OnLeader()
 * async sendInvoices() { ... }
 * ```
 * @publicApi
 */
export function OnLeader(election?: string): MethodDecorator {
  return createGateDecorator('leader', 'OnLeader', election);
}
