import { LockError } from '../../lib/core/errors.js';
import type { Prng } from './prng.js';
import { conflictError } from './sim-lease-store.js';
import type { Fault } from './simulation.types.js';

export type LockOperation = 'get' | 'create' | 'update';

type WindowFault = Extract<Fault, { from: number }>;

/** A windowed fault in force, with its target resolved to a slot (or every slot). */
export interface ActiveFault {
  fault: WindowFault;
  slot: number | 'all';
}

/** What will happen to one request, decided when it is sent. */
export interface RequestPlan {
  /** Virtual time the request reaches the server; null = never (partition). */
  arriveAt: number | null;
  /** Virtual ms from the server's answer to the client. */
  responseDelay: number;
  /** An error the server answers instead of applying the request. */
  injected?: LockError;
  /** Applied, but the response never reaches the client. */
  lost: boolean;
}

/**
 * The network and the faulty parts of the API server: per-request latency, injected status
 * codes, lost responses and partitions, according to the faults currently in force.
 */
export class SimNetwork {
  private readonly active: ActiveFault[] = [];
  /** Latest arrival time of any request planned so far (in-flight work after faults stop). */
  latestArrival = 0;
  /** Requests sent so far. */
  requests = 0;

  constructor(
    private readonly rng: Prng,
    private readonly normal: { min: number; max: number },
    private readonly leaseName: string,
  ) {}

  activate(fault: WindowFault, slot: number | 'all'): ActiveFault {
    const a = { fault, slot };
    this.active.push(a);
    return a;
  }

  deactivate(a: ActiveFault): void {
    const i = this.active.indexOf(a);
    if (i >= 0) this.active.splice(i, 1);
  }

  partitioned(slot: number): boolean {
    for (const a of this.active) if (a.fault.kind === 'partition' && a.slot === slot) return true;
    return false;
  }

  /** One-way latency of a healthy hop. */
  latency(): number {
    return this.rng.range(this.normal.min, this.normal.max);
  }

  plan(slot: number, op: LockOperation, now: number): RequestPlan {
    this.requests++;
    if (this.partitioned(slot)) return { arriveAt: null, responseDelay: 0, lost: false };
    let there = this.latency();
    let back = this.latency();
    let injected: LockError | undefined;
    let lost = false;
    for (const a of this.active) {
      if (a.slot !== 'all' && a.slot !== slot) continue;
      const f = a.fault;
      switch (f.kind) {
        case 'latency':
          if (this.rng.chance(f.probability)) {
            const total = this.rng.range(f.minLatency ?? 0, f.maxLatency);
            const split = this.rng.next();
            there = Math.max(there, total * split);
            back = Math.max(back, total * (1 - split));
          }
          break;
        case 'errors':
          if (!injected && this.rng.chance(f.probability)) injected = statusError(f.status);
          break;
        case 'conflicts':
          if (!injected && op !== 'get' && this.rng.chance(f.probability)) {
            injected =
              op === 'create'
                ? new LockError(
                    'AlreadyExists',
                    `leases.coordination.k8s.io "${this.leaseName}" already exists`,
                    409,
                  )
                : conflictError(this.leaseName);
          }
          break;
        case 'lost-responses':
          if (this.rng.chance(f.probability)) lost = true;
          break;
        case 'partition':
          break;
      }
    }
    const arriveAt = now + there;
    if (arriveAt > this.latestArrival) this.latestArrival = arriveAt;
    return { arriveAt, responseDelay: back, injected, lost };
  }
}

function statusError(status: 500 | 503 | 504): LockError {
  if (status === 504)
    return new LockError(
      'Timeout',
      'the server was unable to return a response in the time allotted (504)',
      504,
    );
  if (status === 503)
    return new LockError(
      'Unavailable',
      'the server is currently unable to handle the request (503)',
      503,
    );
  return new LockError('Unknown', 'Internal error occurred (500)', 500);
}
