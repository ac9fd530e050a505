import { ApiException, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../clock.js';
import type { LeaderElectionLogger } from '../logger.js';
import { lockMessages, type KubeRequestTarget } from '../messages.js';
import { toLockError, type KubeRequestContext } from '../kube/request-options.js';
import type {
  LockWatchEvent,
  LockWatchHandle,
  LockWatchHandlers,
} from './resource-lock.interface.js';

/** What a lock gives `watchObject` about itself. */
export interface ObjectWatchSource {
  kubeConfig: KubeConfig;
  context: KubeRequestContext;
  /** Collection path, e.g. `/apis/coordination.k8s.io/v1/namespaces/ns/leases`. */
  path: string;
  target: KubeRequestTarget;
  clock: Clock;
  random: () => number;
  logger: LeaderElectionLogger;
  /** The resourceVersion to resume from, if the lock has seen one. */
  resumeFrom(): string | undefined;
  /** A BOOKMARK moved the resume point. */
  onBookmark(resourceVersion: string): void;
  /** Applies a watched object to the lock's cache; returns the event to deliver, if it is news. */
  onObject(type: LockWatchEvent['type'], object: unknown): LockWatchEvent | undefined;
  /** Re-reads the object after 410; returns an event when the state changed. */
  relist(signal: AbortSignal): Promise<LockWatchEvent | undefined>;
}

/** A relist GET must not hang the watch forever. */
const RELIST_TIMEOUT_MS = 10_000;

/**
 * Watches one object (`fieldSelector=metadata.name=<name>`, bookmarks on) through client-node's
 * `Watch`. The server ends each watch after a random 240–300 s, so a healthy follower costs
 * less than one request per minute. 410 Expired is handled here (GET, then a fresh watch);
 * any other end is reported once through `onClose`, and the caller decides when to watch again.
 */
export function watchObject(
  source: ObjectWatchSource,
  handlers: LockWatchHandlers,
): LockWatchHandle {
  let stopped = false;
  let closed = false;
  let attempt: AbortController | undefined;
  let relistController: AbortController | undefined;

  const close = (err?: Error) => {
    if (closed) return;
    closed = true;
    attempt?.abort();
    if (stopped) return;
    try {
      handlers.onClose(err);
    } catch (callbackErr) {
      source.logger.error(`watch onClose handler threw: ${String(callbackErr)}`);
    }
  };

  const deliver = (event: LockWatchEvent | undefined) => {
    if (!event || stopped || closed) return;
    try {
      handlers.onEvent(event);
    } catch (callbackErr) {
      source.logger.error(`watch onEvent handler threw: ${String(callbackErr)}`);
    }
  };

  const relistThenWatch = async () => {
    source.logger.debug?.(lockMessages.watchExpired(describe(source.target)));
    relistController = new AbortController();
    const controller = relistController;
    const cancelTimer = source.clock.setTimer(() => controller.abort(), RELIST_TIMEOUT_MS);
    try {
      const event = await source.relist(controller.signal);
      deliver(event);
    } catch (err) {
      close(err instanceof Error ? err : new Error(String(err)));
      return;
    } finally {
      cancelTimer();
      relistController = undefined;
    }
    // No resourceVersion: the server starts from the current state (one synthetic ADDED, which
    // the lock recognises as already seen), so an object RV older than the server's history
    // cannot cause another 410.
    if (!stopped && !closed) start(undefined);
  };

  const start = (resourceVersion: string | undefined) => {
    const controller = new AbortController();
    attempt = controller;
    let expired = false;
    let failure: Error | undefined;
    const query: Record<string, string | number | boolean> = {
      fieldSelector: `metadata.name=${source.target.name ?? ''}`,
      allowWatchBookmarks: true,
      timeoutSeconds: 240 + Math.floor(source.random() * 61),
    };
    if (resourceVersion) query['resourceVersion'] = resourceVersion;

    const onLine = (type: string, object: unknown) => {
      if (attempt !== controller || stopped || closed) return;
      switch (type) {
        case 'ADDED':
        case 'MODIFIED':
        case 'DELETED':
          deliver(source.onObject(type, object));
          break;
        case 'BOOKMARK': {
          const rv = (object as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata
            ?.resourceVersion;
          if (typeof rv === 'string' && rv !== '') source.onBookmark(rv);
          break;
        }
        case 'ERROR': {
          const status = (object ?? {}) as { code?: unknown; reason?: unknown };
          if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone')
            expired = true;
          else
            failure = toLockError(
              new ApiException(
                Number(status.code) || 500,
                'watch error',
                JSON.stringify(object),
                {},
              ),
              source.target,
              source.context,
            );
          controller.abort();
          break;
        }
      }
    };

    const onDone = (err: unknown) => {
      if (attempt !== controller || stopped || closed) return;
      if (expired) {
        void relistThenWatch();
        return;
      }
      if (failure) close(failure);
      else if (err) close(toLockError(err, source.target, source.context, undefined));
      else close(undefined);
    };

    new Watch(withSignal(source.kubeConfig, controller.signal))
      .watch(source.path, query, onLine, onDone)
      .catch(onDone);
  };

  start(source.resumeFrom());

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      attempt?.abort();
      relistController?.abort();
      closed = true;
    },
  };
}

function describe(target: KubeRequestTarget): string {
  return `${target.resource} ${target.namespace}/${target.name ?? ''}`;
}

/**
 * client-node 1.4.0's `Watch` hands back its AbortController only once response headers have
 * arrived, so a server that never answers could not be stopped. This view of the KubeConfig
 * adds our signal to the fetch options the Watch builds (the Watch then assigns its own signal,
 * which the setter combines with ours).
 */
function withSignal(kubeConfig: KubeConfig, signal: AbortSignal): KubeConfig {
  const view = {
    getCurrentCluster: () => kubeConfig.getCurrentCluster(),
    applyToFetchOptions: async (opts: Parameters<KubeConfig['applyToFetchOptions']>[0]) => {
      const init = (await kubeConfig.applyToFetchOptions(opts)) as Record<string, unknown>;
      let combined: AbortSignal = signal;
      Object.defineProperty(init, 'signal', {
        configurable: true,
        enumerable: true,
        get: () => combined,
        set: (own: AbortSignal | undefined) => {
          combined = own ? AbortSignal.any([own, signal]) : signal;
        },
      });
      return init;
    },
  };
  return view as unknown as KubeConfig;
}
