import { HttpException, HttpStatus } from '@nestjs/common';
import { NOT_LEADER_MESSAGE } from '../leader-election.constants.js';

/** The JSON body of a 503 from `LeaderGuard`. @publicApi */
export interface NotLeaderResponseBody {
  statusCode: 503;
  message: typeof NOT_LEADER_MESSAGE;
  /** The last observed leader, or null when none is known. */
  leader: string | null;
}

/**
 * Thrown by `LeaderGuard` on a follower: HTTP 503 with
 * `{ statusCode: 503, message: 'This replica is not the leader', leader }`.
 *
 * @publicApi
 */
export class NotLeaderException extends HttpException {
  constructor(
    /** The last observed leader, or null when none is known. */
    readonly leader: string | null,
    options?: { cause?: unknown },
  ) {
    const body: NotLeaderResponseBody = {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      message: NOT_LEADER_MESSAGE,
      leader,
    };
    super(body, HttpStatus.SERVICE_UNAVAILABLE, options);
  }
}
