/**
 * Child entry point: the control for the idle section's leader process. It makes the same API
 * traffic as BENCH_COUNT leaders, directly with `@kubernetes/client-node` and no elector: one
 * Lease each, a watch on each (`fieldSelector=metadata.name=…`, bookmarks on, as the locks
 * watch), and every retryPeriod one PUT per lease from the last answer (the leaders' fast
 * path), with the library's request options (its pooled keep-alive connections and HTTP
 * transport, as the locks use them). Its CPU is what those requests and the watch events they
 * echo cost without an elector, so the least a leader process can cost. Same IPC protocol as
 * idle-elections.child.
 */
import {
  CoordinationV1Api,
  KubeConfig,
  V1MicroTime,
  Watch,
  type V1Lease,
} from '@kubernetes/client-node';
import { sharedAgentCache } from '../../lib/core/kube/agent-cache.js';
import { requestOptions } from '../../lib/core/kube/request-options.js';
import {
  measureIdleWindow,
  numberEnv,
  onParentMessage,
  reportFatal,
  requireEnv,
  sendToParent,
  tieLifetimeToParent,
} from './child-ipc.js';

const NAMESPACE = 'default';
const LEASES_PATH = `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases`;

async function main(): Promise<void> {
  tieLifetimeToParent(numberEnv('BENCH_MAX_LIFETIME_MS'));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(requireEnv('BENCH_KUBECONFIG_YAML'));
  const identity = requireEnv('BENCH_IDENTITY');
  const prefix = requireEnv('BENCH_LEASE_PREFIX');
  const count = numberEnv('BENCH_COUNT');
  const retryPeriod = numberEnv('BENCH_RETRY_PERIOD');
  const leaseSeconds = Math.round(numberEnv('BENCH_LEASE_DURATION') / 1000);
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const watch = new Watch(kubeConfig);
  const options = () => requestOptions(undefined, undefined, sharedAgentCache);
  const controllers: AbortController[] = [];
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const leases: V1Lease[] = [];
  for (let i = 0; i < count; i++) {
    const now = new V1MicroTime();
    leases.push(
      await api.createNamespacedLease(
        {
          namespace: NAMESPACE,
          body: {
            metadata: { name: `${prefix}-${i}`, namespace: NAMESPACE },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: leaseSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        },
        options(),
      ),
    );
  }
  leases.forEach((lease, i) => {
    const name = lease.metadata!.name!;
    const open = () => {
      const resourceVersion = leases[i]!.metadata!.resourceVersion!;
      void watch
        .watch(
          LEASES_PATH,
          {
            fieldSelector: `metadata.name=${name}`,
            allowWatchBookmarks: true,
            resourceVersion,
            timeoutSeconds: 270,
          },
          () => undefined,
          () => {
            if (timer !== undefined) open();
          },
        )
        .then((controller) => controllers.push(controller));
    };
    open();
  });
  const renewAll = () => {
    leases.forEach((lease, i) => {
      // Times as V1MicroTime (6 fractional digits), as the Lease lock writes them.
      const spec = lease.spec!;
      spec.acquireTime = new V1MicroTime(new Date(spec.acquireTime!).getTime());
      spec.renewTime = new V1MicroTime();
      api
        .replaceNamespacedLease(
          { name: lease.metadata!.name!, namespace: NAMESPACE, body: lease },
          options(),
        )
        .then(
          (answer) => (leases[i] = answer),
          () => (failures += 1),
        );
    });
  };
  timer = setInterval(renewAll, retryPeriod);

  onParentMessage((message) => {
    if (message.type === 'measure')
      measure(Number(message.ms), count, () => failures).catch(reportFatal);
    if (message.type === 'exit') {
      clearInterval(timer);
      timer = undefined;
      for (const controller of controllers) controller.abort();
      sharedAgentCache.closeIdle();
      process.disconnect();
    }
  });
  sendToParent({ type: 'ready' });
}

async function measure(ms: number, count: number, failures: () => number): Promise<void> {
  const failedBefore = failures();
  const window = await measureIdleWindow(ms);
  if (failures() > failedBefore) throw new Error(`${failures() - failedBefore} renewals failed`);
  // Not an election: every lease stays held by this process.
  sendToParent({ type: 'result', ...window, leading: count });
}

main().catch(reportFatal);
