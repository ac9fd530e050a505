import { Injectable, Logger } from '@nestjs/common';
import { LEADER_ELECTION_LOGGER_CONTEXT } from './leader-election.constants.js';
import { HANDLER_FAILED } from './leader-election.messages.js';
import type { HandlerKind } from './leader-election-metadata.accessor.js';

interface RegisteredHandler {
  className: string;
  method: string;
  call(args: readonly unknown[]): unknown;
}

/**
 * @internal
 * The lifecycle handlers one application discovered, per election. Invoking never throws and
 * never rejects: user code must not break the elector.
 */
@Injectable()
export class LeaderElectionRegistry {
  private readonly logger = new Logger(LEADER_ELECTION_LOGGER_CONTEXT);
  private readonly handlers = new Map<string, Map<HandlerKind, RegisteredHandler[]>>();

  add(kind: HandlerKind, election: string, instance: object, method: string): void {
    let byKind = this.handlers.get(election);
    if (!byKind) this.handlers.set(election, (byKind = new Map()));
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    const fn = (instance as Record<string, (...args: unknown[]) => unknown>)[method];
    list.push({
      className: instance.constructor?.name ?? 'Object',
      method,
      call: (args) => fn.apply(instance, args as unknown[]),
    });
  }

  count(kind: HandlerKind, election: string): number {
    return this.handlers.get(election)?.get(kind)?.length ?? 0;
  }

  /**
   * Calls every handler of `kind` for `election` at once (a started-leading handler may run for
   * the whole term) and resolves when all settled; failures are logged.
   */
  invoke(kind: HandlerKind, election: string, args: readonly unknown[]): Promise<void> {
    const list = this.handlers.get(election)?.get(kind);
    if (!list || list.length === 0) return Promise.resolve();
    const pending: Promise<unknown>[] = [];
    for (const handler of list) {
      const fail = (error: unknown) =>
        this.logger.error(
          HANDLER_FAILED(kind, handler.className, handler.method, election),
          error instanceof Error ? error.stack : String(error),
        );
      try {
        const result = handler.call(args);
        if (isThenable(result)) pending.push(Promise.resolve(result).catch(fail));
      } catch (error) {
        fail(error);
      }
    }
    return Promise.all(pending).then(() => undefined);
  }

  clear(): void {
    this.handlers.clear();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
