/**
 * Matrix: what can be wrong when the application boots.
 * - No Kubernetes configuration anywhere (real environment variables and home directory, not
 *   injected sources): app.init() rejects naming everything that was tried and the fix; the core's
 *   loadKubeConfig() says the same. A control row with a valid KUBECONFIG boots.
 * - The API server is unreachable at boot: the app still boots, as a follower, and the health
 *   indicator says why; when the server comes up on that address the app becomes leader.
 * Each test file runs in its own process, so changing process.env here is contained; every test
 * puts it back.
 */
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import {
  LeaderElectionConfigError,
  LeaderElectionModule,
  LeaderElectionService,
  loadKubeConfig,
  type LeaderElectionModuleOptions,
} from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import {
  kubeConfigMessages,
  lockMessages,
  logErrorRetrievingLock,
} from '../../lib/core/messages.js';
import { INVALID_ELECTION_OPTIONS } from '../../lib/leader-election.messages.js';
import { CaptureLogger } from '../nest/fixtures/capture-logger.js';
import { HealthController } from '../nest/fixtures/health.controller.js';
import { httpGet } from '../nest/fixtures/http-client.js';
import { TIMING, target, waitFor } from './matrix.helpers.js';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const ENV_KEYS = ['HOME', 'KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT'];

async function bootApp(options: LeaderElectionModuleOptions, withHealth = false) {
  const logger = new CaptureLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [...(withHealth ? [TerminusModule] : []), LeaderElectionModule.forRoot(options)],
    controllers: withHealth ? [HealthController] : [],
  })
    .setLogger(logger)
    .compile();
  return { app: moduleRef.createNestApplication({ logger }), logger };
}

describe('matrix: no Kubernetes configuration', () => {
  let home = '';
  let saved: Record<string, string | undefined> = {};
  const server = new KubeApiTestServer();
  before(() => server.start());
  after(() => server.stop());
  beforeEach(() => {
    saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
    home = mkdtempSync(join(tmpdir(), 'matrix-home-'));
    for (const key of ENV_KEYS) delete process.env[key];
    process.env['HOME'] = home;
  });
  afterEach(() => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    rmSync(home, { recursive: true, force: true });
  });

  const rows: Array<{ what: string; env: () => Record<string, string>; tried: () => string[] }> = [
    {
      what: 'nothing at all (no service account, no KUBECONFIG, no ~/.kube/config)',
      env: () => ({}),
      tried: () => [
        'in-cluster config (KUBERNETES_SERVICE_HOST is not set)',
        'KUBECONFIG (not set)',
        `${join(home, '.kube', 'config')} (does not exist)`,
      ],
    },
    {
      what: 'KUBECONFIG naming files that do not exist',
      env: () => ({ KUBECONFIG: `${join(home, 'a.yaml')}:${join(home, 'b.yaml')}` }),
      tried: () => [
        'in-cluster config (KUBERNETES_SERVICE_HOST is not set)',
        `KUBECONFIG=${JSON.stringify(`${join(home, 'a.yaml')}:${join(home, 'b.yaml')}`)} (no such file)`,
        `${join(home, '.kube', 'config')} (does not exist)`,
      ],
    },
    {
      what: 'KUBERNETES_SERVICE_HOST set but no service-account token mounted',
      env: () => ({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }),
      tried: () => [
        `in-cluster config (KUBERNETES_SERVICE_HOST is set but ${TOKEN_PATH} does not exist)`,
        'KUBECONFIG (not set)',
        `${join(home, '.kube', 'config')} (does not exist)`,
      ],
    },
  ];

  for (const row of rows) {
    it(`${row.what}: app.init() and loadKubeConfig() name what was tried and the fix`, async () => {
      assert.equal(
        existsSync(TOKEN_PATH),
        false,
        `this machine has ${TOKEN_PATH}: not a clean row`,
      );
      Object.assign(process.env, row.env());
      const expected = kubeConfigMessages.notFound(row.tried());

      assert.throws(() => loadKubeConfig(), { message: expected });

      const { app } = await bootApp({ name: 'no-config', namespace: 'default', ...TIMING });
      try {
        await assert.rejects(app.init(), (err: unknown) => {
          assert.ok(err instanceof LeaderElectionConfigError);
          assert.equal(err.option, 'kubeConfig');
          assert.equal(err.message, INVALID_ELECTION_OPTIONS('no-config', expected));
          return true;
        });
      } finally {
        await app.close();
      }
    });
  }

  it('control: the same environment with a valid KUBECONFIG boots and leads', async () => {
    const file = join(home, 'valid.yaml');
    writeFileSync(file, server.kubeConfigYaml('boot-env-token'));
    process.env['KUBECONFIG'] = file;
    const { app } = await bootApp({ name: 'env-config', namespace: 'default', ...TIMING });
    try {
      await app.init();
      const election = app.get(LeaderElectionService);
      await election.whenLeader(AbortSignal.timeout(5000));
      assert.ok(server.counters().byToken['boot-env-token'], 'the KUBECONFIG file was used');
    } finally {
      await app.close();
    }
  });
});

describe('matrix: API server unreachable at boot', () => {
  it('the app boots as a follower, health says why, and it leads once the server is up on that address', async () => {
    const probe = new KubeApiTestServer();
    await probe.start();
    const port = Number(new URL(probe.url).port);
    const url = probe.url;
    const kubeConfig = probe.kubeConfig('late-token');
    await probe.stop();

    const name = 'late-server';
    const { app, logger } = await bootApp(
      { name, namespace: 'default', identity: 'late-1', kubeConfig, ...TIMING },
      true,
    );
    let late: KubeApiTestServer | undefined;
    try {
      const started = performance.now();
      await app.listen(0, '127.0.0.1');
      assert.ok(performance.now() - started < 3000, 'bootstrap does not wait for the API server');
      const election = app.get(LeaderElectionService);
      const appUrl = await app.getUrl();
      assert.equal(election.isLeader(), false);
      assert.equal(election.isFollower(), true);

      const why = lockMessages.unavailable(target('get', 'default', name), url, 'ECONNREFUSED');
      await waitFor(
        async () => {
          const body = (await httpGet(`${appUrl}/health/live`)).body as {
            info?: { leaderElection?: { reason?: string } };
          };
          return body.info?.leaderElection?.reason === why;
        },
        5000,
        'health to say the API server is unreachable',
      );
      const live = await httpGet(`${appUrl}/health/live`);
      assert.equal(live.status, 200, 'a follower that cannot reach the API is still live');
      assert.deepEqual((live.body as { info: unknown }).info, {
        leaderElection: {
          status: 'up',
          election: name,
          leader: false,
          identity: 'late-1',
          holder: null,
          reason: why,
        },
      });
      const ready = await httpGet(`${appUrl}/health/ready-leader`);
      assert.equal(ready.status, 503);
      assert.ok(
        logger
          .messages('error')
          .includes(logErrorRetrievingLock(`default/${name}`, new Error(why))),
        'the error log line names the server and the cause',
      );

      late = new KubeApiTestServer({ port });
      await late.start();
      late.addToken('late-token');
      await waitFor(
        () => election.isLeader(),
        TIMING.retryPeriod * 2.2 + 5000,
        'leadership once the server is up',
      );
      const healthy = (await httpGet(`${appUrl}/health/live`)).body as {
        info: { leaderElection: Record<string, unknown> };
      };
      assert.equal(healthy.info.leaderElection['leader'], true);
      assert.equal(healthy.info.leaderElection['reason'], undefined, 'no reason once it works');
      assert.equal((await httpGet(`${appUrl}/health/ready-leader`)).status, 200);
    } finally {
      await app.close();
      await late?.stop();
    }
  });
});
