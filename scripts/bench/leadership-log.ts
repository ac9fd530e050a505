import { waitTimedOut } from './bench.messages.js';

export interface LeadershipEvent {
  identity: string;
  /** performance.now() when onStartedLeading ran. */
  at: number;
}

/** Records in-process onStartedLeading calls and lets a trial wait for the next matching one. */
export class LeadershipLog {
  readonly events: LeadershipEvent[] = [];
  private readonly waiters = new Set<(event: LeadershipEvent) => void>();

  record(identity: string): void {
    const event = { identity, at: performance.now() };
    this.events.push(event);
    for (const waiter of [...this.waiters]) waiter(event);
  }

  /** The first event from index `fromIndex` on (past or future) that matches, within `timeoutMs`. */
  next(
    predicate: (event: LeadershipEvent) => boolean,
    fromIndex: number,
    timeoutMs: number,
    what: string,
  ): Promise<LeadershipEvent> {
    const past = this.events.slice(fromIndex).find(predicate);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const waiter = (event: LeadershipEvent) => {
        if (!predicate(event)) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(waitTimedOut(what, timeoutMs)));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
