import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, Module, type ModuleMetadata } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import {
  LOCK_TYPES,
  LeaderElectionModule,
  LeaderElectionService,
  MemoryLockStore,
  OnLeader,
  type LeaderElectionModuleOptions,
  type LeaderElectionOptionsFactory,
} from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import {
  kubeConfigMessages,
  leaseDurationNotGreaterThanRenewDeadline,
  lockMessages,
  renewDeadlineNotGreaterThanJitteredRetryPeriod,
} from '../../lib/core/messages.js';
import {
  DUPLICATE_ELECTION,
  INVALID_BOOLEAN,
  INVALID_ELECTION_OPTIONS,
  INVALID_HEALTH_TOLERANCE,
  INVALID_NON_EMPTY_STRING,
  OPTIONS_NOT_OBJECT,
} from '../../lib/leader-election.messages.js';
import { CaptureLogger } from './fixtures/capture-logger.js';
import { HealthController } from './fixtures/health.controller.js';
import { httpGet } from './fixtures/http-client.js';
import { waitFor } from './fixtures/election-app.js';
import {
  ElectionOptionsFromSettings,
  SettingsModule,
  SettingsService,
} from './fixtures/settings.module.js';

// Short, but with room for a loaded machine: a renewal may take a while when tests run in parallel.
const TIMING = { leaseDuration: 4000, renewDeadline: 3000, retryPeriod: 500 };

async function createApp(metadata: ModuleMetadata) {
  const logger = new CaptureLogger();
  const moduleRef = await Test.createTestingModule(metadata).setLogger(logger).compile();
  return { app: moduleRef.createNestApplication({ logger }), logger };
}

@Injectable()
class TwoElectionJobs {
  readonly ran: string[] = [];
  @OnLeader()
  billing() {
    this.ran.push('billing');
  }
  @OnLeader('reports')
  reports() {
    this.ran.push('reports');
  }
}

@Injectable()
class ExistingOptionsFactory implements LeaderElectionOptionsFactory {
  static options: LeaderElectionModuleOptions;
  createLeaderElectionOptions() {
    return ExistingOptionsFactory.options;
  }
}

@Module({ providers: [ExistingOptionsFactory], exports: [ExistingOptionsFactory] })
// oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes
class OptionsFactoryModule {}

describe('LeaderElectionModule options against KubeApiTestServer', () => {
  const server = new KubeApiTestServer();
  before(() => server.start());
  after(() => server.stop());
  const holderOf = (lease: string) => {
    const spec = server.getObject('leases', 'default', lease)?.['spec'] as
      Record<string, unknown> | undefined;
    return spec?.['holderIdentity'];
  };

  it('forRootAsync with ConfigModule-style injection (useFactory + inject, useClass, useExisting), three elections in one app', async () => {
    const settings = SettingsModule.forRoot({
      leaseName: 'async-billing',
      secondElection: {
        name: 'reports',
        namespace: 'default',
        identity: 'async-app',
        kubeConfig: server.kubeConfig('async-token'),
        ...TIMING,
      },
    });
    ExistingOptionsFactory.options = {
      name: 'existing',
      namespace: 'default',
      identity: 'async-app',
      kubeConfig: server.kubeConfig('async-token'),
      autoStart: false,
      ...TIMING,
    };
    const { app } = await createApp({
      imports: [
        LeaderElectionModule.forRootAsync({
          imports: [settings],
          inject: [SettingsService],
          useFactory: async (config: SettingsService) => ({
            name: config.get<string>('leaseName'),
            namespace: 'default',
            identity: 'async-app',
            kubeConfig: server.kubeConfig('async-token'),
            ...TIMING,
          }),
        }),
        LeaderElectionModule.forRootAsync({
          imports: [settings],
          useClass: ElectionOptionsFromSettings,
        }),
        LeaderElectionModule.forRootAsync({
          imports: [OptionsFactoryModule],
          useExisting: ExistingOptionsFactory,
        }),
      ],
      providers: [TwoElectionJobs],
    });
    try {
      await app.init();
      const election = app.get(LeaderElectionService);
      assert.deepEqual(election.getElectionNames(), ['async-billing', 'reports', 'existing']);
      await waitFor(
        () => election.isLeader() && election.isLeader('reports'),
        5000,
        'both elections led',
      );
      assert.equal(election.getSettings('reports').lock, 'default/reports');
      assert.equal(holderOf('async-billing'), 'async-app');
      const jobs = app.get(TwoElectionJobs);
      jobs.billing();
      jobs.reports();
      assert.deepEqual(jobs.ran, ['billing', 'reports']);
      await election.stop({ release: true }, 'reports');
      assert.equal(election.isLeader('reports'), false);
      assert.equal(election.isLeader(), true, 'stopping one election leaves the other alone');
      jobs.reports();
      assert.deepEqual(jobs.ran, ['billing', 'reports'], '@OnLeader("reports") is skipped now');
      assert.equal(holderOf('reports'), '');
    } finally {
      await app.close();
    }
  });

  const base = (): LeaderElectionModuleOptions => ({
    name: 'bad',
    namespace: 'default',
    identity: 'x',
    kubeConfig: server.kubeConfig('bad-token'),
    ...TIMING,
  });
  const cases: Array<[string, () => unknown, () => string]> = [
    [
      'leaseDuration not greater than renewDeadline',
      () => ({ ...base(), leaseDuration: 10_000, renewDeadline: 10_000 }),
      () =>
        INVALID_ELECTION_OPTIONS('bad', leaseDurationNotGreaterThanRenewDeadline(10_000, 10_000)),
    ],
    [
      'renewDeadline not greater than 1.2 x retryPeriod',
      () => ({ ...base(), renewDeadline: 1000, retryPeriod: 1000 }),
      () =>
        INVALID_ELECTION_OPTIONS(
          'bad',
          renewDeadlineNotGreaterThanJitteredRetryPeriod(1000, 1000, 1.2),
        ),
    ],
    [
      'unknown lock type',
      () => ({ ...base(), lock: 'lease' }),
      () => INVALID_ELECTION_OPTIONS('bad', lockMessages.unknownLockType('lease', LOCK_TYPES)),
    ],
    [
      'name that is not a DNS-1123 subdomain',
      () => ({ ...base(), name: 'Billing_Jobs' }),
      () => INVALID_ELECTION_OPTIONS('Billing_Jobs', lockMessages.invalidLockName('Billing_Jobs')),
    ],
    [
      'empty name',
      () => ({ ...base(), name: '' }),
      () => INVALID_ELECTION_OPTIONS(undefined, INVALID_NON_EMPTY_STRING('name', '')),
    ],
    [
      'empty identity',
      () => ({ ...base(), identity: '' }),
      () => INVALID_ELECTION_OPTIONS('bad', lockMessages.emptyIdentity('')),
    ],
    [
      'negative healthTolerance',
      () => ({ ...base(), healthTolerance: -1 }),
      () => INVALID_ELECTION_OPTIONS('bad', INVALID_HEALTH_TOLERANCE(-1)),
    ],
    [
      'non-boolean releaseOnShutdown',
      () => ({ ...base(), releaseOnShutdown: 'yes' }),
      () => INVALID_ELECTION_OPTIONS('bad', INVALID_BOOLEAN('releaseOnShutdown', 'yes')),
    ],
    [
      'missing kubeconfig file',
      () => ({ ...base(), kubeConfig: '/nonexistent/kubeconfig' }),
      () =>
        INVALID_ELECTION_OPTIONS(
          'bad',
          kubeConfigMessages.fileMissing('/nonexistent/kubeconfig', 'the kubeConfig option'),
        ),
    ],
    ['options that are not an object', () => undefined, () => OPTIONS_NOT_OBJECT(undefined)],
  ];
  for (const [what, options, message] of cases) {
    it(`invalid options fail app.init() with the exact message: ${what}`, async () => {
      const { app } = await createApp({
        imports: [LeaderElectionModule.forRoot(options() as LeaderElectionModuleOptions)],
      });
      await assert.rejects(app.init(), { message: message() });
      await app.close();
    });
  }

  it('forRootAsync options are validated the same way', async () => {
    const { app } = await createApp({
      imports: [
        LeaderElectionModule.forRootAsync({
          useFactory: () => ({ ...base(), leaseDuration: 10_000, renewDeadline: 10_000 }),
        }),
      ],
    });
    await assert.rejects(app.init(), {
      message: INVALID_ELECTION_OPTIONS(
        'bad',
        leaseDurationNotGreaterThanRenewDeadline(10_000, 10_000),
      ),
    });
    await app.close();
  });

  it('the same election name twice fails app.init()', async () => {
    const { app } = await createApp({
      imports: [LeaderElectionModule.forRoot(base()), LeaderElectionModule.forRoot(base())],
    });
    await assert.rejects(app.init(), { message: DUPLICATE_ELECTION('bad') });
    await app.close();
  });

  it('autoStart: false waits for start(); stop({ release: true }) frees the lease', async () => {
    const { app } = await createApp({
      imports: [
        LeaderElectionModule.forRoot({
          ...base(),
          name: 'manual',
          identity: 'manual-1',
          autoStart: false,
        }),
      ],
    });
    try {
      await app.init();
      const election = app.get(LeaderElectionService);
      assert.equal(election.status(), 'idle');
      assert.equal(election.isFollower(), false, 'not running: neither leader nor follower');
      assert.equal(server.getObject('leases', 'default', 'manual'), undefined);
      election.start();
      await election.whenLeader(AbortSignal.timeout(5000));
      assert.equal(election.getSettings().identity, 'manual-1');
      await election.stop({ release: true });
      assert.equal(election.status(), 'stopped');
      assert.equal(holderOf('manual'), '');
    } finally {
      await app.close();
    }
  });
});

it('an unreachable API server does not stop the app from booting: it runs as a follower and health says why', async () => {
  const gone = new KubeApiTestServer();
  await gone.start();
  const kubeConfig = gone.kubeConfig('t');
  await gone.stop();
  const { app } = await createApp({
    imports: [
      TerminusModule,
      LeaderElectionModule.forRoot({
        name: 'offline',
        namespace: 'default',
        kubeConfig,
        ...TIMING,
      }),
    ],
    controllers: [HealthController],
  });
  try {
    const started = performance.now();
    await app.listen(0, '127.0.0.1');
    assert.ok(performance.now() - started < 1000, 'bootstrap does not wait for the API server');
    const election = app.get(LeaderElectionService);
    assert.equal(election.isLeader(), false);
    assert.equal(election.isFollower(), true);
    const url = await app.getUrl();
    await waitFor(
      async () => {
        const body = (await httpGet(`${url}/health/live`)).body as {
          info?: { leaderElection?: { reason?: string } };
        };
        return /unreachable/.test(body.info?.leaderElection?.reason ?? '');
      },
      5000,
      'health to report the unreachable API server',
    );
    const live = await httpGet(`${url}/health/live`);
    assert.equal(live.status, 200, 'a follower that cannot reach the API is still live');
  } finally {
    await app.close();
  }
});

it('a hanging API server does not delay bootstrap', async () => {
  const hanging = new KubeApiTestServer();
  await hanging.start();
  hanging.fault({ kind: 'hang' });
  const { app } = await createApp({
    imports: [
      LeaderElectionModule.forRoot({
        name: 'hanging',
        namespace: 'default',
        kubeConfig: hanging.kubeConfig('t'),
        ...TIMING,
      }),
    ],
  });
  try {
    const started = performance.now();
    await app.init();
    const took = performance.now() - started;
    assert.ok(took < 1000, `init took ${took.toFixed(0)} ms; requests time out only after 1500 ms`);
    const election = app.get(LeaderElectionService);
    assert.equal(election.status(), 'running');
    assert.equal(election.isLeader(), false);
  } finally {
    await app.close();
    hanging.clearFaults();
    await hanging.stop();
  }
});

it('resourceLock (advanced): replicas share an in-process MemoryLockStore, no API server', async () => {
  const store = new MemoryLockStore();
  const apps = await Promise.all(
    ['m1', 'm2'].map(async (identity) => {
      const { app } = await createApp({
        imports: [
          LeaderElectionModule.forRoot({
            name: 'memory',
            resourceLock: store.createLock({ name: 'memory', identity }),
            ...TIMING,
          }),
        ],
      });
      await app.init();
      return app;
    }),
  );
  try {
    const elections = apps.map((a) => a.get(LeaderElectionService));
    await waitFor(() => elections.filter((e) => e.isLeader()).length === 1, 3000, 'one leader');
    const leader = elections.find((e) => e.isLeader())!;
    assert.equal(store.read('memory')?.holderIdentity, leader.identity);
    assert.deepEqual(
      elections.map((e) => e.getSettings().identity),
      ['m1', 'm2'],
    );
  } finally {
    for (const app of apps) await app.close();
  }
});
