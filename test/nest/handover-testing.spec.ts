/*
 * LeaderElectionService.handOver() on the testing module's elector: the term ends like on the
 * real elector (signal, @OnStoppedLeading), the record names the preferred holder, and nobody
 * takes the lease until the test says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HAND_OVER_STRATEGY } from '../../lib/core/leader-elector.config.js';
import * as coreMessages from '../../lib/core/messages.js';
import { LeaderElectionService } from '../../lib/index.js';
import {
  LeaderElectionTestingModule,
  LeaderElectionTestingService,
} from '../../lib/testing/index.js';
import { CaptureLogger } from './fixtures/capture-logger.js';
import { JobsService } from './fixtures/jobs.service.js';

async function boot(leader: boolean): Promise<INestApplication> {
  const logger = new CaptureLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [LeaderElectionTestingModule.forRoot({ identity: 'me', leader })],
    providers: [JobsService],
  })
    .setLogger(logger)
    .compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  return app;
}

test('handOver(identity) ends the term, leaves the lease free and names the preferred holder', async () => {
  const app = await boot(true);
  try {
    const election = app.get(LeaderElectionService);
    const testing = app.get(LeaderElectionTestingService);
    const jobs = app.get(JobsService);
    const signal = election.leadershipSignal();
    assert.equal(await election.handOver('next'), true);
    assert.equal(signal.aborted, true);
    assert.equal(election.isLeader(), false);
    assert.equal(election.getLeader(), undefined, 'the lease is free');
    const record = election.getRecord();
    assert.equal(record?.holderIdentity, '');
    assert.equal(record?.preferredHolder, 'next');
    assert.equal(record?.strategy, HAND_OVER_STRATEGY);
    assert.equal(jobs.leaderWork('x'), undefined, '@OnLeader skips after the hand-over');
    assert.deepEqual(jobs.events, ['new:me', 'started:me:1', 'stopped:aborted=true']);

    assert.equal(await testing.handOver('next'), false, 'not leading any more: nothing to do');
    await testing.setLeader('next');
    assert.equal(election.getLeader(), 'next');
    assert.equal(election.getRecord()?.preferredHolder, undefined, 'served: cleared');
  } finally {
    await app.close();
  }
});

test('handOver() without identity; a follower resolves false; bad identities reject', async () => {
  const app = await boot(false);
  try {
    const election = app.get(LeaderElectionService);
    const testing = app.get(LeaderElectionTestingService);
    assert.equal(await election.handOver(), false, 'a follower has nothing to hand over');
    await testing.becomeLeader();
    await assert.rejects(election.handOver('me'), {
      name: 'TypeError',
      message: coreMessages.handOverToSelf('me'),
    });
    await assert.rejects(election.handOver(''), {
      name: 'TypeError',
      message: coreMessages.handOverIdentityInvalid(''),
    });
    await assert.rejects(election.handOver('x', 'nope'), /No leader election named "nope"/);
    assert.equal(election.isLeader(), true, 'rejected calls change nothing');
    assert.equal(await testing.handOver(), true);
    assert.equal(election.isLeader(), false);
    assert.equal(election.getRecord()?.preferredHolder, undefined);
    await testing.becomeLeader();
    assert.equal(election.fencingToken(), 2, 'a new term');
  } finally {
    await app.close();
  }
});
