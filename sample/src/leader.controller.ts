import { Controller, Get } from '@nestjs/common';
import { LeaderElectionService } from '../../lib/index.js';

/** What `GET /leader` answers on every replica. */
export interface LeaderStatus {
  /** This replica's identity in the election. */
  identity: string;
  /** The holder this replica last observed, or null when none is known (or the lease is free). */
  leader: string | null;
  /** Whether this replica leads right now. */
  isLeader: boolean;
  /** The lease's transition count for the current term, while this replica leads. */
  fencingToken: number | null;
}

@Controller('leader')
export class LeaderController {
  constructor(private readonly election: LeaderElectionService) {}

  @Get()
  status(): LeaderStatus {
    return {
      identity: this.election.identity,
      leader: this.election.getLeader() || null,
      isLeader: this.election.isLeader(),
      fencingToken: this.election.fencingToken() ?? null,
    };
  }
}
