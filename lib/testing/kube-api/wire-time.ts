/**
 * The two timestamp types of the Kubernetes wire format, parsed as strictly as Go parses them,
 * with Go's `time.ParseError` texts (the API server puts them verbatim into its 400 message).
 *
 * - MicroTime (`spec.renewTime`, `eventTime`, ...): layout `2006-01-02T15:04:05.000000Z07:00`,
 *   which in Go means exactly six fractional digits; stored back in UTC with six digits.
 * - Time (`creationTimestamp`, `firstTimestamp`, ...): `time.RFC3339`, any fraction accepted;
 *   stored back in UTC with second precision.
 */

export const MICRO_TIME_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';
const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

/** A parsed timestamp: epoch seconds (UTC) plus the microseconds the input carried. */
interface Parsed {
  seconds: number;
  micros: number;
}

type ParseResult = { ok: true; value: Parsed } | { ok: false; error: string };

const goQuote = (s: string): string => JSON.stringify(s);

function parseError(layout: string, value: string, valueElem: string, layoutElem: string): string {
  return `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`;
}

const rangeError = (value: string, what: string): string =>
  `parsing time ${goQuote(value)}: ${what} out of range`;

const DATE_PARTS: Array<{ layout: string; digits: number; sep: string }> = [
  { layout: '2006', digits: 4, sep: '-' },
  { layout: '01', digits: 2, sep: '-' },
  { layout: '02', digits: 2, sep: 'T' },
  { layout: '15', digits: 2, sep: ':' },
  { layout: '04', digits: 2, sep: ':' },
  { layout: '05', digits: 2, sep: '' },
];

const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/;
const DIGITS_RE = [/^$/, /^\d$/, /^\d{2}$/, /^\d{3}$/, /^\d{4}$/];

/** Finds which layout element the date-time prefix fails at, for Go's error text. */
function prefixError(layout: string, value: string): string {
  let rest = value;
  for (const part of DATE_PARTS) {
    if (!DIGITS_RE[part.digits].test(rest.slice(0, part.digits))) {
      return parseError(layout, value, rest, part.layout);
    }
    rest = rest.slice(part.digits);
    if (part.sep) {
      if (!rest.startsWith(part.sep)) return parseError(layout, value, rest, part.sep);
      rest = rest.slice(1);
    }
  }
  return parseError(layout, value, rest, '2006');
}

function parse(value: string, exactMicros: boolean): ParseResult {
  const layout = exactMicros ? MICRO_TIME_LAYOUT : RFC3339_LAYOUT;
  const head = DATE_TIME_RE.exec(value);
  if (!head) return { ok: false, error: prefixError(layout, value) };
  const nums = head.slice(1, 7).map(Number);
  let rest = value.slice(19);
  const [year, month, day, hour, minute, second] = nums;
  // Go checks each field's range as it parses it, before the fraction and the zone.
  if (month < 1 || month > 12) return { ok: false, error: rangeError(value, 'month') };
  if (day < 1 || day > 31) return { ok: false, error: rangeError(value, 'day') };
  if (hour > 23) return { ok: false, error: rangeError(value, 'hour') };
  if (minute > 59) return { ok: false, error: rangeError(value, 'minute') };
  if (second > 59) return { ok: false, error: rangeError(value, 'second') };
  let micros = 0;
  if (exactMicros) {
    // Go's stdFracSecond0: exactly as many digits as the layout has, no more, no fewer.
    const frac = rest.slice(0, 7);
    if (!/^[.,]\d{6}$/.test(frac)) {
      return { ok: false, error: parseError(layout, value, rest, '.000000') };
    }
    micros = Number(frac.slice(1));
    rest = rest.slice(7);
  } else {
    const m = /^[.,](\d+)/.exec(rest);
    if (m) {
      micros = Number(m[1].slice(0, 6).padEnd(6, '0'));
      rest = rest.slice(m[0].length);
    }
  }
  let offsetSeconds = 0;
  if (rest === 'Z') {
    rest = '';
  } else {
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(rest);
    if (!m) return { ok: false, error: parseError(layout, value, rest, 'Z07:00') };
    offsetSeconds = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  }
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return { ok: false, error: rangeError(value, 'day') };
  const seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetSeconds;
  return { ok: true, value: { seconds, micros } };
}

/** Go's message for a JSON value of the wrong type where a time string was expected. */
function notAString(value: unknown): string {
  const kind = Array.isArray(value)
    ? 'array'
    : typeof value === 'object'
      ? 'object'
      : typeof value === 'boolean'
        ? 'bool'
        : 'number';
  return `json: cannot unmarshal ${kind} into Go value of type string`;
}

export type TimeCheck = { ok: true; normalized: string | null } | { ok: false; error: string };

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** Parses a MicroTime the way the API server decodes it; `null` stays `null`. */
export function checkMicroTime(value: unknown): TimeCheck {
  if (value === null) return { ok: true, normalized: null };
  if (typeof value !== 'string') return { ok: false, error: notAString(value) };
  const parsed = parse(value, true);
  if (!parsed.ok) return parsed;
  const { seconds, micros } = parsed.value;
  return {
    ok: true,
    normalized: `${isoSeconds(seconds)}.${String(micros).padStart(6, '0')}Z`,
  };
}

/** Parses a metav1.Time (RFC 3339, any fraction); it is stored back with second precision. */
export function checkTime(value: unknown): TimeCheck {
  if (value === null) return { ok: true, normalized: null };
  if (typeof value !== 'string') return { ok: false, error: notAString(value) };
  const parsed = parse(value, false);
  if (!parsed.ok) return parsed;
  return { ok: true, normalized: `${isoSeconds(parsed.value.seconds)}Z` };
}

/** Server "now" as a metav1.Time (RFC 3339, seconds, UTC). */
export function nowTime(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
