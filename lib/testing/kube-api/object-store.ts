/**
 * The storage behind the test server: objects by bucket → namespace → name, one global revision
 * counter shared by every resource (etcd's), and a bounded history of changes that watches
 * resume from (older revisions are "compacted" and answer 410 Expired).
 */

type Obj = Record<string, unknown>;

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  bucket: string;
  namespace: string;
  name: string;
  /** The revision of this change. */
  rv: number;
  /** The stored object after the change; for DELETED the last state, stamped with `rv`. */
  object: Obj;
  /** The object before the change (MODIFIED and DELETED). */
  previous?: Obj;
  /** Serialised watch lines, per representation, filled lazily by watch streams. */
  lines?: Map<string, string>;
}

type Listener = (event: StoreEvent) => void;

export class ObjectStore {
  private revision = 0;
  private readonly buckets = new Map<string, Map<string, Map<string, Obj>>>();
  private history: Array<StoreEvent | undefined> = [];
  private historyStart = 0;
  /** Watches may resume from this revision or later; older ones are expired. */
  private oldestResumable = 0;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly historyLimit: number) {}

  currentRevision(): number {
    return this.revision;
  }

  /** The oldest revision a watch can still start from. */
  oldestResumableRevision(): number {
    return this.oldestResumable;
  }

  /** The stored object itself (not a copy): callers must not mutate it. */
  get(bucket: string, namespace: string, name: string): Obj | undefined {
    return this.buckets.get(bucket)?.get(namespace)?.get(name);
  }

  /** Stored objects sorted by namespace then name (etcd key order); `namespace` undefined = all. */
  list(bucket: string, namespace?: string): Obj[] {
    const byNamespace = this.buckets.get(bucket);
    if (!byNamespace) return [];
    const namespaces =
      namespace === undefined
        ? [...byNamespace.keys()].sort()
        : byNamespace.has(namespace)
          ? [namespace]
          : [];
    const out: Obj[] = [];
    for (const ns of namespaces) {
      const names = byNamespace.get(ns);
      if (!names) continue;
      for (const name of [...names.keys()].sort()) out.push(names.get(name) as Obj);
    }
    return out;
  }

  /**
   * Stores `object` (which the store now owns) under a new revision, written into
   * `metadata.resourceVersion`, and notifies watchers.
   */
  put(bucket: string, namespace: string, name: string, object: Obj): StoreEvent {
    const names = this.namesOf(bucket, namespace);
    const previous = names.get(name);
    const rv = ++this.revision;
    (object.metadata as Obj).resourceVersion = String(rv);
    names.set(name, object);
    return this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      bucket,
      namespace,
      name,
      rv,
      object,
      previous,
    });
  }

  /** Removes an object; a delete consumes a revision too. */
  remove(bucket: string, namespace: string, name: string): StoreEvent | undefined {
    const names = this.buckets.get(bucket)?.get(namespace);
    const previous = names?.get(name);
    if (!names || !previous) return undefined;
    names.delete(name);
    const rv = ++this.revision;
    const object: Obj = {
      ...previous,
      metadata: { ...(previous.metadata as Obj), resourceVersion: String(rv) },
    };
    return this.emit({ type: 'DELETED', bucket, namespace, name, rv, object, previous });
  }

  /**
   * Changes after `rv`, oldest first, or `undefined` when they are no longer kept (the caller
   * answers 410 Expired).
   */
  changesSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestResumable) return undefined;
    const out: StoreEvent[] = [];
    // History is sorted by revision; scan from the end since watchers resume from recent RVs.
    let i = this.history.length - 1;
    while (i >= this.historyStart && (this.history[i] as StoreEvent).rv > rv) i--;
    for (let j = i + 1; j < this.history.length; j++) out.push(this.history[j] as StoreEvent);
    return out;
  }

  /** Forgets all history: only the current revision (or later) can be watched from. */
  compact(): void {
    this.history = [];
    this.historyStart = 0;
    this.oldestResumable = this.revision;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private namesOf(bucket: string, namespace: string): Map<string, Obj> {
    let byNamespace = this.buckets.get(bucket);
    if (!byNamespace) this.buckets.set(bucket, (byNamespace = new Map()));
    let names = byNamespace.get(namespace);
    if (!names) byNamespace.set(namespace, (names = new Map()));
    return names;
  }

  private emit(event: StoreEvent): StoreEvent {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.oldestResumable = (this.history[this.historyStart] as StoreEvent).rv;
      this.history[this.historyStart] = undefined;
      this.historyStart++;
      // Amortised O(1): drop the dead prefix once it is as long as the live part.
      if (this.historyStart > 1024 && this.historyStart * 2 > this.history.length) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const listener of [...this.listeners]) listener(event);
    return event;
  }
}
