import type { LeaderElectionRecord } from '../leader-election-record.js';

/**
 * Wire formats shared by the Lease and annotation locks: time formatting/parsing, lenient
 * number coercion for records written by other clients, and the raw form the elector compares.
 */

/** Largest value a Kubernetes int32 field (leaseDurationSeconds, leaseTransitions) can hold. */
export const MAX_INT32 = 2_147_483_647;

/** A free lock: what a missing or unreadable record reads as. */
export function emptyRecord(): LeaderElectionRecord {
  return {
    holderIdentity: '',
    leaseDurationSeconds: 0,
    acquireTime: null,
    renewTime: null,
    leaderTransitions: 0,
  };
}

/**
 * `metav1.MicroTime` as the API server demands it: UTC with exactly 6 fractional digits
 * (`2026-01-01T00:00:00.455000Z`). A `Date` holds milliseconds, so the last 3 digits are 0;
 * `toISOString()`'s 3 digits are rejected by a real API server with 400.
 */
export function formatMicroTime(date: Date): string {
  return `${date.toISOString().slice(0, -1)}000Z`;
}

/** `metav1.Time` as Go marshals it: RFC3339 with whole seconds, UTC (`2026-01-01T00:00:00Z`). */
export function formatRfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Kubernetes timestamps in every form a lock record meets: RFC3339 with any fraction and `Z` or
 * an offset (Go's Time and MicroTime), and the Python client's naive `2026-08-17 12:34:56.789012`
 * (space separator, no zone, fraction omitted when µs = 0), which is read as UTC because the
 * writer's zone is unknowable and UTC is the only guess that is right in containers.
 */
const TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** A parsed time: `null` when absent, `undefined` when present but unreadable. */
export function parseKubeTime(value: unknown): Date | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const m = TIME_PATTERN.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return undefined;
  let epoch = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  if (m[9]) {
    const offsetMinutes = Number(m[10]) * 60 + Number(m[11]);
    epoch -= (m[9] === '-' ? -1 : 1) * offsetMinutes * 60_000;
  }
  return new Date(epoch);
}

/**
 * An integer field written by Go (a number) or by the Python client (a decimal string).
 * `null` when absent, `undefined` when present but not an integer within [min, max].
 */
export function parseRecordInt(
  value: unknown,
  min: number,
  max: number,
): number | null | undefined {
  if (value === null || value === undefined) return null;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) n = Number(value);
  else return undefined;
  if (!Number.isSafeInteger(n) || n < min || n > max) return undefined;
  return n;
}

/** What a record reader found wrong, for one warning naming the object. */
export type RecordProblems = string[];

/**
 * Reads the fields of a record-shaped object (annotation JSON or Lease spec) leniently: absent
 * fields take zero values as in client-go; malformed ones take zero values too and are reported,
 * so a corrupted lock reads as free instead of crashing the elector.
 */
export function readRecordFields(
  source: Record<string, unknown>,
  transitionsKey: 'leaderTransitions' | 'leaseTransitions',
  problems: RecordProblems,
): LeaderElectionRecord {
  const record = emptyRecord();
  const holder = source['holderIdentity'];
  if (typeof holder === 'string') record.holderIdentity = holder;
  else if (holder !== undefined && holder !== null)
    problems.push(`holderIdentity is not a string (${describeValue(holder)})`);

  const duration = parseRecordInt(source['leaseDurationSeconds'], 0, MAX_INT32);
  if (duration === undefined)
    problems.push(
      `leaseDurationSeconds ${describeValue(source['leaseDurationSeconds'])} is not an integer in [0, ${MAX_INT32}]`,
    );
  else if (duration !== null) record.leaseDurationSeconds = duration;
  if (record.holderIdentity !== '' && !(record.leaseDurationSeconds > 0))
    problems.push(
      `holder "${record.holderIdentity}" has no positive leaseDurationSeconds, so the lease counts as expired`,
    );

  for (const key of ['acquireTime', 'renewTime'] as const) {
    const time = parseKubeTime(source[key]);
    if (time === undefined)
      problems.push(`${key} ${describeValue(source[key])} is not a timestamp`);
    else record[key] = time;
  }

  const transitions = parseRecordInt(source[transitionsKey], 0, MAX_INT32);
  if (transitions === undefined)
    problems.push(
      `${transitionsKey} ${describeValue(source[transitionsKey])} is not an integer in [0, ${MAX_INT32}]`,
    );
  else if (transitions !== null) record.leaderTransitions = transitions;

  for (const key of ['strategy', 'preferredHolder'] as const) {
    const value = source[key];
    if (typeof value === 'string' && value !== '') record[key] = value;
    else if (value !== undefined && value !== null && typeof value !== 'string')
      problems.push(`${key} is not a string (${describeValue(value)})`);
  }
  return record;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The raw form the elector compares to detect change (client-go's `observedRawRecord`): the
 * record as JSON in client-go's field order, every field present (Go has no omitempty here).
 *
 * DELIBERATE SAFETY IMPROVEMENT over client-go: times are written with microsecond precision
 * (MicroTime form), where client-go marshals `metav1.Time` with whole seconds. With whole
 * seconds, two renewals within the same second look identical to an observer polling with a
 * sub-second retry period, which then fails to reset its expiry clock and can take over a lease
 * that is still being renewed.
 */
export function rawRecord(record: LeaderElectionRecord): string {
  return JSON.stringify({
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: record.acquireTime ? formatMicroTime(record.acquireTime) : null,
    renewTime: record.renewTime ? formatMicroTime(record.renewTime) : null,
    leaderTransitions: record.leaderTransitions,
    strategy: record.strategy ?? '',
    preferredHolder: record.preferredHolder ?? '',
  });
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
