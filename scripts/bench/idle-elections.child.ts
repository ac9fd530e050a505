/**
 * Child entry point: one process holding BENCH_COUNT elections (one lease each, watch on, default
 * durations), all as leader or all as follower (BENCH_ROLE). On `{type:'measure', ms}` it reports
 * its own CPU time over that window and its RSS at the end; on `{type:'exit'}` it stops.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { LeaderElector, createLock } from '../../lib/core/index.js';
import {
  measureIdleWindow,
  numberEnv,
  onParentMessage,
  reportFatal,
  requireEnv,
  sendToParent,
  tieLifetimeToParent,
} from './child-ipc.js';

async function main(): Promise<void> {
  tieLifetimeToParent(numberEnv('BENCH_MAX_LIFETIME_MS'));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(requireEnv('BENCH_KUBECONFIG_YAML'));
  const identity = requireEnv('BENCH_IDENTITY');
  const prefix = requireEnv('BENCH_LEASE_PREFIX');
  const role = requireEnv('BENCH_ROLE');
  const count = numberEnv('BENCH_COUNT');
  const electors = Array.from(
    { length: count },
    (_, i) =>
      new LeaderElector({
        lock: createLock({ name: `${prefix}-${i}`, namespace: 'default', identity, kubeConfig }),
        leaseDuration: numberEnv('BENCH_LEASE_DURATION'),
        renewDeadline: numberEnv('BENCH_RENEW_DEADLINE'),
        retryPeriod: numberEnv('BENCH_RETRY_PERIOD'),
        watch: true,
      }),
  );
  onParentMessage((message) => {
    if (message.type === 'measure') void measure(Number(message.ms), electors);
    if (message.type === 'exit') {
      void Promise.all(electors.map((e) => e.stop({ release: false }))).finally(() =>
        process.disconnect(),
      );
    }
  });
  for (const elector of electors) elector.start();
  const readyTimeoutMs = numberEnv('BENCH_READY_TIMEOUT_MS');
  const deadline = performance.now() + readyTimeoutMs;
  const ready = () =>
    role === 'leader'
      ? electors.every((e) => e.isLeader())
      : electors.every((e) => (e.getLeader() ?? identity) !== identity);
  while (!ready()) {
    if (performance.now() > deadline) {
      throw new Error(
        `${count} elections did not all reach role ${role} within ${readyTimeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  sendToParent({ type: 'ready' });
}

async function measure(ms: number, electors: LeaderElector[]): Promise<void> {
  const window = await measureIdleWindow(ms);
  sendToParent({
    type: 'result',
    ...window,
    leading: electors.filter((e) => e.isLeader()).length,
  });
}

main().catch(reportFatal);
