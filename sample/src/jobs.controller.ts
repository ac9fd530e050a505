import { Controller, Get } from '@nestjs/common';
import { LeaderOnly } from '../../lib/index.js';
import { LeaderJobsService, type LeaderJobStats } from './leader-jobs.service.js';

@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: LeaderJobsService) {}

  /** Only the leader runs the job, so only the leader can answer; followers reply 503 + Retry-After. */
  @Get('stats')
  @LeaderOnly()
  stats(): LeaderJobStats {
    return this.jobs.stats();
  }
}
