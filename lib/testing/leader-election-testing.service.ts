import { Injectable } from '@nestjs/common';
import { TESTING_ELECTION_NOT_READY } from '../leader-election.messages.js';
import { LeaderElectionService } from '../leader-election.service.js';
import { LeaderElectionTestingElector } from './leader-election-testing.elector.js';
import type { LeaderCallbacks } from '../core/leader-elector.config.js';

/**
 * Forces leadership in tests that use `LeaderElectionTestingModule`. Each method fires the same
 * handlers as a real election (`@OnNewLeader`, `@OnStartedLeading`, `@OnStoppedLeading`,
 * `leadership$`) and resolves when they have settled. `election` defaults to the first one.
 *
 * @publicApi
 */
@Injectable()
export class LeaderElectionTestingService {
  private readonly electors = new Map<string, LeaderElectionTestingElector>();

  constructor(private readonly leaderElection: LeaderElectionService) {}

  /** This replica becomes leader: `isLeader()` is true, `@OnLeader` methods run. */
  becomeLeader(election?: string): Promise<void> {
    return this.elector(election).becomeLeader();
  }

  /** This replica stops leading; the lease is left free (or held by `newLeader`). */
  loseLeadership(election?: string, newLeader = ''): Promise<void> {
    return this.elector(election).setHolder(newLeader);
  }

  /**
   * What `LeaderElectionService.handOver(identity)` does here: this replica stops leading and the
   * lease is left free, naming `identity` (if given) as `preferredHolder` in `getRecord()`. No
   * replica takes it by itself: follow with `setLeader(identity)` to play the new leader.
   * Resolves false when this replica was not leading.
   */
  handOver(identity?: string, election?: string): Promise<boolean> {
    return this.leaderElection.handOver(identity, election);
  }

  /** The observed holder becomes `identity` (this replica's own identity makes it leader). */
  setLeader(identity: string, election?: string): Promise<void> {
    return this.elector(election).setHolder(identity);
  }

  /** @internal Used by the testing module's registrations. */
  createElector(
    name: string,
    identity: string,
    leader: boolean,
    callbacks: LeaderCallbacks,
  ): LeaderElectionTestingElector {
    const elector = new LeaderElectionTestingElector(identity, leader, callbacks);
    this.electors.set(name, elector);
    return elector;
  }

  private elector(election: string | undefined): LeaderElectionTestingElector {
    if (this.electors.size === 0) throw new Error(TESTING_ELECTION_NOT_READY(election ?? ''));
    const elector = this.electors.get(this.leaderElection.resolveElectionName(election));
    if (!elector) throw new Error(TESTING_ELECTION_NOT_READY(election ?? ''));
    return elector;
  }
}
