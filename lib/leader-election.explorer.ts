import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { LEADER_ELECTION_LOGGER_CONTEXT } from './leader-election.constants.js';
import { NON_STATIC_HANDLER, UNKNOWN_ELECTION_IN_DECORATOR } from './leader-election.messages.js';
import { LeaderElectionMetadataAccessor } from './leader-election-metadata.accessor.js';
import { LeaderElectionRegistry } from './leader-election.registry.js';
import {
  bindGatedInstance,
  bindGatedPrototype,
  type GateBindings,
  type LeadershipGate,
} from './leader-election-gate.registry.js';

/** @internal What the explorer needs from the service. */
export interface ExplorerHost extends LeadershipGate {
  /** The registered election's name for a decorator argument; throws for an unknown one. */
  resolveElectionName(election?: string): string;
}

/**
 * @internal
 * Finds decorated methods on the application's controllers and providers (the @nestjs/schedule
 * pattern): binds instances with `@OnLeader`/`@OnFollower` methods to this application's
 * service, and registers lifecycle handlers. Unknown election names fail `app.init()`.
 */
@Injectable()
export class LeaderElectionExplorer {
  private readonly logger = new Logger(LEADER_ELECTION_LOGGER_CONTEXT);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: LeaderElectionMetadataAccessor,
    private readonly registry: LeaderElectionRegistry,
  ) {}

  explore(host: ExplorerHost, bindings: GateBindings): void {
    const wrappers = [...this.discovery.getControllers(), ...this.discovery.getProviders()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype: object | null = Object.getPrototypeOf(instance);
      if (!prototype) continue;
      const isStatic = wrapper.isDependencyTreeStatic();
      const className = instance.constructor?.name ?? String(wrapper.name);
      let gated = false;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn: unknown = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const gate = this.accessor.getGate(fn);
        if (gate) {
          this.resolve(host, gate.election, gate.decorator, className, method);
          gated = true;
        }
        for (const handler of this.accessor.getHandlers(fn)) {
          const election = this.resolve(host, handler.election, handler.kind, className, method);
          if (!isStatic) {
            this.logger.warn(NON_STATIC_HANDLER(handler.kind, className, method));
            continue;
          }
          this.registry.add(handler.kind, election, instance, method);
        }
      }
      if (gated) {
        // Request-scoped and transient instances are created outside discovery: they find
        // their application through the prototype. Singletons are bound by instance only, so a
        // stray `new` of their class is not mistaken for the application's instance.
        if (isStatic) bindGatedInstance(bindings, instance, host);
        if (!isStatic || wrapper.isTransient) bindGatedPrototype(bindings, prototype, host);
      }
    }
  }

  private resolve(
    host: ExplorerHost,
    election: string | undefined,
    decorator: string,
    className: string,
    method: string,
  ): string {
    try {
      return host.resolveElectionName(election);
    } catch (error) {
      throw new Error(
        UNKNOWN_ELECTION_IN_DECORATOR(decorator, className, method, (error as Error).message),
        { cause: error },
      );
    }
  }
}
