/*
 * Validation and defaults of the operations options (metrics, preflight, drainTimeout):
 * app.init() rejects with the exact message naming the option, its value and the rule.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  LeaderElectionService,
  type LeaderElectionModuleOptions,
} from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import {
  INVALID_BOOLEAN,
  INVALID_DRAIN_TIMEOUT,
  INVALID_ELECTION_OPTIONS,
  INVALID_METRICS,
} from '../../lib/leader-election.messages.js';
import { CaptureLogger, createOpsApp } from './fixtures/ops-app.js';

describe('metrics, preflight and drainTimeout options', () => {
  const server = new KubeApiTestServer();
  before(() => server.start());
  after(() => server.stop());

  const options = (extra: Record<string, unknown>): LeaderElectionModuleOptions =>
    ({
      name: 'ops-options',
      namespace: 'default',
      kubeConfig: server.kubeConfig('token-options'),
      autoStart: false,
      ...extra,
    }) as LeaderElectionModuleOptions;

  const noop = () => undefined;
  const partialHooks = { on: noop, off: noop };
  const badOptionalHook = { on: noop, off: noop, slowpathExercised: noop, conflict: 1 };
  const cases: [string, Record<string, unknown>, string][] = [
    ['negative drainTimeout', { drainTimeout: -1 }, INVALID_DRAIN_TIMEOUT(-1)],
    ['NaN drainTimeout', { drainTimeout: Number.NaN }, INVALID_DRAIN_TIMEOUT(Number.NaN)],
    ['infinite drainTimeout', { drainTimeout: Infinity }, INVALID_DRAIN_TIMEOUT(Infinity)],
    ['string drainTimeout', { drainTimeout: '5000' }, INVALID_DRAIN_TIMEOUT('5000')],
    ['metrics: true', { metrics: true }, INVALID_METRICS(true)],
    ['metrics: null', { metrics: null }, INVALID_METRICS(null)],
    ['metrics without hooks', { metrics: {} }, INVALID_METRICS({})],
    ['metrics without slowpathExercised', { metrics: partialHooks }, INVALID_METRICS(partialHooks)],
    [
      'metrics with a non-function optional hook',
      { metrics: badOptionalHook },
      INVALID_METRICS(badOptionalHook),
    ],
    ['non-boolean preflight', { preflight: 'yes' }, INVALID_BOOLEAN('preflight', 'yes')],
  ];
  for (const [what, extra, detail] of cases) {
    it(`${what}: app.init() rejects with the exact message`, async () => {
      const app = await createOpsApp(options(extra), new CaptureLogger());
      await assert.rejects(app.init(), {
        message: INVALID_ELECTION_OPTIONS('ops-options', detail),
      });
      await app.close();
    });
  }

  it('the messages name the value and the rule', () => {
    assert.equal(
      INVALID_DRAIN_TIMEOUT(-1),
      'drainTimeout (-1) must be a finite number of milliseconds >= 0 (default 5000, capped at renewDeadline); 0 releases without waiting for in-flight @OnLeader invocations.',
    );
    assert.match(
      INVALID_METRICS(true),
      /^metrics \(true\) must be false \(no metrics\) or an object/,
    );
  });

  it('drainTimeout defaults to 5000 and is capped at renewDeadline', async () => {
    const settingsOf = async (extra: Record<string, unknown>) => {
      const app = await createOpsApp(options(extra), new CaptureLogger());
      await app.init();
      const settings = app.get(LeaderElectionService).getSettings();
      await app.close();
      return settings.drainTimeout;
    };
    assert.equal(DEFAULT_DRAIN_TIMEOUT_MS, 5000);
    assert.equal(await settingsOf({}), 5000);
    assert.equal(
      await settingsOf({ leaseDuration: 4000, renewDeadline: 3000, retryPeriod: 500 }),
      3000,
    );
    assert.equal(await settingsOf({ drainTimeout: 1200 }), 1200);
    assert.equal(await settingsOf({ drainTimeout: 0 }), 0);
  });
});
