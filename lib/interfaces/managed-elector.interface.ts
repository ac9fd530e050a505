import type { LeaderElectionRecord } from '../core/leader-election-record.js';
import type { LeaderCallbacks, LeaderElectorStatus } from '../core/leader-elector.config.js';
import type { LeaderElectionLogger } from '../core/logger.js';
import type { LeaderElectionInFlightTracker } from '../leader-election-in-flight.tracker.js';
import type { LeaderElectionSettings } from './leader-election-settings.interface.js';

/**
 * @internal
 * What `LeaderElectionService` needs from an elector: the core `LeaderElector` satisfies it,
 * and so does the testing module's controllable elector.
 */
export interface ManagedElector {
  readonly identity: string;
  start(): void | Promise<void>;
  stop(options?: { release?: boolean }): Promise<void>;
  /** Ends the term on purpose so another candidate leads; false when not leading. */
  handOver(identity?: string): Promise<boolean>;
  isLeader(): boolean;
  getLeader(): string | undefined;
  getRecord(): LeaderElectionRecord | undefined;
  fencingToken(): number | undefined;
  leadershipSignal(): AbortSignal;
  whenLeader(signal?: AbortSignal): Promise<void>;
  status(): LeaderElectorStatus;
  lastError(): Error | undefined;
  /** Monotonic time (`performance.now()`) of the last successful acquire/renew. */
  lastRenewAt(): number | undefined;
  check(toleranceMs: number): Error | undefined;
}

/**
 * @internal
 * One election as a forRoot/forRootAsync (or testing) registration hands it to the service.
 * Validation and elector creation are deferred to `createElector`, which the service calls in
 * `onModuleInit` so that bad options make `app.init()` reject.
 */
export interface ElectionRegistration {
  /** Order of registration (forRoot call order); the lowest is the default election. */
  readonly order: number;
  /** Validates the options and returns the election's name (called before createElector). */
  resolveName(): string;
  createElector(
    callbacks: LeaderCallbacks,
    logger: LeaderElectionLogger,
    inFlight?: LeaderElectionInFlightTracker,
  ): ElectionSetup;
}

/** @internal */
export interface ElectionSetup {
  elector: ManagedElector;
  /** Resolved settings the guard and the health indicator need. */
  settings: LeaderElectionSettings;
  /**
   * The start-up checks (namespace, identity, RBAC), run once when the election first starts,
   * never awaited by the start. Resolves (never rejects) when done or when `signal` aborted.
   */
  preflight?: (signal: AbortSignal) => Promise<unknown>;
  /** Frees what the election owns beyond the elector (metrics callbacks), after it stopped. */
  dispose?: () => void;
}
