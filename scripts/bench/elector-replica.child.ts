/**
 * Child entry point: one replica = one process running one real `LeaderElector` against the
 * bench's KubeApiTestServer. Reports to the parent over IPC:
 * `{type:'leading', identity, sinceStartMs}` and `{type:'observed', holder}`.
 * Used by the crash-takeover section (SIGKILLed while leading) and the cold-start section.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { LeaderElector, createLock } from '../../lib/core/index.js';
import {
  numberEnv,
  onParentMessage,
  reportFatal,
  requireEnv,
  sendToParent,
  tieLifetimeToParent,
} from './child-ipc.js';

function main(): void {
  tieLifetimeToParent(numberEnv('BENCH_MAX_LIFETIME_MS'));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(requireEnv('BENCH_KUBECONFIG_YAML'));
  const identity = requireEnv('BENCH_IDENTITY');
  const lock = createLock({
    name: requireEnv('BENCH_LEASE'),
    namespace: requireEnv('BENCH_NAMESPACE'),
    identity,
    kubeConfig,
  });
  let startedAt = 0;
  const elector = new LeaderElector({
    lock,
    leaseDuration: numberEnv('BENCH_LEASE_DURATION'),
    renewDeadline: numberEnv('BENCH_RENEW_DEADLINE'),
    retryPeriod: numberEnv('BENCH_RETRY_PERIOD'),
    watch: requireEnv('BENCH_WATCH') === 'true',
    callbacks: {
      onStartedLeading: () =>
        sendToParent({
          type: 'leading',
          identity,
          sinceStartMs: performance.now() - startedAt,
          // On the system clock, so the parent can line it up with the server's request log.
          startedAtEpochMs: performance.timeOrigin + startedAt,
        }),
      onNewLeader: (holder) => sendToParent({ type: 'observed', holder }),
    },
  });
  onParentMessage((message) => {
    if (message.type !== 'stop') return;
    void elector
      .stop({ release: message.release === true })
      .then(() => sendToParent({ type: 'stopped' }))
      .finally(() => process.disconnect());
  });
  sendToParent({ type: 'ready' });
  // BENCH_SETTLE: collect the start-up garbage first, as the bootstrap of a real app (DI,
  // configuration) does between loading modules and starting the elector.
  if (process.env['BENCH_SETTLE'] === 'true') (globalThis as { gc?: () => void }).gc?.();
  startedAt = performance.now();
  elector.start();
}

try {
  main();
} catch (error) {
  reportFatal(error);
}
