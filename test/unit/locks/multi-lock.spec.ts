import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LockError } from '../../../lib/core/errors.js';
import type { LeaderElectionRecord } from '../../../lib/core/leader-election-record.js';
import { MultiLock, UNKNOWN_LEADER } from '../../../lib/core/locks/legacy/multi-lock.js';
import type {
  LockGetResult,
  ResourceLock,
} from '../../../lib/core/locks/resource-lock.interface.js';
import { rawRecord } from '../../../lib/core/locks/record-format.js';

/** A lock over an in-memory slot that logs its calls. */
class FakeLock implements ResourceLock {
  stored: LeaderElectionRecord | undefined;
  calls: string[] = [];
  events: string[] = [];
  failWith: Partial<Record<'get' | 'create' | 'update', LockError>> = {};
  constructor(
    private readonly id: string,
    private readonly label: string,
  ) {}
  async get(): Promise<LockGetResult> {
    this.calls.push(`${this.label}.get`);
    if (this.failWith.get) throw this.failWith.get;
    if (!this.stored) throw new LockError('NotFound', 'not found', 404);
    return { record: { ...this.stored }, raw: `${this.label}:${rawRecord(this.stored)}` };
  }
  async create(record: LeaderElectionRecord): Promise<void> {
    this.calls.push(`${this.label}.create`);
    if (this.failWith.create) throw this.failWith.create;
    if (this.stored) throw new LockError('AlreadyExists', 'exists', 409);
    this.stored = { ...record };
  }
  async update(record: LeaderElectionRecord): Promise<void> {
    this.calls.push(`${this.label}.update`);
    if (this.failWith.update) throw this.failWith.update;
    this.stored = { ...record };
  }
  recordEvent(message: string): void {
    this.events.push(message);
  }
  identity(): string {
    return this.id;
  }
  describe(): string {
    return `ns/${this.label}`;
  }
}

const rec = (holder: string): LeaderElectionRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: new Date('2026-01-01T00:00:00Z'),
  renewTime: new Date('2026-01-01T00:00:10Z'),
  leaderTransitions: 1,
});

function setup() {
  const primary = new FakeLock('me', 'cm');
  const secondary = new FakeLock('me-secondary', 'lease');
  return { primary, secondary, multi: new MultiLock(primary, secondary) };
}

describe('MultiLock', () => {
  it('takes identity and describe from the primary; records events on both', () => {
    const { primary, secondary, multi } = setup();
    assert.equal(multi.identity(), 'me');
    assert.equal(multi.describe(), 'ns/cm');
    multi.recordEvent('became leader');
    assert.deepEqual(primary.events, ['became leader']);
    assert.deepEqual(secondary.events, ['became leader']);
  });

  it('get: primary alone when the secondary is missing and an old client holds the primary', async () => {
    const { primary, multi } = setup();
    primary.stored = rec('old-client');
    const got = await multi.get();
    assert.equal(got.record.holderIdentity, 'old-client');
    assert.equal(got.raw, `cm:${rawRecord(rec('old-client'))}`);
  });

  it('get: NotFound when the secondary is missing but we hold the primary', async () => {
    const { primary, multi } = setup();
    primary.stored = rec('me');
    await assert.rejects(multi.get(), (err: LockError) => err.reason === 'NotFound');
  });

  it('get: UnknownLeader when the holders differ; raw joins both raws with a comma', async () => {
    const { primary, secondary, multi } = setup();
    primary.stored = rec('a');
    secondary.stored = rec('b');
    const got = await multi.get();
    assert.equal(got.record.holderIdentity, UNKNOWN_LEADER);
    assert.equal(
      got.raw,
      `${rawRecord({ ...rec('a'), holderIdentity: UNKNOWN_LEADER })},lease:${rawRecord(rec('b'))}`,
    );
  });

  it('get: the primary record when both agree', async () => {
    const { primary, secondary, multi } = setup();
    primary.stored = rec('a');
    secondary.stored = rec('a');
    const got = await multi.get();
    assert.equal(got.record.holderIdentity, 'a');
    assert.equal(got.raw, `cm:${rawRecord(rec('a'))},lease:${rawRecord(rec('a'))}`);
  });

  it('get: other secondary errors are returned', async () => {
    const { primary, secondary, multi } = setup();
    primary.stored = rec('old');
    secondary.failWith.get = new LockError('Forbidden', 'no', 403);
    await assert.rejects(multi.get(), (err: LockError) => err.reason === 'Forbidden');
  });

  it('create ignores AlreadyExists on the primary and creates the secondary', async () => {
    const { primary, secondary, multi } = setup();
    primary.stored = rec('old');
    await multi.create(rec('me'));
    assert.deepEqual([...primary.calls, ...secondary.calls], ['cm.create', 'lease.create']);
    assert.equal(secondary.stored?.holderIdentity, 'me');
    primary.failWith.create = new LockError('Conflict', 'conflict', 409);
    await assert.rejects(multi.create(rec('me')), (err: LockError) => err.reason === 'Conflict');
  });

  it('update: primary, then secondary (created when missing)', async () => {
    const { primary, secondary, multi } = setup();
    primary.stored = rec('old');
    await multi.update(rec('me'));
    assert.deepEqual(primary.calls, ['cm.update']);
    assert.deepEqual(secondary.calls, ['lease.get', 'lease.create']);
    await multi.update(rec('me'));
    assert.deepEqual(secondary.calls, ['lease.get', 'lease.create', 'lease.get', 'lease.update']);
  });

  it('update: a failing primary stops before the secondary', async () => {
    const { primary, secondary, multi } = setup();
    primary.failWith.update = new LockError('Conflict', 'conflict', 409);
    await assert.rejects(multi.update(rec('me')), (err: LockError) => err.reason === 'Conflict');
    assert.deepEqual(secondary.calls, []);
  });
});
