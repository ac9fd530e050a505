import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Controller,
  Get,
  Injectable,
  Module,
  Scope,
  UseGuards,
  type ExecutionContext,
  type INestApplication,
  type ModuleMetadata,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { firstValueFrom, toArray, take } from 'rxjs';
import {
  LeaderElectionModule,
  LeaderElectionService,
  LeaderGuard,
  NOT_LEADER_MESSAGE,
  OnLeader,
  OnStartedLeading,
  type LeadershipState,
} from '../../lib/index.js';
import {
  LeaderElectionTestingModule,
  LeaderElectionTestingService,
} from '../../lib/testing/index.js';
import {
  HANDLER_FAILED,
  NON_STATIC_HANDLER,
  UNBOUND_INSTANCE,
  UNKNOWN_ELECTION,
  UNKNOWN_ELECTION_IN_DECORATOR,
} from '../../lib/leader-election.messages.js';
import { CaptureLogger } from './fixtures/capture-logger.js';
import { FailingHandlersService, JobsService } from './fixtures/jobs.service.js';
import { RoutesController, ReportsController } from './fixtures/routes.controller.js';
import { HealthController } from './fixtures/health.controller.js';
import { httpGet } from './fixtures/http-client.js';

async function boot(
  metadata: ModuleMetadata,
  logger = new CaptureLogger(),
): Promise<{ app: INestApplication; logger: CaptureLogger }> {
  const moduleRef = await Test.createTestingModule(metadata).setLogger(logger).compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  return { app, logger };
}

test('a follower skips @OnLeader and runs @OnFollower; becomeLeader flips both and fires handlers in order', async () => {
  const { app } = await boot({
    imports: [LeaderElectionTestingModule.forRoot({ identity: 'me' })],
    providers: [JobsService],
  });
  try {
    const jobs = app.get(JobsService);
    const election = app.get(LeaderElectionService);
    const testing = app.get(LeaderElectionTestingService);

    assert.equal(election.isLeader(), false);
    assert.equal(election.isFollower(), true);
    assert.equal(jobs.leaderWork('a'), undefined);
    assert.equal(jobs.asyncLeaderWork('a'), undefined, 'a skipped async call returns undefined');
    assert.equal(jobs.followerWork('a'), 'followed:a');
    assert.equal(election.leadershipSignal().aborted, true);

    await testing.becomeLeader();
    assert.equal(election.isLeader(), true);
    assert.equal(election.isFollower(), false);
    assert.equal(election.getLeader(), 'me');
    assert.equal(election.fencingToken(), 1);
    assert.equal(jobs.leaderWork('b'), 'led:b');
    assert.equal(await jobs.asyncLeaderWork('b'), 'async:b');
    assert.equal(jobs.followerWork('b'), undefined);
    const signal = election.leadershipSignal();
    assert.equal(signal.aborted, false);

    await testing.setLeader('other');
    assert.equal(signal.aborted, true);
    assert.equal(election.isLeader(), false);
    assert.equal(election.getLeader(), 'other');
    assert.deepEqual(jobs.calls, ['follower:a', 'leader:b', 'async-leader:b']);
    assert.deepEqual(jobs.events, ['new:me', 'started:me:1', 'stopped:aborted=true', 'new:other']);
    assert.equal(jobs.lastContext?.signal, signal);
  } finally {
    await app.close();
  }
});

test('leader: true leads from bootstrap; app.close() ends the term and completes leadership$', async () => {
  const { app } = await boot({
    imports: [LeaderElectionTestingModule.forRoot({ identity: 'boss', leader: true })],
    providers: [JobsService],
  });
  const jobs = app.get(JobsService);
  const election = app.get(LeaderElectionService);
  assert.equal(election.isLeader(), true);
  assert.equal(election.identity, 'boss');
  const states: LeadershipState[] = [];
  let completed = false;
  election.leadership$.subscribe({
    next: (s) => states.push(s),
    complete: () => (completed = true),
  });
  await app.close();
  assert.deepEqual(jobs.events, ['new:boss', 'started:boss:1', 'stopped:aborted=true']);
  assert.equal(completed, true);
  assert.deepEqual(states, [
    {
      name: 'leader-election-test',
      leading: true,
      identity: 'boss',
      leader: 'boss',
      fencingToken: 1,
    },
    { name: 'leader-election-test', leading: false, identity: 'boss', leader: 'boss' },
  ]);
  assert.equal(jobs.leaderWork('late'), undefined, 'no gated call runs after close');
});

test('leadership$ replays the current state to late subscribers', async () => {
  const { app } = await boot({ imports: [LeaderElectionTestingModule.forRoot({ identity: 'x' })] });
  try {
    const election = app.get(LeaderElectionService);
    await app.get(LeaderElectionTestingService).becomeLeader();
    const first = await firstValueFrom(election.leadership$);
    assert.deepEqual(first, {
      name: 'leader-election-test',
      leading: true,
      identity: 'x',
      leader: 'x',
      fencingToken: 1,
    });
    const next = firstValueFrom(election.leadershipOf().pipe(take(2), toArray()));
    await app.get(LeaderElectionTestingService).loseLeadership(undefined, 'y');
    assert.deepEqual(
      (await next).map((s) => [s.leading, s.leader]),
      [
        [true, 'x'],
        [false, 'x'],
      ],
    );
  } finally {
    await app.close();
  }
});

test('handler errors (sync and async) are caught and logged; the other handlers still run', async () => {
  const { app, logger } = await boot({
    imports: [LeaderElectionTestingModule.forRoot()],
    providers: [FailingHandlersService],
  });
  try {
    await app.get(LeaderElectionTestingService).becomeLeader();
    assert.deepEqual(app.get(FailingHandlersService).ran, ['sync', 'async', 'survivor']);
    assert.equal(app.get(LeaderElectionService).isLeader(), true);
    const errors = logger.messages('error');
    for (const method of ['syncFailure', 'asyncFailure']) {
      assert.ok(
        errors.includes(
          HANDLER_FAILED(
            'OnStartedLeading',
            'FailingHandlersService',
            method,
            'leader-election-test',
          ),
        ),
        `missing log for ${method}: ${errors.join(' | ')}`,
      );
    }
  } finally {
    await app.close();
  }
});

test('LeaderGuard: 200 on the leader, 503 with the documented body and Retry-After on a follower', async () => {
  const { app } = await boot({
    imports: [LeaderElectionTestingModule.forRoot({ identity: 'replica-1' })],
    controllers: [RoutesController, ReportsController],
  });
  try {
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const testing = app.get(LeaderElectionTestingService);

    assert.equal((await httpGet(`${base}/open`)).status, 200);
    let res = await httpGet(`${base}/leader-only`);
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { statusCode: 503, message: NOT_LEADER_MESSAGE, leader: null });
    assert.equal(res.headers['retry-after'], '2');

    await testing.setLeader('replica-2');
    res = await httpGet(`${base}/reports`);
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, {
      statusCode: 503,
      message: 'This replica is not the leader',
      leader: 'replica-2',
    });

    await testing.becomeLeader();
    res = await httpGet(`${base}/leader-only`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true, where: 'leader' });
    assert.equal(res.headers['retry-after'], undefined);
    assert.deepEqual((await httpGet(`${base}/reports`)).body, ['r1']);
  } finally {
    await app.close();
  }
});

test('health indicator through terminus: liveness up on both, readiness-on-leader 503 on a follower', async () => {
  const { app } = await boot({
    imports: [TerminusModule, LeaderElectionTestingModule.forRoot({ identity: 'h1' })],
    controllers: [HealthController],
  });
  try {
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const details = {
      election: 'leader-election-test',
      leader: false,
      identity: 'h1',
      holder: null,
    };

    let res = await httpGet(`${base}/health/live`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      status: 'ok',
      info: { leaderElection: { ...details, status: 'up' } },
      error: {},
      details: { leaderElection: { ...details, status: 'up' } },
    });
    res = await httpGet(`${base}/health/ready-leader`);
    assert.equal(res.status, 503);
    const down = { ...details, reason: 'this replica is not the leader', status: 'down' };
    assert.deepEqual(res.body, {
      status: 'error',
      info: {},
      error: { leader: down },
      details: { leader: down },
    });

    await app.get(LeaderElectionTestingService).becomeLeader();
    res = await httpGet(`${base}/health/ready-leader`);
    assert.equal(res.status, 200);
    const body = res.body as { info: { leader: Record<string, unknown> } };
    assert.equal(body.info.leader['status'], 'up');
    assert.equal(body.info.leader['leader'], true);
    assert.equal(body.info.leader['holder'], 'h1');
    assert.equal(typeof body.info.leader['lastRenewAgoMs'], 'number');
  } finally {
    await app.close();
  }
});

@Injectable()
class TwoElectionsService {
  readonly ran: string[] = [];
  @OnLeader()
  first() {
    this.ran.push('first');
  }
  @OnLeader('reports')
  second() {
    this.ran.push('reports');
  }
}

test('several elections: the first is the default, others are chosen by name', async () => {
  const { app } = await boot({
    imports: [LeaderElectionTestingModule.forRoot({ name: ['jobs', 'reports'] })],
    providers: [TwoElectionsService],
  });
  try {
    const election = app.get(LeaderElectionService);
    const testing = app.get(LeaderElectionTestingService);
    const service = app.get(TwoElectionsService);
    assert.deepEqual(election.getElectionNames(), ['jobs', 'reports']);
    await testing.becomeLeader('reports');
    service.first();
    service.second();
    assert.deepEqual(service.ran, ['reports']);
    assert.equal(election.isLeader('reports'), true);
    assert.equal(election.isLeader(), false);
    assert.throws(() => election.isLeader('nope'), {
      message: UNKNOWN_ELECTION('nope', ['jobs', 'reports']),
    });
  } finally {
    await app.close();
  }
});

@Injectable()
class WrongNameService {
  @OnLeader('missing')
  work() {}
}

test('a decorator naming an unknown election makes app.init() fail with the exact message', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [LeaderElectionTestingModule.forRoot({ name: 'jobs' })],
    providers: [WrongNameService],
  })
    .setLogger(new CaptureLogger())
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await assert.rejects(app.init(), {
    message: UNKNOWN_ELECTION_IN_DECORATOR(
      'OnLeader',
      'WrongNameService',
      'work',
      UNKNOWN_ELECTION('missing', ['jobs']),
    ),
  });
  await app.close();
});

@Injectable()
class StrayCandidate {
  readonly calls: string[] = [];
  @OnLeader()
  work(tag: string) {
    this.calls.push(tag);
    return tag;
  }
}

test('a gated call on an instance Nest did not create is skipped, with one warning', async () => {
  const { app, logger } = await boot({
    imports: [LeaderElectionTestingModule.forRoot({ leader: true })],
    providers: [StrayCandidate],
  });
  try {
    const stray = new StrayCandidate();
    assert.equal(stray.work('x'), undefined);
    assert.equal(stray.work('y'), undefined);
    assert.deepEqual(stray.calls, []);
    const warning = UNBOUND_INSTANCE('OnLeader', 'StrayCandidate', 'work');
    assert.equal(logger.messages('warn').filter((m) => m === warning).length, 1);
    assert.equal(app.get(StrayCandidate).work('z'), 'z', 'the Nest instance still runs');
  } finally {
    await app.close();
  }
});

test('becomeLeader before init fails with a clear message', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [LeaderElectionTestingModule.forRoot({ name: 'jobs' })],
  }).compile();
  const testing = moduleRef.get(LeaderElectionTestingService);
  assert.throws(() => testing.becomeLeader(), /not initialised yet; call app.init\(\)/);
  await moduleRef.close();
});

@Controller({ path: 'scoped', scope: Scope.REQUEST })
class RequestScopedController {
  @Get()
  @OnLeader()
  get() {
    return { ran: true };
  }

  @OnStartedLeading()
  started() {}
}

test('request-scoped: @OnLeader gates per-request instances; lifecycle handlers there are refused with a warning', async () => {
  const { app, logger } = await boot({
    imports: [LeaderElectionTestingModule.forRoot()],
    controllers: [RequestScopedController],
  });
  try {
    assert.ok(
      logger
        .messages('warn')
        .includes(NON_STATIC_HANDLER('OnStartedLeading', 'RequestScopedController', 'started')),
    );
    await app.listen(0, '127.0.0.1');
    const url = `${await app.getUrl()}/scoped`;
    const skipped = await httpGet(url);
    assert.equal(skipped.status, 200);
    assert.equal(skipped.body, '', 'a skipped handler returns undefined: empty body');
    await app.get(LeaderElectionTestingService).becomeLeader();
    assert.deepEqual((await httpGet(url)).body, { ran: true });
  } finally {
    await app.close();
  }
});

@Injectable({ scope: Scope.TRANSIENT })
class TransientWorker {
  @OnLeader()
  work() {
    return 'worked';
  }
}

@Injectable()
class TransientConsumer {
  constructor(readonly worker: TransientWorker) {}
}

test('transient providers: each injected instance is gated by its application', async () => {
  const { app } = await boot({
    imports: [LeaderElectionTestingModule.forRoot()],
    providers: [TransientWorker, TransientConsumer],
  });
  try {
    const worker = app.get(TransientConsumer).worker;
    assert.equal(worker.work(), undefined);
    await app.get(LeaderElectionTestingService).becomeLeader();
    assert.equal(worker.work(), 'worked');
  } finally {
    await app.close();
  }
});

// What a user's app does: the dynamic module in a constant, so a test can override it.
const APP_LEADER_ELECTION = LeaderElectionModule.forRoot({
  name: 'app-election',
  kubeConfig: '/nonexistent/kubeconfig',
});

@Module({ imports: [APP_LEADER_ELECTION], providers: [JobsService] })
// oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes
class UserAppModule {}

test('overrideModule() swaps the real module of an app for the testing module', async () => {
  const moduleRef = await Test.createTestingModule({ imports: [UserAppModule] })
    .overrideModule(APP_LEADER_ELECTION)
    .useModule(LeaderElectionTestingModule.forRoot({ name: 'app-election', leader: true }))
    .setLogger(new CaptureLogger())
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  try {
    assert.equal(app.get(LeaderElectionService).isLeader('app-election'), true);
    assert.equal(app.get(JobsService).leaderWork('t'), 'led:t');
  } finally {
    await app.close();
  }
});

@Injectable()
class CustomLeaderGuard extends LeaderGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.switchToHttp().getRequest<{ path: string }>().path === '/custom/skipped';
  }
  protected override getRetryAfter(): number {
    return 30;
  }
}

@Controller('custom')
@UseGuards(CustomLeaderGuard)
class CustomGuardController {
  @Get('guarded')
  guarded() {
    return { ok: true };
  }
  @Get('skipped')
  skipped() {
    return { ok: true };
  }
}

test('LeaderGuard can be extended through its protected methods', async () => {
  const { app } = await boot({
    imports: [LeaderElectionTestingModule.forRoot()],
    controllers: [CustomGuardController],
  });
  try {
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const guarded = await httpGet(`${base}/custom/guarded`);
    assert.equal(guarded.status, 503);
    assert.equal(guarded.headers['retry-after'], '30');
    assert.equal((await httpGet(`${base}/custom/skipped`)).status, 200);
  } finally {
    await app.close();
  }
});
