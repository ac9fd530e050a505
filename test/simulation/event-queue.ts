/** One scheduled action of the simulation. */
export interface QueuedEvent {
  readonly time: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/**
 * The simulation's single source of ordering: a binary min-heap keyed by virtual time, ties
 * broken by insertion order, so equal-time events run in the order they were scheduled and a
 * seed always replays the same interleaving.
 */
export class EventQueue {
  private readonly heap: QueuedEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, run: () => void): QueuedEvent {
    if (!Number.isFinite(time))
      throw new Error(`EventQueue.push: time must be finite, got ${time}`);
    const event: QueuedEvent = { time, seq: this.seq++, run, cancelled: false };
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = event;
    return event;
  }

  /** The earliest event that is not cancelled, without removing it. */
  peek(): QueuedEvent | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.removeTop();
    return this.heap[0];
  }

  /** Removes and returns the earliest event that is not cancelled. */
  pop(): QueuedEvent | undefined {
    const top = this.peek();
    if (top) this.removeTop();
    return top;
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
