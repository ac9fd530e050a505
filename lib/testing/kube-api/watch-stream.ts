/**
 * One open watch: a chunked 200 response carrying one JSON event per line, as kube-apiserver
 * streams them. It filters store changes by namespace and selectors (turning a label change
 * across the selector into ADDED / DELETED, as the watch cache does), sends BOOKMARKs when asked,
 * honours `timeoutSeconds`, and ends on request.
 */
import type { ServerResponse } from 'node:http';
import type { ObjectStore, StoreEvent } from './object-store.js';
import type { ResourceDefinition } from './resource-definitions.js';
import type { KubeStatus } from './status-error.js';

type Obj = Record<string, unknown>;

export interface WatchStreamOptions {
  res: ServerResponse;
  def: ResourceDefinition;
  store: ObjectStore;
  /** '' = every namespace. */
  namespace: string;
  /** Selectors, applied to the stored (core) shape. */
  matches(o: Obj): boolean;
  /** Turns a stored object into the watch's representation (kind, apiVersion, field names). */
  present(o: Obj): Obj;
  /** 0 = no bookmarks. */
  bookmarkIntervalMs: number;
  /** 0 = no timeout. */
  timeoutMs: number;
  onClose(stream: WatchStream): void;
}

export class WatchStream {
  private closed = false;
  private unsubscribe: (() => void) | undefined;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private readonly representation: string;

  constructor(private readonly o: WatchStreamOptions) {
    this.representation = `${o.def.group}/${o.def.version}`;
    o.res.on('close', () => this.finish());
  }

  /** Writes the 200 head without ending it, so the client sees the stream open at once. */
  open(headers: Record<string, string | string[]>): void {
    this.o.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      ...headers,
    });
    this.o.res.flushHeaders();
  }

  /**
   * Sends `initial` (synthetic ADDED objects or replayed history), then follows the store.
   * Synchronous, so no change can slip between the replay and the subscription.
   */
  start(initial: { added?: Obj[]; replay?: StoreEvent[] }): void {
    for (const object of initial.added ?? []) this.writeLine('ADDED', object);
    for (const event of initial.replay ?? []) this.deliver(event);
    if (this.closed) return;
    this.unsubscribe = this.o.store.subscribe((event) => this.deliver(event));
    if (this.o.bookmarkIntervalMs > 0) {
      this.bookmarkTimer = setInterval(() => this.bookmark(), this.o.bookmarkIntervalMs);
    }
    if (this.o.timeoutMs > 0) {
      this.timeoutTimer = setTimeout(() => this.close(), this.o.timeoutMs);
    }
  }

  /** Sends one ERROR event with `status` and ends the stream (e.g. 410 Expired). */
  fail(status: KubeStatus): void {
    if (this.closed) return;
    this.o.res.write(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
    this.close();
  }

  /** Ends the stream: cleanly (the client sees a normal end) or by destroying the socket. */
  close(abrupt = false): void {
    if (this.closed) return;
    if (abrupt) this.o.res.socket?.destroy();
    else this.o.res.end();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.bookmarkTimer);
    clearTimeout(this.timeoutTimer);
    this.o.onClose(this);
  }

  private deliver(event: StoreEvent): void {
    const { def, namespace } = this.o;
    if (this.closed || event.bucket !== def.bucket) return;
    if (namespace && event.namespace !== namespace) return;
    const now = this.o.matches(event.object);
    const before = event.previous ? this.o.matches(event.previous) : false;
    let type: string;
    if (event.type === 'ADDED') {
      if (!now) return;
      type = 'ADDED';
    } else if (event.type === 'DELETED') {
      if (!before && !now) return;
      type = 'DELETED';
    } else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED';
    else return;
    // The common case (no selector transition) is serialised once for every watcher.
    if (type === event.type) {
      event.lines ??= new Map();
      let line = event.lines.get(this.representation);
      if (line === undefined) {
        line = `${JSON.stringify({ type, object: this.o.present(event.object) })}\n`;
        event.lines.set(this.representation, line);
      }
      this.o.res.write(line);
    } else {
      this.writeLine(type, event.object);
    }
  }

  private writeLine(type: string, object: Obj): void {
    this.o.res.write(`${JSON.stringify({ type, object: this.o.present(object) })}\n`);
  }

  private bookmark(): void {
    const { def } = this.o;
    const object = {
      kind: def.kind,
      apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
      metadata: { resourceVersion: String(this.o.store.currentRevision()) },
    };
    this.o.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
  }
}
