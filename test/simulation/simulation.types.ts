import type { LeaderElectorConfig } from '../../lib/core/leader-elector.config.js';

/** The three durations of an election, in ms (the elector's config). */
export interface ElectionDurations {
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
}

/**
 * Which elector a fault hits: a slot index, every slot, or whoever leads when the fault begins
 * (the fault is skipped when nobody leads then).
 */
export type FaultTarget = number | 'all' | 'leader';

/** Windowed faults are active in virtual time [from, to). */
export type Fault =
  /** A request's round trip (request + response) takes up to `maxLatency` ms instead of ~1 ms. */
  | {
      kind: 'latency';
      from: number;
      to: number;
      target: FaultTarget;
      probability: number;
      /** Round trip in [minLatency ?? 0, maxLatency). */
      minLatency?: number;
      maxLatency: number;
    }
  /** The server answers 500/503/504 without applying the request. */
  | {
      kind: 'errors';
      from: number;
      to: number;
      target: FaultTarget;
      probability: number;
      status: 500 | 503 | 504;
    }
  /** The server answers 409 (Conflict on update, AlreadyExists on create) without applying. */
  | { kind: 'conflicts'; from: number; to: number; target: FaultTarget; probability: number }
  /** The server applies the request but the response never reaches the client. */
  | { kind: 'lost-responses'; from: number; to: number; target: FaultTarget; probability: number }
  /** Requests from the elector never arrive; responses to it are lost; its watches stall or break. */
  | { kind: 'partition'; from: number; to: number; target: Exclude<FaultTarget, 'all'> }
  /** SIGSTOP: nothing of the process runs (timers, responses, events wait); its clocks go on. */
  | { kind: 'pause'; at: number; duration: number; target: Exclude<FaultTarget, 'all'> }
  /** SIGKILL, then a new process after `downtime`. */
  | {
      kind: 'crash';
      at: number;
      downtime: number;
      target: Exclude<FaultTarget, 'all'>;
      newIdentity: boolean;
    }
  /** `stop({ release })`, then a new process `downtime` after stop() resolved. */
  | {
      kind: 'stop';
      at: number;
      downtime: number;
      target: Exclude<FaultTarget, 'all'>;
      release: boolean;
      newIdentity: boolean;
    }
  /** The server ends the watches of the target (with an error, or as a normal close). */
  | { kind: 'watch-drop'; at: number; target: FaultTarget; error: boolean };

export type FaultKind = Fault['kind'];

/** What the harness needs of an elector; `LeaderElector` satisfies it. */
export interface SimElector {
  readonly identity: string;
  start(): void;
  stop(options?: { release?: boolean }): Promise<void>;
  isLeader(): boolean;
  fencingToken(): number | undefined;
  leadershipSignal(): AbortSignal;
  status(): string;
  /** clock.now() at the start of the last successful acquire/renew request (for the lag check). */
  lastRenewAt?(): number | undefined;
}

/** Builds the elector of one simulated process (a broken one, for the harness's self-check). */
export type ElectorFactory = (config: LeaderElectorConfig) => SimElector;

/** How `beforeRelease` behaves: absent, quick, slower than renewDeadline, or never settling. */
export type BeforeReleaseMode = 'none' | 'quick' | 'slow' | 'never';

export interface SimulationConfig {
  seed: number;
  /** Scenario name, for messages. */
  name: string;
  /** Number of elector processes (slots), 2..7. */
  electors: number;
  durations: ElectionDurations;
  /** The elector's `watch` option; the lock always offers `watch` unless `lockWatch` is false. */
  watch: boolean;
  lockWatch: boolean;
  /** Per-slot clock rate: local ms per virtual ms. */
  rates: number[];
  /** Per-slot wall-clock offset in ms (written into records only; never trusted). */
  wallSkews: number[];
  /** Per-slot start time (virtual ms). */
  startAt: number[];
  faults: Fault[];
  /** Virtual time by which every fault has ended (pauses resumed, restarts begun). */
  faultsEnd: number;
  /** How long to keep running after the liveness deadline before the final shutdown. */
  settle: number;
  /** One-way latency of a healthy request, uniform in [min, max] virtual ms. */
  normalLatency: { min: number; max: number };
  /**
   * Share of requests whose lock ignores `options.signal` (answers only when the server does),
   * like a client that cannot abort: the elector must bound them itself. @default 0
   */
  ignoreSignalProbability?: number;
  /** Callbacks throw or reject now and then (the elector must shrug it off). */
  hostileCallbacks: boolean;
  beforeRelease: BeforeReleaseMode;
  /** Negative controls (e.g. drift beyond the bound) disable the liveness check. */
  checkLiveness: boolean;
  electorFactory?: ElectorFactory;
  /** Keep every trace line (else only the last `traceLimit`). */
  verbose: boolean;
  traceLimit: number;
}

export type InvariantName =
  | 'safety'
  | 'work-overlap'
  | 'term-end-lag'
  | 'callbacks'
  | 'fencing'
  | 'transitions'
  | 'liveness'
  | 'stability'
  | 'stop'
  | 'metrics'
  | 'records'
  | 'timers'
  | 'uncaught'
  | 'runaway';

export interface Violation {
  /** Virtual ms. */
  at: number;
  invariant: InvariantName;
  message: string;
}

/** One leadership term as the harness saw it. */
export interface TermLog {
  slot: number;
  process: string;
  identity: string;
  token: number;
  startedAt: number;
  /** First instant the checker saw isLeader() === true in this term. */
  effectiveAt?: number;
  /** When the term's signal was seen aborted / onStoppedLeading ran. */
  endedAt?: number;
}

export interface SimulationStats {
  events: number;
  requests: number;
  writes: number;
  conflicts: number;
  virtualEnd: number;
  firstLeaderAt?: number;
  quietAt?: number;
  livenessDeadline?: number;
  /** First instant after `quietAt` with a leader. */
  leaderAfterQuietAt?: number;
  processes: number;
  /** logger.error calls (hostile callbacks, API errors). */
  errorsLogged: number;
}

export interface SimulationResult {
  seed: number;
  name: string;
  ok: boolean;
  violations: Violation[];
  /** The last lines of the trace (all lines when verbose). */
  trace: string[];
  /** FNV-1a hash of every trace line, to prove a seed replays identically. */
  traceHash: string;
  terms: TermLog[];
  stats: SimulationStats;
  config: SimulationConfig;
}
