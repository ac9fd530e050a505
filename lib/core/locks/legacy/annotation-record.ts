import type { LeaderElectionRecord } from '../../leader-election-record.js';
import {
  emptyRecord,
  formatMicroTime,
  isJsonObject,
  readRecordFields,
  type RecordProblems,
} from '../record-format.js';

/** client-go's `LeaderElectionRecordAnnotationKey`, where ConfigMap/Endpoints locks keep the record. */
export const LEADER_ANNOTATION_KEY = 'control-plane.alpha.kubernetes.io/leader';

/**
 * The annotation value as client-go ≤ v0.27 writes it: `json.Marshal(LeaderElectionRecord)`
 * with the 5 historical fields in Go's order, plus `strategy` / `preferredHolder` only when set
 * (newer client-go has them; older readers ignore unknown keys).
 *
 * DELIBERATE SAFETY IMPROVEMENT: times carry microseconds (`…:56.455000Z`) where Go's
 * `metav1.Time` writes whole seconds. Go parses them fine (`time.RFC3339` accepts a fraction)
 * and the Python client keeps them as strings. With whole seconds, two renewals within one
 * second write identical bytes, so an observer with a sub-second retry period sees no change
 * and may take over a lease that is still being renewed.
 */
export function formatAnnotationRecord(record: LeaderElectionRecord): string {
  const value: Record<string, unknown> = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: record.acquireTime ? formatMicroTime(record.acquireTime) : null,
    renewTime: record.renewTime ? formatMicroTime(record.renewTime) : null,
    leaderTransitions: record.leaderTransitions,
  };
  if (record.strategy) value['strategy'] = record.strategy;
  if (record.preferredHolder) value['preferredHolder'] = record.preferredHolder;
  return JSON.stringify(value);
}

/**
 * Reads an annotation written by anyone: client-go (numbers, RFC3339), the Python client
 * (`"leaseDurationSeconds": "17"`, naive `2026-08-17 12:34:56.789012` times read as UTC, no
 * `leaderTransitions`), or garbage. A missing annotation is the empty record without problems;
 * unparseable JSON is the empty record with a problem; malformed fields read as zero values.
 */
export function parseAnnotationRecord(
  value: string | undefined,
  problems: RecordProblems = [],
): LeaderElectionRecord {
  if (value === undefined || value === '') return emptyRecord();
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    problems.push('the annotation is not valid JSON');
    return emptyRecord();
  }
  if (!isJsonObject(parsed)) {
    problems.push('the annotation is not a JSON object');
    return emptyRecord();
  }
  return readRecordFields(parsed, 'leaderTransitions', problems);
}
