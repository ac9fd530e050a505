/**
 * A real elector over createLock against the API server in `argv[2]` (a kubeconfig file): it
 * leads, renews a few times, stops with release, and then leaves the event loop to end on its
 * own. Prints `{ idle }` (pooled connections still open when it finished) and, on exit, how
 * long the process lived after that (`{ exitDelayMs }`).
 */
import { writeSync } from 'node:fs';
import { LeaderElector } from '../../../lib/core/leader-elector.js';
import { sharedAgentCache } from '../../../lib/core/kube/agent-cache.js';
import { loadKubeConfig } from '../../../lib/core/kube/kube-config.js';
import { createLock } from '../../../lib/core/locks/lock-factory.js';

const kubeConfig = loadKubeConfig(process.argv[2] ?? '');
const lock = createLock({
  name: 'exit-child',
  namespace: 'keepalive',
  identity: 'child',
  kubeConfig,
});
const elector = new LeaderElector({
  lock,
  leaseDuration: 2000,
  renewDeadline: 1500,
  retryPeriod: 100,
});
elector.start();
await elector.whenLeader(AbortSignal.timeout(10_000));
await new Promise((resolve) => setTimeout(resolve, 500));
await elector.stop({ release: true });
// Node hands a socket back to the pool just after its response ended: let that happen.
await new Promise((resolve) => setTimeout(resolve, 50));

const idle = sharedAgentCache.connections().idle;
const doneAt = performance.now();
// Pipes are synchronous on Linux, and writeSync works inside an 'exit' handler.
writeSync(1, `${JSON.stringify({ idle })}\n`);
process.on('exit', () => {
  writeSync(1, `${JSON.stringify({ exitDelayMs: performance.now() - doneAt })}\n`);
});
