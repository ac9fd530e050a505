import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import {
  Cron,
  CronExpression,
  Interval,
  ScheduleModule,
  SchedulerRegistry,
  Timeout,
} from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import FakeTimers from '@sinonjs/fake-timers';
import { OnFollower, OnLeader } from '../../lib/index.js';
import {
  LeaderElectionTestingModule,
  LeaderElectionTestingService,
} from '../../lib/testing/index.js';
import { CaptureLogger } from './fixtures/capture-logger.js';

@Injectable()
class ScheduledJobs {
  readonly runs = {
    intervalBelow: 0,
    intervalAbove: 0,
    cronBelow: 0,
    cronAbove: 0,
    follower: 0,
    timeout: 0,
  };

  // Decorators apply bottom-up: here @OnLeader wraps first and @Interval writes on the wrapper.
  @Interval('interval-below', 1000)
  @OnLeader()
  intervalBelow() {
    this.runs.intervalBelow++;
  }

  // Here @Interval writes on the original method and @OnLeader must carry that metadata over.
  @OnLeader()
  @Interval('interval-above', 1000)
  intervalAbove() {
    this.runs.intervalAbove++;
  }

  @Cron(CronExpression.EVERY_SECOND, { name: 'cron-below' })
  @OnLeader()
  async cronBelow() {
    this.runs.cronBelow++;
  }

  @OnLeader()
  @Cron(CronExpression.EVERY_SECOND, { name: 'cron-above' })
  async cronAbove() {
    this.runs.cronAbove++;
  }

  @OnFollower()
  @Interval('follower', 1000)
  follower() {
    this.runs.follower++;
  }

  @OnLeader()
  @Timeout('timeout-above', 4500)
  timeout() {
    this.runs.timeout++;
  }
}

test('@OnLeader/@OnFollower work above and below @Interval, @Cron and @Timeout', async () => {
  const clock = FakeTimers.install({
    now: Date.parse('2030-01-01T00:00:00Z'),
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  const logger = new CaptureLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [ScheduleModule.forRoot(), LeaderElectionTestingModule.forRoot()],
    providers: [ScheduledJobs],
  })
    .setLogger(logger)
    .compile();
  const app = moduleRef.createNestApplication({ logger });
  try {
    await app.init();
    const registry = app.get(SchedulerRegistry);
    assert.deepEqual(registry.getIntervals().sort(), [
      'follower',
      'interval-above',
      'interval-below',
    ]);
    assert.deepEqual([...registry.getCronJobs().keys()].sort(), ['cron-above', 'cron-below']);
    assert.deepEqual(registry.getTimeouts(), ['timeout-above']);

    const jobs = app.get(ScheduledJobs);
    await clock.tickAsync(3000);
    assert.deepEqual(jobs.runs, {
      intervalBelow: 0,
      intervalAbove: 0,
      cronBelow: 0,
      cronAbove: 0,
      follower: 3,
      timeout: 0,
    });

    await app.get(LeaderElectionTestingService).becomeLeader();
    await clock.tickAsync(2000);
    assert.deepEqual(jobs.runs, {
      intervalBelow: 2,
      intervalAbove: 2,
      cronBelow: 2,
      cronAbove: 2,
      follower: 3,
      timeout: 1,
    });
  } finally {
    await app.close();
    clock.uninstall();
  }
  assert.equal(clock.countTimers(), 0, 'no timer is left after app.close()');
});
