/**
 * OpenAPI v3 (`/openapi/v3`), cut down to what kubectl reads before `apply` / `create` /
 * `replace`: per group-version, the PATCH operation of each kind, tagged with its
 * group-version-kind and listing the `fieldValidation` parameter. That tells kubectl (1.27+)
 * that this server validates fields itself (`?fieldValidation=Strict`, see the request handler),
 * so it skips its client-side schema check, which would otherwise need the full
 * `/openapi/v2` protobuf document. No schemas are served: kubectl then computes strategic merge
 * patches from its compiled-in types, as it does for any kind without a schema.
 */
import { createHash } from 'node:crypto';
import { RESOURCE_DEFINITIONS, type ResourceDefinition } from './resource-definitions.js';

type Obj = Record<string, unknown>;

/** `api/v1` or `apis/<group>/<version>`: the key of a group-version in the index. */
const gvPath = (def: { group: string; version: string }): string =>
  def.group ? `apis/${def.group}/${def.version}` : `api/${def.version}`;

const queryParameter = (name: string, description: string): Obj => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const PATCH_PARAMETERS = [
  queryParameter('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParameter('fieldManager', 'The name of the actor or entity making these changes.'),
  queryParameter(
    'fieldValidation',
    'How the server treats unknown fields in the request body: Ignore, Warn (the default) or Strict.',
  ),
];

const PATCH_BODY_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

function patchOperation(def: ResourceDefinition): Obj {
  const groupPart = def.group
    ? def.group
        .split('.')[0]
        .replace(/^./, (c) => c.toUpperCase())
        .replace('Rbac', 'RbacAuthorization')
    : 'Core';
  const version = def.version.replace(/^./, (c) => c.toUpperCase());
  return {
    operationId: `patch${groupPart}${version}${def.namespaced ? 'Namespaced' : ''}${def.kind}`,
    description: `partially update the specified ${def.kind}`,
    parameters: PATCH_PARAMETERS,
    requestBody: {
      content: Object.fromEntries(PATCH_BODY_TYPES.map((t) => [t, { schema: { type: 'object' } }])),
      required: true,
    },
    responses: { '200': { description: 'OK' }, '201': { description: 'Created' } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: def.group, version: def.version, kind: def.kind },
  };
}

function itemPath(def: ResourceDefinition): string {
  const base = `/${gvPath(def)}`;
  return def.namespaced
    ? `${base}/namespaces/{namespace}/${def.resource}/{name}`
    : `${base}/${def.resource}/{name}`;
}

interface Documents {
  index: Obj;
  byPath: Map<string, Obj>;
}

let documents: Documents | undefined;

function build(): Documents {
  const byPath = new Map<string, Obj>();
  for (const def of RESOURCE_DEFINITIONS) {
    const key = gvPath(def);
    let doc = byPath.get(key);
    if (!doc) {
      doc = {
        openapi: '3.0.0',
        info: { title: 'Kubernetes', version: 'v1.33.0' },
        paths: {},
        components: { schemas: {} },
      };
      byPath.set(key, doc);
    }
    (doc.paths as Obj)[itemPath(def)] = { patch: patchOperation(def) };
  }
  const paths: Obj = {};
  for (const [key, doc] of byPath) {
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { index: { paths }, byPath };
}

/** GET /openapi/v3 */
export function openApiIndex(): Obj {
  documents ??= build();
  return documents.index;
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>; undefined if not served. */
export function openApiDocument(path: string): Obj | undefined {
  documents ??= build();
  return documents.byPath.get(path);
}
