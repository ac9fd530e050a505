/**
 * kube-apiserver's RequestInfo: what a URL and method mean in Kubernetes terms (verb, API group,
 * resource, namespace, name). Counters, faults, RBAC and the router all work from it.
 */

export interface RequestInfo {
  method: string;
  /** Path and query, as requested. */
  rawPath: string;
  path: string;
  query: URLSearchParams;
  resourceRequest: boolean;
  /** Kubernetes verb; for non-resource requests the lower-case HTTP method. */
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** '' for cluster-scoped or all-namespace requests. */
  namespace: string;
  /** The object's name; for list/watch the `metadata.name=` of the field selector, if any. */
  name: string;
  /** True for `?watch=true|1` and for the legacy `/watch/` path prefix. */
  watch: boolean;
}

const isWatchParam = (v: string | null): boolean => v === 'true' || v === '1';

/** The name a `fieldSelector` pins with `metadata.name=<x>` (or `==`), as RBAC uses it. */
export function nameFromFieldSelector(selector: string | null): string {
  if (!selector) return '';
  for (const term of selector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m) return m[1];
  }
  return '';
}

export function parseRequestInfo(method: string, rawPath: string): RequestInfo {
  const url = new URL(rawPath, 'http://127.0.0.1');
  const info: RequestInfo = {
    method,
    rawPath,
    path: url.pathname,
    query: url.searchParams,
    resourceRequest: false,
    verb: method.toLowerCase(),
    group: '',
    version: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    watch: false,
  };
  const parts = url.pathname.split('/').filter((p) => p !== '');
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    info.version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    info.group = parts[1];
    info.version = parts[2];
    rest = parts.slice(3);
  } else {
    return info;
  }
  rest = rest.map((p) => decodeURIComponent(p));
  info.resourceRequest = true;
  if (rest[0] === 'watch') {
    info.watch = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    info.namespace = rest[1];
    // /api/v1/namespaces/<ns> is the Namespace object itself.
    rest = rest.length >= 3 ? rest.slice(2) : ['namespaces', rest[1]];
  }
  info.resource = rest[0] ?? '';
  info.name = rest[1] ?? '';
  info.subresource = rest.slice(2).join('/');
  if (isWatchParam(info.query.get('watch'))) info.watch = true;

  switch (method) {
    case 'GET':
    case 'HEAD':
      info.verb = info.watch ? 'watch' : info.name ? 'get' : 'list';
      break;
    case 'POST':
      info.verb = 'create';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection';
      break;
    default:
      info.verb = method.toLowerCase();
  }
  if ((info.verb === 'list' || info.verb === 'watch') && !info.name) {
    info.name = nameFromFieldSelector(info.query.get('fieldSelector'));
  }
  return info;
}
