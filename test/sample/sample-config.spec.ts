import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SampleConfig } from '../../sample/src/sample.config.js';
import { sampleMessages } from '../../sample/src/sample.messages.js';

describe('SampleConfig.fromEnv', () => {
  it('uses the defaults when nothing is set, leaving durations to the module', () => {
    const config = SampleConfig.fromEnv({});
    assert.equal(config.leaseName, 'sample-leader');
    assert.equal(config.namespace, undefined);
    assert.equal(config.identity, undefined);
    assert.equal(config.leaseDuration, undefined);
    assert.equal(config.renewDeadline, undefined);
    assert.equal(config.retryPeriod, undefined);
    assert.equal(config.port, 3000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.readiness, 'all');
    assert.equal(config.emitEvents, false);
    assert.equal(config.jobWorkMs, 300);
    assert.deepEqual(config.logLevels(), ['fatal', 'error', 'warn', 'log']);
  });

  it('reads every variable', () => {
    const config = SampleConfig.fromEnv({
      LEASE_NAME: 'billing-jobs',
      POD_NAMESPACE: 'payments',
      ELECTION_IDENTITY: ' billing-1 ',
      LEASE_DURATION_MS: '15000',
      RENEW_DEADLINE_MS: '10000',
      RETRY_PERIOD_MS: '2000',
      JOB_WORK_MS: '50',
      HOST: '127.0.0.1',
      PORT: '0',
      READINESS: 'leader',
      SAMPLE_EVENTS: '1',
      LOG_LEVEL: 'debug',
    });
    assert.deepEqual(
      { ...config },
      {
        leaseName: 'billing-jobs',
        namespace: 'payments',
        identity: 'billing-1',
        leaseDuration: 15000,
        renewDeadline: 10000,
        retryPeriod: 2000,
        jobWorkMs: 50,
        host: '127.0.0.1',
        port: 0,
        readiness: 'leader',
        logLevel: 'debug',
        emitEvents: true,
        kubeConfig: undefined,
      },
    );
  });

  it('rejects bad values with a message naming the variable, the value and the fix', () => {
    const cases: Array<[NodeJS.ProcessEnv, string]> = [
      [
        { LEASE_DURATION_MS: '15s' },
        sampleMessages.notAPositiveInteger('LEASE_DURATION_MS', '15s'),
      ],
      [{ RENEW_DEADLINE_MS: '0' }, sampleMessages.notAPositiveInteger('RENEW_DEADLINE_MS', '0')],
      [{ RETRY_PERIOD_MS: '-5' }, sampleMessages.notAPositiveInteger('RETRY_PERIOD_MS', '-5')],
      [{ JOB_WORK_MS: '1.5' }, sampleMessages.notAPositiveInteger('JOB_WORK_MS', '1.5')],
      [{ PORT: '70000' }, sampleMessages.invalidPort('70000')],
      [{ PORT: 'http' }, sampleMessages.invalidPort('http')],
      [
        { READINESS: 'leaders' },
        sampleMessages.invalidChoice('READINESS', 'leaders', ['all', 'leader']),
      ],
      [{ LEASE_NAME: '  ' }, sampleMessages.emptyLeaseName()],
      [
        { LOG_LEVEL: 'trace' },
        sampleMessages.invalidChoice('LOG_LEVEL', 'trace', [
          'fatal',
          'error',
          'warn',
          'log',
          'debug',
          'verbose',
        ]),
      ],
    ];
    for (const [env, message] of cases) {
      assert.throws(() => SampleConfig.fromEnv(env), { message }, JSON.stringify(env));
    }
    assert.match(
      sampleMessages.notAPositiveInteger('LEASE_DURATION_MS', '15s'),
      /LEASE_DURATION_MS .* got "15s": set it to e\.g\. LEASE_DURATION_MS=15000/,
    );
  });
});
