/**
 * The logging surface the core needs. Nest's `Logger` satisfies it structurally, and so does
 * `console`. Messages never include tokens or credentials.
 */
export interface LeaderElectionLogger {
  log(message: string, ...optional: unknown[]): void;
  warn(message: string, ...optional: unknown[]): void;
  error(message: string, ...optional: unknown[]): void;
  debug?(message: string, ...optional: unknown[]): void;
  verbose?(message: string, ...optional: unknown[]): void;
}

/** Discards everything; the core's default so that a library never prints unasked. */
export const silentLogger: LeaderElectionLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};
