/**
 * Fault injection for `KubeApiTestServer`: each request is matched against the active faults in
 * the order they were added. Every matching latency fault adds its delay; the first matching
 * error / hang / drop-response fault decides what happens next. `times` counts matches.
 */
import type { Socket } from 'node:net';
import type {
  Fault,
  FaultHandle,
  FaultMatch,
  FaultOptions,
} from '../kube-api-test-server.types.js';
import { testServerMessages as t } from './kube-api.messages.js';

export interface FaultTarget {
  token: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
}

interface ActiveFault {
  fault: Fault;
  match: FaultMatch;
  remaining: number;
  /** Sockets of requests this fault is hanging; destroyed when it is cleared. */
  held: Set<Socket>;
}

export type FaultAction =
  | { kind: 'error'; code: number; message?: string }
  | { kind: 'hang'; hold(socket: Socket): void }
  | { kind: 'drop-response' };

export interface FaultDecision {
  latencyMs: number;
  action?: FaultAction;
}

function validate(fault: Fault): void {
  switch (fault?.kind) {
    case 'latency':
      if (typeof fault.ms !== 'number' || !Number.isFinite(fault.ms) || fault.ms < 0) {
        throw new TypeError(t.badFaultNumber('ms', fault.ms));
      }
      return;
    case 'error':
      if (!Number.isInteger(fault.code) || fault.code < 400 || fault.code > 599) {
        throw new TypeError(t.badErrorCode(fault.code));
      }
      return;
    case 'hang':
    case 'drop-response':
      return;
    default:
      throw new TypeError(t.badFault(fault));
  }
}

const matches = (m: FaultMatch, target: FaultTarget): boolean =>
  (m.token === undefined || m.token === target.token) &&
  (m.verb === undefined || m.verb === target.verb) &&
  (m.resource === undefined || m.resource === target.resource) &&
  (m.namespace === undefined || m.namespace === target.namespace) &&
  (m.name === undefined || m.name === target.name);

export class FaultInjector {
  private active: ActiveFault[] = [];
  /** Every fault ever added and not yet cleared: cleared faults release what they hold. */
  private readonly live = new Set<ActiveFault>();

  add(fault: Fault, options: FaultOptions = {}): FaultHandle {
    validate(fault);
    const times = options.times ?? Infinity;
    if (typeof times !== 'number' || Number.isNaN(times) || times < 0) {
      throw new TypeError(t.badFaultNumber('times', options.times));
    }
    const entry: ActiveFault = {
      fault: { ...fault },
      match: { ...(options.match ?? {}) },
      remaining: times,
      held: new Set(),
    };
    this.active.push(entry);
    this.live.add(entry);
    return { clear: () => this.release(entry) };
  }

  /** Decides the fate of one request and consumes the `times` of the faults that apply. */
  decide(target: FaultTarget): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    if (this.active.length === 0) return decision;
    for (const entry of this.active) {
      if (entry.remaining <= 0 || !matches(entry.match, target)) continue;
      const fault = entry.fault;
      if (fault.kind === 'latency') {
        decision.latencyMs += fault.ms;
      } else if (decision.action) {
        continue;
      } else if (fault.kind === 'error') {
        decision.action = { kind: 'error', code: fault.code, message: fault.message };
      } else if (fault.kind === 'hang') {
        decision.action = {
          kind: 'hang',
          hold: (socket) => {
            if (!this.live.has(entry)) {
              socket.destroy();
              return;
            }
            entry.held.add(socket);
            socket.once('close', () => entry.held.delete(socket));
          },
        };
      } else {
        decision.action = { kind: 'drop-response' };
      }
      entry.remaining--;
    }
    // Exhausted faults stay live (they may still hold sockets) but stop matching.
    this.active = this.active.filter((e) => e.remaining > 0);
    return decision;
  }

  /** Removes every fault and releases every hung request. */
  clearAll(): void {
    for (const entry of [...this.live]) this.release(entry);
  }

  private release(entry: ActiveFault): void {
    this.live.delete(entry);
    this.active = this.active.filter((e) => e !== entry);
    for (const socket of entry.held) socket.destroy();
    entry.held.clear();
  }
}
