import { LockError, type LockErrorReason } from '../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import { memoryRecordRaw } from '../../lib/core/locks/memory-lock.js';
import type {
  LockGetResult,
  LockRequestOptions,
  ResourceLock,
} from '../../lib/core/locks/resource-lock.interface.js';

export type ScriptedVerb = 'get' | 'create' | 'update';

/** One planned answer: the next call must have this verb. */
export interface Reaction {
  verb: ScriptedVerb;
  /** For get: the record to return (raw derived from it unless `raw` is given). */
  record?: LeaderElectionRecord;
  raw?: string;
  /** Fail with a LockError of this reason. */
  error?: LockErrorReason;
  /** Never answer until the request's signal aborts; `'deaf'`: never answer at all. */
  hang?: boolean | 'deaf';
}

export interface ScriptedCall {
  verb: ScriptedVerb;
  /** What create/update was asked to write. */
  record?: LeaderElectionRecord;
}

/** Builds a record with sensible defaults. */
export function rec(partial: Partial<LeaderElectionRecord> = {}): LeaderElectionRecord {
  return {
    holderIdentity: 'other',
    leaseDurationSeconds: 10,
    acquireTime: new Date('2030-01-01T00:00:00.000Z'),
    renewTime: new Date('2030-01-01T00:00:05.000Z'),
    leaderTransitions: 1,
    ...partial,
  };
}

export const rawOf = memoryRecordRaw;

/**
 * A ResourceLock that answers from a script (client-go's fake clientset with reactors): every
 * call consumes the next planned reaction; a call with no plan, or the wrong verb, is recorded in
 * `unplanned` and rejects, so a test can assert the exact request sequence.
 */
export class ScriptedLock implements ResourceLock {
  readonly calls: ScriptedCall[] = [];
  readonly unplanned: string[] = [];
  readonly events: string[] = [];
  private readonly plan: Reaction[] = [];

  constructor(private readonly id = 'me') {}

  expect(...reactions: Reaction[]): this {
    this.plan.push(...reactions);
    return this;
  }

  /** Reactions not consumed yet. */
  pending(): readonly Reaction[] {
    return [...this.plan];
  }

  identity(): string {
    return this.id;
  }

  describe(): string {
    return 'default/scripted';
  }

  recordEvent(message: string): void {
    this.events.push(`${this.id} ${message}`);
  }

  async get(options?: LockRequestOptions): Promise<LockGetResult> {
    const reaction = await this.react('get', undefined, options);
    const record = reaction.record ?? rec();
    return { record: structuredClone(record), raw: reaction.raw ?? memoryRecordRaw(record) };
  }

  async create(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<void> {
    await this.react('create', record, options);
  }

  async update(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<void> {
    await this.react('update', record, options);
  }

  private async react(
    verb: ScriptedVerb,
    record: LeaderElectionRecord | undefined,
    options: LockRequestOptions | undefined,
  ): Promise<Reaction> {
    this.calls.push({ verb, ...(record ? { record: structuredClone(record) } : {}) });
    await Promise.resolve();
    const next = this.plan[0];
    if (!next || next.verb !== verb) {
      this.unplanned.push(verb);
      throw new Error(`unplanned ${verb} (next planned: ${next?.verb ?? 'nothing'})`);
    }
    this.plan.shift();
    if (next.hang === 'deaf') await new Promise<never>(() => undefined);
    if (next.hang) {
      await new Promise<void>((_resolve, reject) => {
        const signal = options?.signal;
        const fail = () => reject(new LockError('Timeout', `scripted ${verb} aborted`));
        if (signal?.aborted) fail();
        signal?.addEventListener('abort', fail, { once: true });
      });
    }
    if (next.error) {
      const status = { NotFound: 404, Conflict: 409, AlreadyExists: 409 } as Record<string, number>;
      throw new LockError(next.error, `scripted ${next.error}`, status[next.error]);
    }
    return next;
  }
}
