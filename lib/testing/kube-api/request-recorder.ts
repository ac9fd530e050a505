/**
 * What the server counts and remembers about requests: counters per token and verb, and a
 * bounded ring of the most recent requests (for assertions like "the follower sent no GET").
 */
import type { RequestCounters, RequestLogEntry } from '../kube-api-test-server.types.js';

export class RequestRecorder {
  private ring: RequestLogEntry[] = [];
  /** Index of the oldest entry once the ring is full. */
  private next = 0;
  private byToken: Record<string, Record<string, number>> = {};
  private total = 0;

  constructor(private readonly capacity: number) {}

  /** Counts a request and keeps its entry; the caller fills in `status` once it is known. */
  record(entry: RequestLogEntry): RequestLogEntry {
    const counts = (this.byToken[entry.token] ??= {});
    counts[entry.verb] = (counts[entry.verb] ?? 0) + 1;
    this.total++;
    if (this.capacity <= 0) return entry;
    if (this.ring.length < this.capacity) {
      this.ring.push(entry);
    } else {
      this.ring[this.next] = entry;
      this.next = (this.next + 1) % this.capacity;
    }
    return entry;
  }

  /** Copies of the kept entries, oldest first. */
  entries(): RequestLogEntry[] {
    const ordered =
      this.ring.length < this.capacity
        ? this.ring
        : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.map((e) => ({ ...e }));
  }

  counters(): RequestCounters {
    const byToken: Record<string, Record<string, number>> = {};
    for (const [token, counts] of Object.entries(this.byToken)) byToken[token] = { ...counts };
    return { byToken, total: this.total };
  }

  resetCounters(): void {
    this.byToken = {};
    this.total = 0;
  }

  clearEntries(): void {
    this.ring = [];
    this.next = 0;
  }
}
