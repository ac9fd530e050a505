/**
 * Wire types read from `@kubernetes/client-node`'s generated models, so a served kind gets its
 * full Go type (every field of a Deployment, down to its containers) from one model name instead
 * of a hand-written schema. The models come from the Kubernetes OpenAPI, field for field; what
 * they flatten (Quantity becomes `string`) is put back below.
 */
import * as clientNode from '@kubernetes/client-node';
import { testServerMessages as t } from './kube-api.messages.js';
import {
  ANY,
  BOOL,
  F64,
  I32,
  I64,
  INT_OR_STRING,
  MICRO,
  QUANTITY,
  S,
  TIME,
  type WireType,
} from './wire-schema.js';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface Model {
  getAttributeTypeMap(): Attribute[];
}

/**
 * `resource.Quantity` fields, which the models type as `string` but Go also decodes from a JSON
 * number (YAML `cpu: 1`). Keyed `<Model>.<field>`; maps of quantities are listed by the map field.
 */
const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1PodSpec.overhead',
  'V1ResourceFieldSelector.divisor',
]);

const ARRAY_RE = /^Array<(.+)>$/;
const MAP_RE = /^\{ \[key: string\]: (.+); \}$/;
const MODEL_RE = /^(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;

const cache = new Map<string, WireType>();

/** `V1PodSpec` → `v1.PodSpec`, as Go names the type in decode errors. */
function goName(model: string): string {
  const match = MODEL_RE.exec(model);
  return match ? `${match[1].toLowerCase()}.${match[2]}` : model;
}

function goTypeOf(type: WireType): string {
  switch (type.t) {
    case 'array':
    case 'map':
    case 'struct':
      return type.goType;
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int32':
    case 'int64':
      return type.t;
    case 'float':
      return 'float64';
    case 'time':
      return 'v1.Time';
    case 'microtime':
      return 'v1.MicroTime';
    case 'intorstring':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    case 'any':
      return 'interface {}';
  }
}

function typeOf(type: string, format: string, quantity: boolean): WireType {
  const array = ARRAY_RE.exec(type);
  if (array) {
    const item = typeOf(array[1], '', quantity);
    return { t: 'array', goType: `[]${goTypeOf(item)}`, item };
  }
  const map = MAP_RE.exec(type);
  if (map) {
    const value = typeOf(map[1], '', quantity);
    return { t: 'map', goType: `map[string]${goTypeOf(value)}`, value };
  }
  switch (type) {
    case 'string':
      return quantity ? QUANTITY : S;
    case 'boolean':
      return BOOL;
    case 'number':
      return format === 'int32' ? I32 : format === 'int64' ? I64 : F64;
    case 'Date':
      return format === 'date-time-micro' ? MICRO : TIME;
    case 'IntOrString':
      return INT_OR_STRING;
    case 'any':
      return ANY;
    default:
      return modelWireType(type);
  }
}

/**
 * The closed struct for a client-node model (`'V1Deployment'`): unknown fields are reported, as
 * the API server reports them. Cached, and safe for recursive types.
 */
export function modelWireType(model: string): WireType {
  const cached = cache.get(model);
  if (cached) return cached;
  const ctor = (clientNode as unknown as Record<string, Model | undefined>)[model];
  if (typeof ctor?.getAttributeTypeMap !== 'function') {
    throw new TypeError(t.unknownModel(model));
  }
  const fields: Record<string, WireType> = {};
  const type: WireType = { t: 'struct', goType: goName(model), fields };
  cache.set(model, type);
  for (const attribute of ctor.getAttributeTypeMap()) {
    const quantity = QUANTITY_FIELDS.has(`${model}.${attribute.baseName}`);
    fields[attribute.baseName] = typeOf(attribute.type, attribute.format, quantity);
  }
  return type;
}
