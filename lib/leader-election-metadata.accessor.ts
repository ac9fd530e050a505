import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  LEADER_ELECTION_GATE_METADATA,
  ON_NEW_LEADER_METADATA,
  ON_STARTED_LEADING_METADATA,
  ON_STOPPED_LEADING_METADATA,
} from './leader-election.constants.js';
import type { GateMetadata } from './decorators/gate.decorator-factory.js';
import type { HandlerMetadata } from './decorators/handler.decorator-factory.js';

/** @internal The lifecycle events a handler can subscribe to. */
export type HandlerKind = 'OnStartedLeading' | 'OnStoppedLeading' | 'OnNewLeader';

const HANDLER_KEYS: ReadonlyArray<[HandlerKind, string]> = [
  ['OnStartedLeading', ON_STARTED_LEADING_METADATA],
  ['OnStoppedLeading', ON_STOPPED_LEADING_METADATA],
  ['OnNewLeader', ON_NEW_LEADER_METADATA],
];

/** @internal Reads the decorators' metadata from a method. */
@Injectable()
export class LeaderElectionMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getGate(method: Function): GateMetadata | undefined {
    return this.reflector.get<GateMetadata | undefined>(LEADER_ELECTION_GATE_METADATA, method);
  }

  getHandlers(method: Function): Array<{ kind: HandlerKind; election?: string }> {
    const found: Array<{ kind: HandlerKind; election?: string }> = [];
    for (const [kind, key] of HANDLER_KEYS) {
      const entries = this.reflector.get<HandlerMetadata[] | undefined>(key, method) ?? [];
      for (const entry of entries) found.push({ kind, election: entry.election });
    }
    return found;
  }
}
