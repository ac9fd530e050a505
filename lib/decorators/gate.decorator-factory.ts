import { LEADER_ELECTION_GATE_METADATA } from '../leader-election.constants.js';
import { resolveGate } from '../leader-election-gate.registry.js';

/** @internal Metadata the explorer reads from a gated method. */
export interface GateMetadata {
  role: 'leader' | 'follower';
  decorator: 'OnLeader' | 'OnFollower';
  election?: string;
}

/**
 * @internal
 * Builds `@OnLeader()` / `@OnFollower()`: replaces the method with a wrapper that asks, at call
 * time, the service of the application that owns `this`.
 *
 * The wrapper carries over every metadata key of the method it wraps, so it works above or
 * below decorators that store metadata on the function (`@Cron`, `@Interval`, `@Timeout`,
 * route decorators): legacy decorators apply bottom-up, and one applied later writes onto the
 * wrapper directly.
 */
export function createGateDecorator(
  role: GateMetadata['role'],
  decorator: GateMetadata['decorator'],
  election: string | undefined,
): MethodDecorator {
  return (target, key, descriptor: PropertyDescriptor) => {
    const original: unknown = descriptor.value;
    const method = String(key);
    const className =
      typeof target === 'function' ? target.name : (target.constructor?.name ?? 'Object');
    if (typeof original !== 'function') {
      throw new TypeError(
        `@${decorator}() can only decorate methods; ${className}.${method} is not one.`,
      );
    }
    const allowed =
      role === 'leader'
        ? (gate: { isLeader(e?: string): boolean }) => gate.isLeader(election)
        : (gate: { isFollower(e?: string): boolean }) => gate.isFollower(election);

    const tracksInFlight = role === 'leader';
    const gated = function (this: unknown, ...args: unknown[]): unknown {
      const gate = resolveGate(this, gated, decorator, className, method);
      if (gate === undefined) return undefined;
      if (allowed(gate)) {
        const result: unknown = original.apply(this, args);
        // Async leader work is counted until it settles, so a release can wait for it.
        if (tracksInFlight && typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
          gate.trackInFlight(result as PromiseLike<unknown>, election);
        }
        return result;
      }
      gate.onSkipped(decorator, className, method, election);
      return undefined;
    };

    for (const metadataKey of Reflect.getOwnMetadataKeys(original)) {
      Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, original), gated);
    }
    Object.defineProperty(gated, 'name', { value: original.name, configurable: true });
    const metadata: GateMetadata = { role, decorator, election };
    Reflect.defineMetadata(LEADER_ELECTION_GATE_METADATA, metadata, gated);
    descriptor.value = gated;
    return descriptor;
  };
}
