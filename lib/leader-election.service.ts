import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { defer, filter, Observable, Subject } from 'rxjs';
import type { LeaderElectionRecord } from './core/leader-election-record.js';
import type { LeaderCallbacks, LeaderElectorStatus } from './core/leader-elector.config.js';
import { sharedAgentCache } from './core/kube/agent-cache.js';
import { LEADER_ELECTION_LOGGER_CONTEXT } from './leader-election.constants.js';
import {
  DUPLICATE_ELECTION,
  NO_ELECTIONS,
  NOT_INITIALIZED,
  PREFLIGHT_FAILED,
  SKIPPED_CALL,
  START_FAILED,
  STOP_FAILED,
  UNKNOWN_ELECTION,
} from './leader-election.messages.js';
import { LeaderElectionExplorer, type ExplorerHost } from './leader-election.explorer.js';
import { LeaderElectionRegistry } from './leader-election.registry.js';
import { unbindGates, type GateBindings } from './leader-election-gate.registry.js';
import type { LeadershipState } from './interfaces/leadership-state.interface.js';
import type { LeaderElectionSettings } from './interfaces/leader-election-settings.interface.js';
import type {
  ElectionRegistration,
  ElectionSetup,
  ManagedElector,
} from './interfaces/managed-elector.interface.js';
import { LeaderElectionInFlightTracker } from './leader-election-in-flight.tracker.js';

interface Election {
  readonly name: string;
  elector: ManagedElector;
  settings: LeaderElectionSettings;
  state: LeadershipState;
  /** Async `@OnLeader()` invocations still running, drained before a release. */
  readonly inFlight: LeaderElectionInFlightTracker;
  setup: ElectionSetup;
  /** The start-up preflight, once started; aborted and awaited on shutdown. */
  preflight?: Promise<unknown>;
  readonly preflightAbort: AbortController;
}

/**
 * This application's view of its leader elections. Every method takes the election's name as
 * its last, optional argument; without it, the first registered election is used.
 *
 * Lifecycle: elections are validated and created in `onModuleInit` (bad options make
 * `app.init()` reject), started in `onApplicationBootstrap` without waiting for the API server
 * (an unreachable server leaves the app booted, as a follower), and stopped in
 * `onModuleDestroy`: leader-only work is told to stop (the leadership signal aborts), running
 * async `@OnLeader()` invocations get up to `drainTimeout` to settle, the lease is released
 * (`releaseOnShutdown`), and then `@OnStoppedLeading` handlers run.
 * `onModuleDestroy` is the earliest teardown hook Nest calls, so leadership ends before the
 * `beforeApplicationShutdown`/`onApplicationShutdown` hooks in which database and queue
 * clients usually close (and before `@nestjs/schedule` stops its timers). The library installs
 * no signal handler: call `app.enableShutdownHooks()` so SIGTERM runs these hooks.
 *
 * @publicApi
 */
@Injectable()
export class LeaderElectionService
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, ExplorerHost
{
  private readonly logger = new Logger(LEADER_ELECTION_LOGGER_CONTEXT);
  private readonly registrations: ElectionRegistration[] = [];
  private readonly elections = new Map<string, Election>();
  private first: Election | undefined;
  private readonly changes = new Subject<LeadershipState>();
  private readonly bindings: GateBindings = { instances: [], prototypes: [] };

  /**
   * State changes of every election (each event names its election). A subscriber first gets
   * the current state of each election, then every change; it completes when the application
   * closes.
   */
  readonly leadership$: Observable<LeadershipState> = new Observable<LeadershipState>(
    (subscriber) => {
      for (const election of this.elections.values()) subscriber.next(election.state);
      return this.changes.subscribe(subscriber);
    },
  );

  constructor(
    private readonly explorer: LeaderElectionExplorer,
    private readonly registry: LeaderElectionRegistry,
  ) {}

  /** @internal Called by each forRoot/forRootAsync (or testing) registration. */
  register(registration: ElectionRegistration): void {
    this.registrations.push(registration);
  }

  /** @internal */
  onModuleInit(): void {
    const registrations = [...this.registrations].sort((a, b) => a.order - b.order);
    if (registrations.length === 0) throw new Error(NO_ELECTIONS());
    try {
      for (const registration of registrations) {
        const name = registration.resolveName();
        if (this.elections.has(name)) throw new Error(DUPLICATE_ELECTION(name));
        const election = {
          name,
          inFlight: new LeaderElectionInFlightTracker(),
          preflightAbort: new AbortController(),
        } as Election;
        const setup = registration.createElector(
          this.callbacksFor(election),
          this.logger,
          election.inFlight,
        );
        election.setup = setup;
        election.elector = setup.elector;
        election.settings = setup.settings;
        election.state = { name, leading: false, identity: setup.elector.identity };
        this.elections.set(name, election);
        this.first ??= election;
      }
      this.explorer.explore(this, this.bindings);
    } catch (error) {
      // app.init() fails: nothing started, but metrics callbacks are already registered.
      for (const election of this.elections.values()) election.setup.dispose?.();
      throw error;
    }
  }

  /** @internal */
  onApplicationBootstrap(): void {
    for (const election of this.elections.values()) {
      if (election.settings.autoStart) this.startElection(election);
    }
  }

  /** @internal */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(
      [...this.elections.values()].map(async (election) => {
        election.preflightAbort.abort();
        await this.stopElection(election, election.settings.releaseOnShutdown);
        await election.preflight;
        election.setup.dispose?.();
      }),
    );
    // Idle keep-alive connections to the API server are unref'd and would close by themselves
    // within 30 s; closing them now means nothing of ours is left open after app.close().
    sharedAgentCache.closeIdle();
    unbindGates(this.bindings, this);
    this.changes.complete();
  }

  /** This replica's identity in the first election. */
  get identity(): string {
    return this.get(undefined, 'identity').elector.identity;
  }

  /** This replica's identity in an election. */
  getIdentity(election?: string): string {
    return this.get(election, 'getIdentity').elector.identity;
  }

  /** The registered elections' names, the default (first) one first. */
  getElectionNames(): string[] {
    return [...this.elections.keys()];
  }

  /**
   * Whether this replica leads, judged now on a monotonic clock: true only while the last
   * successful acquire/renew request started less than `renewDeadline` ago.
   */
  isLeader(election?: string): boolean {
    return this.get(election, 'isLeader').elector.isLeader();
  }

  /** Whether the elector is running and this replica does not lead (what `@OnFollower` runs on). */
  isFollower(election?: string): boolean {
    const { elector } = this.get(election, 'isFollower');
    return elector.status() === 'running' && !elector.isLeader();
  }

  /** The last observed holder, or undefined when none is known (or the lease is free). */
  getLeader(election?: string): string | undefined {
    return this.get(election, 'getLeader').elector.getLeader() || undefined;
  }

  /** The last observed lock record. */
  getRecord(election?: string): LeaderElectionRecord | undefined {
    return this.get(election, 'getRecord').elector.getRecord();
  }

  /** State changes of one election, replaying its current state first. */
  leadershipOf(election?: string): Observable<LeadershipState> {
    return defer(() => {
      const name = this.get(election, 'leadershipOf').name;
      return this.leadership$.pipe(filter((state) => state.name === name));
    });
  }

  /** Aborted when the current term ends; already aborted when this replica does not lead. */
  leadershipSignal(election?: string): AbortSignal {
    return this.get(election, 'leadershipSignal').elector.leadershipSignal();
  }

  /** The lease's `leaderTransitions` for the current term, undefined when not leading. */
  fencingToken(election?: string): number | undefined {
    return this.get(election, 'fencingToken').elector.fencingToken();
  }

  /** The elector's lifecycle state: `idle` (not started), `running`, `stopping`, `stopped`. */
  status(election?: string): LeaderElectorStatus {
    return this.get(election, 'status').elector.status();
  }

  /** The election's settings after defaults. */
  getSettings(election?: string): LeaderElectionSettings {
    return this.get(election, 'getSettings').settings;
  }

  /**
   * Starts competing (done on bootstrap unless `autoStart: false`). Returns at once; failures
   * to reach the API server are retried by the elector and logged.
   */
  start(election?: string): void {
    this.startElection(this.get(election, 'start'));
  }

  /**
   * Stops competing: leader-only work is told to stop, then the lease is released if
   * `release` (default: the election's `releaseOnShutdown`).
   */
  async stop(options: { release?: boolean } = {}, election?: string): Promise<void> {
    const target = this.get(election, 'stop');
    await target.elector.stop({ release: options.release ?? target.settings.releaseOnShutdown });
  }

  /**
   * Hands leadership over without leaving the election: this replica stops leading at once
   * (`@OnLeader` methods are skipped from now on, the leadership signal aborts), running async
   * `@OnLeader()` invocations get up to `drainTimeout` to settle, the lease is released, and
   * `@OnStoppedLeading` handlers run. This replica then competes again, but not for
   * `retryPeriod × 2.2`, so another replica takes over.
   *
   * With `identity` (another replica's `identity`), the release names it as the Lease's
   * `spec.preferredHolder`: that replica takes the lease at once and the others leave it to it
   * for one `leaseDuration`. Without the API server's CoordinatedLeaderElection feature gate (off
   * by default) the server drops `preferredHolder` and any replica may win.
   * @param identity the replica that should lead next. @default any other replica
   * @returns true once the lease was released; false when this replica did not lead (nothing
   *   happens) or the release failed (leadership has ended all the same).
   * @throws TypeError (as a rejection) when `identity` is empty or this replica's own identity.
   */
  async handOver(identity?: string, election?: string): Promise<boolean> {
    return this.get(election, 'handOver').elector.handOver(identity);
  }

  /** Resolves when this replica leads (at once if it does); rejects if `signal` aborts first. */
  whenLeader(signal?: AbortSignal, election?: string): Promise<void> {
    return this.get(election, 'whenLeader').elector.whenLeader(signal);
  }

  /** @internal The elector behind an election (health indicator, testing). */
  getElector(election?: string): ManagedElector {
    return this.get(election, 'getElector').elector;
  }

  /** @internal The registered name for `election`, the first one when undefined; throws if unknown. */
  resolveElectionName(election?: string): string {
    return this.get(election, 'resolveElectionName').name;
  }

  /** @internal An `@OnLeader()` invocation returned a promise: counted until it settles. */
  trackInFlight(result: PromiseLike<unknown>, election?: string): void {
    this.get(election, 'trackInFlight').inFlight.track(result);
  }

  /** @internal A gated call was skipped. */
  onSkipped(decorator: string, className: string, method: string, election?: string): void {
    if (!Logger.isLevelEnabled('debug')) return;
    const name = election ?? this.first?.name ?? '';
    this.logger.debug(SKIPPED_CALL(decorator, className, method, name));
  }

  private get(election: string | undefined, method: string): Election {
    if (election === undefined) {
      if (this.first) return this.first;
    } else {
      const found = this.elections.get(election);
      if (found) return found;
      if (this.first) throw new Error(UNKNOWN_ELECTION(election, this.getElectionNames()));
    }
    throw new Error(NOT_INITIALIZED(method));
  }

  private callbacksFor(election: Election): LeaderCallbacks {
    return {
      onStartedLeading: (context) => {
        this.update(election, {
          leading: true,
          leader: context.identity,
          fencingToken: context.fencingToken,
        });
        // The term ends when its signal aborts; onStoppedLeading comes later (after the
        // release), so leadership$ follows the signal to say "not leading" on time.
        const ended = () => this.update(election, { leading: false, fencingToken: undefined });
        if (context.signal.aborted) ended();
        else context.signal.addEventListener('abort', ended, { once: true });
        return this.registry.invoke('OnStartedLeading', election.name, [context]);
      },
      onStoppedLeading: () => {
        this.update(election, { leading: false, fencingToken: undefined });
        return this.registry.invoke('OnStoppedLeading', election.name, []);
      },
      onNewLeader: (identity) => {
        this.update(election, { leader: identity || undefined });
        if (!identity) return undefined;
        return this.registry.invoke('OnNewLeader', election.name, [identity]);
      },
    };
  }

  private update(election: Election, change: Partial<LeadershipState>): void {
    const merged = { ...election.state, ...change };
    const next: LeadershipState = {
      name: merged.name,
      leading: merged.leading,
      identity: merged.identity,
    };
    if (merged.leader !== undefined) next.leader = merged.leader;
    if (merged.leading && merged.fencingToken !== undefined)
      next.fencingToken = merged.fencingToken;
    const previous = election.state;
    if (
      previous.leading === next.leading &&
      previous.leader === next.leader &&
      previous.fencingToken === next.fencingToken
    ) {
      return;
    }
    election.state = next;
    this.changes.next(next);
  }

  private startElection(election: Election): void {
    const fail = (error: unknown) =>
      this.logger.error(
        START_FAILED(election.name),
        error instanceof Error ? error.stack : String(error),
      );
    try {
      const started = election.elector.start();
      if (started) started.catch(fail);
    } catch (error) {
      fail(error);
    }
    const preflight = election.setup.preflight;
    if (preflight && !election.preflight && !election.preflightAbort.signal.aborted) {
      // Not awaited: the checks only explain problems, they never hold up the election.
      election.preflight = preflight(election.preflightAbort.signal).catch((error: unknown) =>
        this.logger.warn(
          PREFLIGHT_FAILED(election.name),
          error instanceof Error ? error.stack : String(error),
        ),
      );
    }
  }

  private async stopElection(election: Election, release: boolean): Promise<void> {
    try {
      await election.elector.stop({ release });
    } catch (error) {
      this.logger.error(
        STOP_FAILED(election.name),
        error instanceof Error ? error.stack : String(error),
      );
    }
  }
}
