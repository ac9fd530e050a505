/**
 * Errors a lock raises, already classified, so the elector never looks at HTTP details.
 * Locks map API statuses once (404 → NotFound, 409 Conflict / AlreadyExists, …) and keep the
 * original error as `cause`.
 */
export type LockErrorReason =
  | 'NotFound'
  | 'Conflict'
  | 'AlreadyExists'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Invalid'
  | 'Timeout'
  | 'Unavailable'
  | 'Unknown';

export class LockError extends Error {
  override readonly name = 'LockError';
  constructor(
    readonly reason: LockErrorReason,
    message: string,
    /** HTTP status when the API answered; undefined for network errors and timeouts. */
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isNotFound = (err: unknown): boolean =>
  err instanceof LockError && err.reason === 'NotFound';
/** client-go's IsConflict: reason Conflict (a 409 AlreadyExists is not a conflict). */
export const isConflict = (err: unknown): boolean =>
  err instanceof LockError && err.reason === 'Conflict';
export const isAlreadyExists = (err: unknown): boolean =>
  err instanceof LockError && err.reason === 'AlreadyExists';

/** Thrown by `new LeaderElector()` for an invalid configuration. */
export class LeaderElectionConfigError extends Error {
  override readonly name = 'LeaderElectionConfigError';
  constructor(
    /** The option at fault, e.g. `leaseDuration`. */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}
