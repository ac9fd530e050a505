import { hostname as osHostname } from 'node:os';
import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type LeaderElectionLogger } from '../logger.js';
import { lockMessages } from '../messages.js';
import { formatRfc3339Seconds } from '../locks/record-format.js';
import { kubeCall, type KubeRequestContext } from './request-options.js';

/** The object an event is about (client-go's `involvedObject`). */
export interface EventSubject {
  kind: 'Lease' | 'ConfigMap' | 'Endpoints';
  apiVersion: string;
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

export interface EventRecorderOptions {
  coreApi: Pick<CoreV1Api, 'createNamespacedEvent'>;
  context: KubeRequestContext;
  /** `source.component` and `reportingComponent`. @default 'nestjs-leader-election' */
  component?: string;
  /** `source.host` and `reportingInstance`. @default os.hostname() */
  host?: string;
  /** @default systemClock */
  clock?: Clock;
  /** @default Math.random (event names when the lock name is too long) */
  random?: () => number;
  /** @default silentLogger */
  logger?: LeaderElectionLogger;
  /** Events being sent at once; more are dropped (with a debug log). @default 8 */
  maxInFlight?: number;
  /** Per-event request timeout in ms. @default 10000 */
  timeoutMs?: number;
}

/** A DNS-1123 subdomain, which an event name must be. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Posts core/v1 Events the way client-go's legacy recorder does for leader election
 * (`reason: LeaderElection`, `type: Normal`), fire-and-forget: one attempt per event, a bounded
 * number in flight, failures logged at debug level only. Events are informational, so losing one
 * must never slow down or break the elector; client-go's 12 retries would only queue up behind an
 * unreachable API server.
 */
export class EventRecorder {
  private readonly component: string;
  private readonly host: string;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: LeaderElectionLogger;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private lastNanos = 0n;

  constructor(private readonly options: EventRecorderOptions) {
    this.component = options.component ?? 'nestjs-leader-election';
    this.host = options.host ?? osHostname();
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.maxInFlight = options.maxInFlight ?? 8;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Sends a Normal `LeaderElection` event; never throws, never waits. */
  record(subject: EventSubject, message: string): void {
    const object = `${subject.kind} ${subject.namespace}/${subject.name}`;
    try {
      if (this.inFlight.size >= this.maxInFlight) {
        this.logger.debug?.(lockMessages.eventDropped(object, message, this.maxInFlight));
        return;
      }
      const sending = this.send(subject, message, object);
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    } catch (err) {
      this.logger.debug?.(lockMessages.eventFailed(object, message, String(err)));
    }
  }

  /** Resolves when every event handed to `record` so far has been sent or given up. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The Event object `record` posts (exposed for tests of the exact shape). */
  buildEvent(subject: EventSubject, message: string): CoreV1Event {
    const now = this.clock.wallNow();
    const stamp = formatRfc3339Seconds(now);
    const involvedObject: CoreV1Event['involvedObject'] = {
      kind: subject.kind,
      apiVersion: subject.apiVersion,
      namespace: subject.namespace,
      name: subject.name,
    };
    if (subject.uid) involvedObject.uid = subject.uid;
    if (subject.resourceVersion) involvedObject.resourceVersion = subject.resourceVersion;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: this.eventName(subject.name, now), namespace: subject.namespace },
      involvedObject,
      reason: 'LeaderElection',
      message,
      type: 'Normal',
      // metav1.Time is whole seconds; client-node passes strings through unchanged, a Date would
      // be written with milliseconds.
      firstTimestamp: stamp as unknown as Date,
      lastTimestamp: stamp as unknown as Date,
      count: 1,
      source: { component: this.component, host: this.host },
      reportingComponent: this.component,
      reportingInstance: this.host,
    };
  }

  private async send(subject: EventSubject, message: string, object: string): Promise<void> {
    const body = this.buildEvent(subject, message);
    const controller = new AbortController();
    const cancelTimer = this.clock.setTimer(() => controller.abort(), this.timeoutMs);
    try {
      await kubeCall(
        (options) =>
          this.options.coreApi.createNamespacedEvent(
            { namespace: subject.namespace, body },
            options,
          ),
        { verb: 'create', group: '', resource: 'events', namespace: subject.namespace },
        this.options.context,
        controller.signal,
      );
    } catch (err) {
      this.logger.debug?.(
        lockMessages.eventFailed(object, message, err instanceof Error ? err.message : String(err)),
      );
    } finally {
      cancelTimer();
    }
  }

  /**
   * client-go's `<name>.<hex unixnano>`, kept strictly increasing so two events in the same
   * millisecond do not collide; a random UUID-like name when that is not a valid DNS subdomain.
   */
  private eventName(lockName: string, now: Date): string {
    let nanos = BigInt(now.getTime()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    const name = `${lockName}.${nanos.toString(16)}`;
    if (name.length <= 253 && DNS_SUBDOMAIN.test(name)) return name;
    return Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16)).join('');
  }
}
