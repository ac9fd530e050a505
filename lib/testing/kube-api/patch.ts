/**
 * PATCH bodies: JSON merge patch (RFC 7386; strategic merge patch is treated as one, with its
 * `$`-directives dropped) and JSON patch (RFC 6902: add, remove, replace, move, copy, test).
 */

type Json = unknown;
type Obj = Record<string, unknown>;

export class PatchError extends Error {
  override readonly name = 'PatchError';
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json, strategic = false): Json {
  if (!isObject(patch)) return patch;
  const result: Obj = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (strategic && key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value, strategic);
  }
  return result;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Location {
  parent: Obj | Json[];
  key: string;
}

function locate(doc: Json, pointer: string): Location {
  const parts = parsePointer(pointer);
  if (parts.length === 0) throw new PatchError('the root of the document cannot be patched');
  let node: Json = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else node = undefined;
    if (node === undefined) throw new PatchError(`path ${pointer} does not exist`);
  }
  if (!Array.isArray(node) && !isObject(node)) {
    throw new PatchError(`path ${pointer} does not exist`);
  }
  return { parent: node, key: parts[parts.length - 1] };
}

function read(loc: Location, pointer: string): Json {
  const value = Array.isArray(loc.parent) ? loc.parent[Number(loc.key)] : loc.parent[loc.key];
  if (value === undefined) throw new PatchError(`path ${pointer} does not exist`);
  return value;
}

function arrayIndex(arr: Json[], key: string, forInsert: boolean, pointer: string): number {
  if (forInsert && key === '-') return arr.length;
  const i = Number(key);
  const max = forInsert ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(key) || i > max) throw new PatchError(`index out of range in ${pointer}`);
  return i;
}

function add(doc: Json, pointer: string, value: Json): void {
  const loc = locate(doc, pointer);
  if (Array.isArray(loc.parent)) {
    loc.parent.splice(arrayIndex(loc.parent, loc.key, true, pointer), 0, value);
  } else {
    loc.parent[loc.key] = value;
  }
}

function remove(doc: Json, pointer: string): Json {
  const loc = locate(doc, pointer);
  const value = read(loc, pointer);
  if (Array.isArray(loc.parent))
    loc.parent.splice(arrayIndex(loc.parent, loc.key, false, pointer), 1);
  else delete loc.parent[loc.key];
  return value;
}

export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations))
    throw new PatchError('a JSON patch must be an array of operations');
  const doc = structuredClone(target);
  for (const raw of operations) {
    if (!isObject(raw)) throw new PatchError(`invalid operation ${JSON.stringify(raw)}`);
    const op = raw.op;
    const path = raw.path;
    if (typeof path !== 'string')
      throw new PatchError(`operation ${JSON.stringify(raw)} has no path`);
    switch (op) {
      case 'add':
        add(doc, path, structuredClone(raw.value));
        break;
      case 'remove':
        remove(doc, path);
        break;
      case 'replace': {
        const loc = locate(doc, path);
        read(loc, path);
        if (Array.isArray(loc.parent)) loc.parent[Number(loc.key)] = structuredClone(raw.value);
        else loc.parent[loc.key] = structuredClone(raw.value);
        break;
      }
      case 'move':
      case 'copy': {
        const from = raw.from;
        if (typeof from !== 'string') throw new PatchError(`operation ${op} needs "from"`);
        const value =
          op === 'move' ? remove(doc, from) : structuredClone(read(locate(doc, from), from));
        add(doc, path, value);
        break;
      }
      case 'test': {
        const actual = read(locate(doc, path), path);
        if (JSON.stringify(actual) !== JSON.stringify(raw.value)) {
          throw new PatchError(`testing value ${path} failed`);
        }
        break;
      }
      default:
        throw new PatchError(`unexpected kind of operation: ${JSON.stringify(op)}`);
    }
  }
  return doc;
}
