/**
 * Legacy (non-aggregated) discovery documents and /version: enough for client-go's discovery,
 * `kubectl get lease` and `kubectl apply`. Answered as plain `application/json`, which makes clients that ask for
 * aggregated discovery fall back to these per-group documents.
 */
import {
  API_GROUPS,
  RESOURCE_DEFINITIONS,
  type ResourceDefinition,
} from './resource-definitions.js';

const gv = (group: string, version: string): string => (group ? `${group}/${version}` : version);

function apiResource(def: ResourceDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: def.resource,
    singularName: def.singularName,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
  };
  if (def.shortNames.length) out.shortNames = def.shortNames;
  if (def.categories.length) out.categories = def.categories;
  return out;
}

const SELF_SUBJECT_ACCESS_REVIEW = {
  name: 'selfsubjectaccessreviews',
  singularName: 'selfsubjectaccessreview',
  namespaced: false,
  kind: 'SelfSubjectAccessReview',
  verbs: ['create'],
};

/** GET /api */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDocument(group: string, version: string): Record<string, unknown> {
  const v = { groupVersion: gv(group, version), version };
  return { name: group, versions: [v], preferredVersion: v };
}

/** GET /apis */
export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: API_GROUPS.map((g) => groupDocument(g.group, g.version)),
  };
}

/** GET /apis/<group> */
export function apiGroup(group: string): Record<string, unknown> | undefined {
  const g = API_GROUPS.find((x) => x.group === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(g.group, g.version) };
}

/** GET /api/v1 or /apis/<group>/<version> */
export function apiResourceList(
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const defs = RESOURCE_DEFINITIONS.filter((d) => d.group === group && d.version === version);
  const resources: Array<Record<string, unknown>> = defs.map(apiResource);
  if (group === 'authorization.k8s.io' && version === 'v1')
    resources.push(SELF_SUBJECT_ACCESS_REVIEW);
  if (resources.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv(group, version), resources };
}

/** GET /version: a 1.33 server, the first to deprecate v1 Endpoints. */
export function versionInfo(): Record<string, unknown> {
  return {
    major: '1',
    minor: '33',
    gitVersion: 'v1.33.0',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-23T00:00:00Z',
    goVersion: 'go1.24.2',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}
