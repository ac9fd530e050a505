import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_DEFAULTS, DemoUsageError, parseDemoArgs } from '../../scripts/demo-options.js';

describe('demo command line', () => {
  it('defaults to the embedded server with short durations', () => {
    const o = parseDemoArgs([], {});
    assert.equal(o.kubeconfig, undefined);
    assert.equal(o.replicas, DEMO_DEFAULTS.replicas);
    assert.equal(o.leaseDuration, 3000);
    assert.equal(o.renewDeadline, 2000);
    assert.equal(o.retryPeriod, 500);
    assert.equal(o.help, false);
  });

  it('switches to a real cluster with KUBECONFIG or --kubeconfig, unless --embedded', () => {
    assert.deepEqual(pick(parseDemoArgs([], { KUBECONFIG: '/tmp/kc' })), {
      kubeconfig: '/tmp/kc',
      kubeconfigSource: 'KUBECONFIG',
    });
    assert.deepEqual(pick(parseDemoArgs(['--kubeconfig', '/x'], { KUBECONFIG: '/tmp/kc' })), {
      kubeconfig: '/x',
      kubeconfigSource: '--kubeconfig',
    });
    assert.deepEqual(pick(parseDemoArgs(['--embedded'], { KUBECONFIG: '/tmp/kc' })), {
      kubeconfig: undefined,
      kubeconfigSource: undefined,
    });
  });

  it('reads numbers in both --flag value and --flag=value forms', () => {
    const o = parseDemoArgs(
      [
        '--replicas=4',
        '--lease-duration',
        '4000',
        '--renew-deadline=3000',
        '--retry-period',
        '400',
      ],
      {},
    );
    assert.deepEqual(
      [o.replicas, o.leaseDuration, o.renewDeadline, o.retryPeriod],
      [4, 4000, 3000, 400],
    );
  });

  it('explains each mistake', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--replicas', '2'], /--replicas must be between 3 and 9, got 2/],
      [['--replicas', 'three'], /--replicas must be a positive whole number, got "three"/],
      [
        ['--lease-duration', '2000', '--renew-deadline', '2000'],
        /--lease-duration \(2000 ms\) must be greater than --renew-deadline \(2000 ms\)/,
      ],
      [
        ['--renew-deadline', '600', '--retry-period', '500'],
        /--renew-deadline \(600 ms\) must be greater than 1\.2 × --retry-period/,
      ],
      [['--lease-duration', '3500'], /whole seconds .* got 3500: e\.g\. --lease-duration 4000/],
      [['--kubeconfig'], /--kubeconfig needs a value/],
      [['--kubeconfig', '/x', '--embedded'], /exclude each other/],
      [['--lease-name', 'Bad_Name'], /--lease-name "Bad_Name" is not a valid object name/],
      [['--frobnicate'], /unknown option "--frobnicate"/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => parseDemoArgs(argv, {}),
        (err: unknown) => {
          assert.ok(err instanceof DemoUsageError, argv.join(' '));
          assert.match(err.message, message);
          return true;
        },
      );
    }
  });
});

function pick(o: { kubeconfig?: string; kubeconfigSource?: string }) {
  return { kubeconfig: o.kubeconfig, kubeconfigSource: o.kubeconfigSource };
}
