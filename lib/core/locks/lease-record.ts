import { V1MicroTime, type V1LeaseSpec } from '@kubernetes/client-node';
import type { LeaderElectionRecord } from '../leader-election-record.js';
import { isJsonObject, readRecordFields, type RecordProblems } from './record-format.js';

export { formatMicroTime } from './record-format.js';

/**
 * client-go's `LeaderElectionRecordToLeaseSpec`: the whole spec is replaced. `holderIdentity`,
 * `leaseDurationSeconds`, both times and `leaseTransitions` are always sent (a `''` holder is how
 * a release is written); `strategy` / `preferredHolder` only when non-empty, because the API
 * server rejects a `preferredHolder` without a `strategy`.
 */
export function recordToLeaseSpec(record: LeaderElectionRecord): V1LeaseSpec {
  const spec: V1LeaseSpec = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    // V1MicroTime serialises with the 6 fractional digits the API server requires.
    acquireTime: toMicroTime(record.acquireTime),
    renewTime: toMicroTime(record.renewTime),
    leaseTransitions: record.leaderTransitions,
  };
  if (record.strategy) spec.strategy = record.strategy;
  if (record.preferredHolder) spec.preferredHolder = record.preferredHolder;
  return spec;
}

function toMicroTime(date: Date | null): V1MicroTime {
  // Go sends a zero MicroTime as null; client-node passes null through unchanged.
  return (date ? new V1MicroTime(date.getTime()) : null) as V1MicroTime;
}

/**
 * client-go's `LeaseSpecToLeaderElectionRecord`: missing fields read as zero values (a Lease
 * without `leaseDurationSeconds` is expired at once). Times arrive as strings from client-node
 * (its deserialiser does not know MicroTime). Malformed fields also read as zero values and are
 * listed in `problems`; nothing here throws.
 */
export function leaseSpecToRecord(
  spec: unknown,
  problems: RecordProblems = [],
): LeaderElectionRecord {
  if (spec !== undefined && spec !== null && !isJsonObject(spec))
    problems.push('spec is not an object');
  return readRecordFields(isJsonObject(spec) ? spec : {}, 'leaseTransitions', problems);
}
