/**
 * The ordered log of writes to lock objects, and `waitFor()`, which resolves on a past or future
 * matching write. Its timers are unref'd and always cleared, so a waiting test never keeps the
 * process alive by itself.
 */
import type { WriteLogEntry } from '../kube-api-test-server.types.js';
import { testServerMessages as t } from './kube-api.messages.js';

interface Waiter {
  predicate(entry: WriteLogEntry): boolean;
  resolve(entry: WriteLogEntry): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class WriteLog {
  private log: WriteLogEntry[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly limit: number) {}

  append(entry: WriteLogEntry): void {
    if (this.limit > 0) {
      this.log.push(entry);
      // Trim in batches so appending stays O(1) amortised.
      if (this.log.length > this.limit * 1.25 + 16) this.log = this.log.slice(-this.limit);
    }
    for (const waiter of [...this.waiters]) {
      let matched: boolean;
      try {
        matched = waiter.predicate(entry);
      } catch (error) {
        this.settle(waiter);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (matched) {
        this.settle(waiter);
        waiter.resolve(entry);
      }
    }
  }

  entries(): WriteLogEntry[] {
    return this.log.length > this.limit ? this.log.slice(-this.limit) : [...this.log];
  }

  clear(): void {
    this.log = [];
  }

  waitFor(predicate: (entry: WriteLogEntry) => boolean, timeoutMs: number): Promise<WriteLogEntry> {
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      return Promise.reject(new TypeError(t.badTimeout(timeoutMs)));
    }
    try {
      const past = this.entries().find((e) => predicate(e));
      if (past) return Promise.resolve(past);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(t.waitForWriteTimeout(timeoutMs, this.log.length)));
        }, timeoutMs),
      };
      waiter.timer.unref();
      this.waiters.add(waiter);
    });
  }

  /** Rejects every pending `waitFor()` (the server is stopping). */
  close(): void {
    for (const waiter of [...this.waiters]) {
      this.settle(waiter);
      waiter.reject(new Error(t.waitForWriteStopped));
    }
  }

  private settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
  }
}
