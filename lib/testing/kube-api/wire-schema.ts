/**
 * Just enough of the Go types behind each served kind to reproduce the API server's decode step:
 * a wrong JSON type or a bad timestamp is a 400 with Go's `encoding/json` / `time.Parse` text,
 * and known timestamps are normalised the way Go re-serialises them.
 */
import { checkMicroTime, checkTime } from './wire-time.js';

export type WireType =
  | { t: 'string' }
  | { t: 'int32' }
  | { t: 'int64' }
  | { t: 'bool' }
  | { t: 'microtime' }
  | { t: 'time' }
  /** `float64`: any JSON number. */
  | { t: 'float' }
  /** `intstr.IntOrString`: a JSON string or an integer. */
  | { t: 'intorstring' }
  /** `resource.Quantity`: a JSON string or number (`cpu: 1` arrives as a number). */
  | { t: 'quantity' }
  /** Free-form JSON (`runtime.RawExtension`, `apiextensionsv1.JSON`): anything goes. */
  | { t: 'any' }
  | { t: 'map'; goType: string; value: WireType }
  | { t: 'array'; goType: string; item: WireType }
  | { t: 'struct'; goType: string; fields: Record<string, WireType>; open?: boolean };

export const S: WireType = { t: 'string' };
export const I32: WireType = { t: 'int32' };
export const I64: WireType = { t: 'int64' };
export const BOOL: WireType = { t: 'bool' };
export const MICRO: WireType = { t: 'microtime' };
export const TIME: WireType = { t: 'time' };
export const F64: WireType = { t: 'float' };
export const INT_OR_STRING: WireType = { t: 'intorstring' };
export const QUANTITY: WireType = { t: 'quantity' };
export const ANY: WireType = { t: 'any' };
export const STRING_MAP: WireType = { t: 'map', goType: 'map[string]string', value: S };
export const struct = (
  goType: string,
  fields: Record<string, WireType>,
  open = false,
): WireType => ({ t: 'struct', goType, fields, open });

export const OBJECT_META = struct('v1.ObjectMeta', {
  name: S,
  generateName: S,
  namespace: S,
  selfLink: S,
  uid: S,
  resourceVersion: S,
  generation: I64,
  creationTimestamp: TIME,
  deletionTimestamp: TIME,
  deletionGracePeriodSeconds: I64,
  labels: STRING_MAP,
  annotations: STRING_MAP,
  ownerReferences: {
    t: 'array',
    goType: '[]v1.OwnerReference',
    item: struct('v1.OwnerReference', {}, true),
  },
  finalizers: { t: 'array', goType: '[]string', item: S },
  managedFields: {
    t: 'array',
    goType: '[]v1.ManagedFieldsEntry',
    item: struct('v1.ManagedFieldsEntry', {}, true),
  },
});

export interface DecodeResult {
  /** Go's decode error text, when the body cannot be decoded. */
  error?: string;
  /**
   * Paths of fields the Go type does not have, with list indexes (`spec.containers[0].foo`), as
   * strict decoding names them: dropped with a Warning header, or a 400 with `fieldValidation=Strict`.
   */
  unknown: string[];
}

const jsonKind = (v: unknown): string =>
  Array.isArray(v)
    ? 'array'
    : v === null
      ? 'null'
      : typeof v === 'object'
        ? 'object'
        : typeof v === 'boolean'
          ? 'bool'
          : typeof v === 'number'
            ? 'number'
            : 'string';

const goTypeName = (type: WireType): string => {
  switch (type.t) {
    case 'map':
    case 'array':
    case 'struct':
      return type.goType;
    case 'microtime':
      return 'v1.MicroTime';
    case 'time':
      return 'v1.Time';
    case 'float':
      return 'float64';
    case 'intorstring':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    default:
      return type.t;
  }
};

/**
 * Checks `value` against `type` in place: normalises timestamps, deletes unknown fields of
 * closed structs (the server drops them) and reports the first decode error Go would report.
 */
export function decodeInPlace(root: Record<string, unknown>, type: WireType): DecodeResult {
  const result: DecodeResult = { unknown: [] };
  const visit = (
    holder: Record<string, unknown> | unknown[],
    key: string | number,
    t: WireType,
    path: string,
    structName: string,
    /** `path` with list indexes, for unknown-field reports. */
    where: string,
  ): boolean => {
    const value = (holder as Record<string | number, unknown>)[key];
    if (value === null || value === undefined) return true;
    const mismatch = (shown: string): boolean => {
      result.error = `json: cannot unmarshal ${shown} into Go struct field ${structName}.${path} of type ${goTypeName(t)}`;
      return false;
    };
    const kind = jsonKind(value);
    switch (t.t) {
      case 'string':
        return kind === 'string' || mismatch(kind);
      case 'bool':
        return kind === 'bool' || mismatch(kind);
      case 'any':
        return true;
      case 'float':
        return kind === 'number' || mismatch(kind);
      case 'quantity':
        return kind === 'string' || kind === 'number' || mismatch(kind);
      case 'intorstring':
        if (kind === 'string') return true;
        if (kind !== 'number') return mismatch(kind);
        return Number.isInteger(value) || mismatch(`number ${value as number}`);
      case 'int32':
      case 'int64': {
        if (kind !== 'number') return mismatch(kind);
        const n = value as number;
        const limit = t.t === 'int32' ? 2 ** 31 : 2 ** 63;
        if (!Number.isInteger(n) || n < -limit || n >= limit) return mismatch(`number ${n}`);
        return true;
      }
      case 'microtime':
      case 'time': {
        const check = t.t === 'microtime' ? checkMicroTime(value) : checkTime(value);
        if (!check.ok) {
          result.error = check.error;
          return false;
        }
        (holder as Record<string | number, unknown>)[key] = check.normalized;
        return true;
      }
      case 'map': {
        if (kind !== 'object') return mismatch(kind);
        const map = value as Record<string, unknown>;
        for (const k of Object.keys(map)) {
          if (!visit(map, k, t.value, path, structName, `${where}[${k}]`)) return false;
        }
        return true;
      }
      case 'array': {
        if (kind !== 'array') return mismatch(kind);
        const arr = value as unknown[];
        for (let i = 0; i < arr.length; i++) {
          if (!visit(arr, i, t.item, path, structName, `${where}[${i}]`)) return false;
        }
        return true;
      }
      case 'struct': {
        if (kind !== 'object') return mismatch(kind);
        return visitStruct(value as Record<string, unknown>, t, path, where);
      }
    }
  };
  const visitStruct = (
    obj: Record<string, unknown>,
    t: Extract<WireType, { t: 'struct' }>,
    path: string,
    where: string,
  ): boolean => {
    const name = t.goType.replace(/^v\d+(?:alpha\d+|beta\d+)?\./, '');
    for (const key of Object.keys(obj)) {
      const fieldType = t.fields[key];
      const fieldPath = path ? `${path}.${key}` : key;
      const fieldWhere = where ? `${where}.${key}` : key;
      if (!fieldType) {
        if (!t.open) {
          result.unknown.push(fieldWhere);
          delete obj[key];
        }
        continue;
      }
      if (!visit(obj, key, fieldType, fieldPath, name, fieldWhere)) return false;
    }
    return true;
  };
  if (type.t === 'struct') visitStruct(root, type, '', '');
  return result;
}
