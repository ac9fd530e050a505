import { Logger } from '@nestjs/common';
import { LEADER_ELECTION_LOGGER_CONTEXT } from './leader-election.constants.js';
import { AMBIGUOUS_INSTANCE, UNBOUND_INSTANCE } from './leader-election.messages.js';

/**
 * @internal
 * What an `@OnLeader()` / `@OnFollower()` wrapper asks at call time.
 */
export interface LeadershipGate {
  isLeader(election?: string): boolean;
  isFollower(election?: string): boolean;
  /** Called when a gated call is skipped (debug log). */
  onSkipped(decorator: string, className: string, method: string, election?: string): void;
  /** An `@OnLeader()` call returned a promise: counted as in flight until it settles. */
  trackInFlight(result: PromiseLike<unknown>, election?: string): void;
}

/*
 * Several Nest applications can run in one process and share a decorated class's prototype, so
 * the wrapper cannot close over one service: it looks up `this`. Instances discovered by an
 * application's explorer map to that application's service. Prototypes are the fallback for
 * instances Nest created outside discovery (request-scoped providers); a prototype used by two
 * running applications is ambiguous and the call is skipped.
 */
const gateByInstance = new WeakMap<object, LeadershipGate>();
const gatesByPrototype = new WeakMap<object, Set<LeadershipGate>>();
const warned = new WeakSet<object>();
const logger = new Logger(LEADER_ELECTION_LOGGER_CONTEXT);

/** @internal Bindings made by one application, undone when it closes. */
export interface GateBindings {
  instances: object[];
  prototypes: object[];
}

/** @internal */
export function bindGatedInstance(bindings: GateBindings, instance: object, gate: LeadershipGate) {
  gateByInstance.set(instance, gate);
  bindings.instances.push(instance);
}

/** @internal */
export function bindGatedPrototype(
  bindings: GateBindings,
  prototype: object,
  gate: LeadershipGate,
) {
  let gates = gatesByPrototype.get(prototype);
  if (!gates) gatesByPrototype.set(prototype, (gates = new Set()));
  gates.add(gate);
  bindings.prototypes.push(prototype);
}

/** @internal */
export function unbindGates(bindings: GateBindings, gate: LeadershipGate) {
  for (const instance of bindings.instances) {
    if (gateByInstance.get(instance) === gate) gateByInstance.delete(instance);
  }
  for (const prototype of bindings.prototypes) {
    const gates = gatesByPrototype.get(prototype);
    gates?.delete(gate);
    if (gates?.size === 0) gatesByPrototype.delete(prototype);
  }
  bindings.instances.length = 0;
  bindings.prototypes.length = 0;
}

/**
 * @internal
 * The gate for `target` (the `this` of a gated call), or undefined after warning once per
 * gated method (`key`).
 */
export function resolveGate(
  target: unknown,
  key: object,
  decorator: string,
  className: string,
  method: string,
): LeadershipGate | undefined {
  if (typeof target === 'object' && target !== null) {
    const gate = gateByInstance.get(target);
    if (gate) return gate;
    const gates = gatesByPrototype.get(Object.getPrototypeOf(target));
    if (gates?.size === 1) return gates.values().next().value;
    if (gates && gates.size > 1) {
      warnOnce(key, AMBIGUOUS_INSTANCE(decorator, className, method));
      return undefined;
    }
  }
  warnOnce(key, UNBOUND_INSTANCE(decorator, className, method));
  return undefined;
}

function warnOnce(key: object, message: string) {
  if (warned.has(key)) return;
  warned.add(key);
  logger.warn(message);
}
