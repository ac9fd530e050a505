import { isAlreadyExists, isNotFound } from '../../errors.js';
import type { LeaderElectionRecord } from '../../leader-election-record.js';
import { rawRecord } from '../record-format.js';
import type {
  LockGetResult,
  LockRequestOptions,
  ResourceLock,
} from '../resource-lock.interface.js';

/** client-go's `UnknownLeader`: what MultiLock reports while its two locks name different holders. */
export const UNKNOWN_LEADER = 'leaderelection.k8s.io/unknown';

/**
 * LEGACY: client-go v0.27's `MultiLock`, behind the `configmapsleases` and `endpointsleases`
 * migration types: the record is written to a primary (old) lock and a secondary (Lease) lock,
 * so old and new replicas elect one leader while a deployment moves from one to the other.
 * It has no `watch`; electors poll it as client-go does.
 */
export class MultiLock implements ResourceLock {
  constructor(
    readonly primary: ResourceLock,
    readonly secondary: ResourceLock,
  ) {}

  /**
   * The primary's record. While the secondary is missing and someone else holds the primary, an
   * old client holds the lock and the primary alone counts; when the two disagree on the
   * holder, the holder reads as `UNKNOWN_LEADER`. raw is both raws joined by `,`.
   */
  async get(options?: LockRequestOptions): Promise<LockGetResult> {
    const primary = await this.primary.get(options);
    let secondary: LockGetResult;
    try {
      secondary = await this.secondary.get(options);
    } catch (err) {
      if (isNotFound(err) && primary.record.holderIdentity !== this.identity()) return primary;
      throw err;
    }
    let primaryRecord: LeaderElectionRecord = primary.record;
    let primaryRaw = primary.raw;
    if (primaryRecord.holderIdentity !== secondary.record.holderIdentity) {
      primaryRecord = { ...primaryRecord, holderIdentity: UNKNOWN_LEADER };
      primaryRaw = rawRecord(primaryRecord);
    }
    return { record: primaryRecord, raw: `${primaryRaw},${secondary.raw}` };
  }

  /** Creates both; a primary that already exists (an old client made it) is fine. */
  async create(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<void> {
    try {
      await this.primary.create(record, options);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    await this.secondary.create(record, options);
  }

  /** Updates the primary, then the secondary (creating it when it does not exist yet). */
  async update(record: LeaderElectionRecord, options?: LockRequestOptions): Promise<void> {
    await this.primary.update(record, options);
    try {
      await this.secondary.get(options);
    } catch (err) {
      // As client-go: only NotFound creates; other errors still attempt the update.
      if (isNotFound(err)) return this.secondary.create(record, options);
    }
    await this.secondary.update(record, options);
  }

  recordEvent(message: string): void {
    this.primary.recordEvent(message);
    this.secondary.recordEvent(message);
  }

  identity(): string {
    return this.primary.identity();
  }

  describe(): string {
    return this.primary.describe();
  }
}
