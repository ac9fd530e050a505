import { ApiException, CoordinationV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import { wallNow } from './demo-replicas.js';

/** A holder change of the Lease as the demo observed it. */
export interface LeaseChange {
  /** Wall ms when the demo first saw it. */
  at: number;
  /** '' = free (released), undefined = no Lease yet. */
  holder: string | undefined;
  transitions: number | undefined;
}

interface LeaseLike {
  spec?: { holderIdentity?: string; leaseTransitions?: number };
}

/**
 * Follows one Lease through the API, the way `kubectl get lease -w` would: a watch for prompt
 * changes, plus a slow poll that covers gaps while a watch restarts. Works the same against the
 * embedded server and a real cluster.
 */
export class DemoLeaseObserver {
  holder: string | undefined;
  transitions: number | undefined;
  readonly history: LeaseChange[] = [];
  lastError: string | undefined;
  private readonly api: CoordinationV1Api;
  private watchAbort: AbortController | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly kubeConfig: KubeConfig,
    readonly namespace: string,
    readonly name: string,
    private readonly onChange: (change: LeaseChange) => void,
    private readonly pollMs = 250,
  ) {
    this.api = kubeConfig.makeApiClient(CoordinationV1Api);
  }

  start(): void {
    void this.startWatch();
    const poll = async () => {
      await this.poll();
      if (!this.stopped) this.pollTimer = setTimeout(poll, this.pollMs);
    };
    void poll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.restartTimer);
    this.watchAbort?.abort();
  }

  /** Deletes the Lease (real-cluster clean-up); returns an error text or undefined. */
  async deleteLease(): Promise<string | undefined> {
    try {
      await this.api.deleteNamespacedLease({ name: this.name, namespace: this.namespace });
      return undefined;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      return describeError(err);
    }
  }

  private see(lease: LeaseLike | undefined): void {
    const holder = lease ? (lease.spec?.holderIdentity ?? '') : undefined;
    const transitions = lease?.spec?.leaseTransitions;
    if (holder === this.holder && transitions === this.transitions) return;
    const holderChanged = holder !== this.holder || this.history.length === 0;
    this.holder = holder;
    this.transitions = transitions;
    if (!holderChanged) return;
    const change = { at: wallNow(), holder, transitions };
    this.history.push(change);
    this.onChange(change);
  }

  private async poll(): Promise<void> {
    try {
      this.see(await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace }));
      this.lastError = undefined;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) {
        this.lastError = undefined;
        if (this.holder !== undefined) this.see(undefined);
      } else {
        this.lastError = describeError(err);
      }
    }
  }

  private async startWatch(): Promise<void> {
    if (this.stopped) return;
    const restart = () => {
      if (!this.stopped) this.restartTimer = setTimeout(() => void this.startWatch(), 250);
    };
    try {
      this.watchAbort = await new Watch(this.kubeConfig).watch(
        `/apis/coordination.k8s.io/v1/namespaces/${this.namespace}/leases`,
        { fieldSelector: `metadata.name=${this.name}`, allowWatchBookmarks: true },
        (type: string, obj: LeaseLike) => {
          if (type === 'ADDED' || type === 'MODIFIED') this.see(obj);
          else if (type === 'DELETED') this.see(undefined);
        },
        () => restart(),
      );
      if (this.stopped) this.watchAbort.abort();
    } catch (err) {
      this.lastError = describeError(err);
      restart();
    }
  }
}

function describeError(err: unknown): string {
  if (err instanceof ApiException) {
    let message: string | undefined;
    try {
      message = (JSON.parse(String(err.body)) as { message?: string }).message;
    } catch {
      // Not a Status body.
    }
    return `HTTP ${err.code}${message ? `: ${message}` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}
