/**
 * The HTTP side of `KubeApiTestServer`: turns each request into kube-apiserver's behaviour, in
 * kube-apiserver's order of checks (faults first, as the network would; then authentication,
 * discovery, RBAC, decoding, admission, strategy, validation, storage preconditions).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type FieldError,
  forbidden,
  invalid,
  notSupported,
  pathSegmentErrors,
} from './field-error.js';
import type { FaultInjector } from './fault-injector.js';
import { apiServerMessages as m, groupResource } from './kube-api.messages.js';
import type { ObjectStore } from './object-store.js';
import { jsonPatch, mergePatch, PatchError } from './patch.js';
import { type AuthenticatedUser, type RbacAuthorizer, rulesAllow } from './rbac-authorizer.js';
import type { RequestRecorder } from './request-recorder.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import {
  findDefinition,
  type ResourceDefinition,
  type ValidationContext,
} from './resource-definitions.js';
import {
  type FieldRequirement,
  type LabelRequirement,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  failure,
  forbiddenError,
  injectedError,
  internalError,
  invalidError,
  methodNotAllowed,
  notFound,
  StatusError,
  tooLargeResourceVersion,
  unauthorized,
  unsupportedMediaType,
} from './status-error.js';
import { toTable, wantsTable } from './table.js';
import { WatchStream } from './watch-stream.js';
import { decodeInPlace } from './wire-schema.js';
import { nowTime } from './wire-time.js';
import type { WriteLog } from './write-log.js';
import type { RequestLogEntry } from '../kube-api-test-server.types.js';
import * as discovery from './discovery.js';
import { openApiDocument, openApiIndex } from './openapi.js';

type Obj = Record<string, unknown>;

export interface HandlerOptions {
  allowAnonymous: boolean;
  autoCreateNamespaces: boolean;
  bookmarkInterval: number;
  coordinatedLeaderElection: boolean;
}

export interface HandlerContext {
  store: ObjectStore;
  authorizer: RbacAuthorizer;
  faults: FaultInjector;
  recorder: RequestRecorder;
  writeLog: WriteLog;
  watches: Set<WatchStream>;
  options: HandlerOptions;
  /** `host:port` of the listening server (for /api's serverAddressByClientCIDRs). */
  serverAddress(): string;
  /** Resolves true after `ms`, or false at once if the server stops meanwhile. */
  delay(ms: number): Promise<boolean>;
}

/** Per-request state threaded through the handlers. */
interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  entry: RequestLogEntry;
  token: string;
  user: AuthenticatedUser | undefined;
  /** Apply, then destroy the socket instead of answering (drop-response fault). */
  drop: boolean;
  warnings: string[];
  body: Buffer;
  /** `?dryRun=All`: validate and answer as if written, store nothing. */
  dryRun: boolean;
  /** `?fieldValidation=`: what unknown fields in the body cause. */
  fieldValidation: FieldValidation;
}

type FieldValidation = 'Ignore' | 'Warn' | 'Strict';
const FIELD_VALIDATION_VALUES = ['', 'Ignore', 'Strict', 'Warn'];
/** The options kind named in a 422 about bad query options, per verb. */
const OPTIONS_KIND: Record<string, string> = {
  create: 'CreateOptions',
  update: 'UpdateOptions',
  patch: 'PatchOptions',
  delete: 'DeleteOptions',
  deletecollection: 'DeleteOptions',
};

const BODY_LIMIT = 3 * 1024 * 1024;
const ANONYMOUS: AuthenticatedUser = { token: '', user: 'system:anonymous', rules: undefined };
const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

const gvOf = (def: { group: string; version: string }): string =>
  def.group ? `${def.group}/${def.version}` : def.version;

/** Key-sorted JSON, so two objects that differ only in key order compare equal. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Obj)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** kind, apiVersion, metadata (in ObjectMeta's field order), then the rest as given. */
function canonical(o: Obj, kind: string, apiVersion: string): Obj {
  const metadata = (o.metadata ?? {}) as Obj;
  const orderedMeta: Obj = {};
  for (const key of META_ORDER) if (metadata[key] !== undefined) orderedMeta[key] = metadata[key];
  for (const [key, value] of Object.entries(metadata)) {
    if (!(key in orderedMeta) && value !== undefined) orderedMeta[key] = value;
  }
  const out: Obj = { kind, apiVersion, metadata: orderedMeta };
  for (const [key, value] of Object.entries(o)) {
    if (key !== 'kind' && key !== 'apiVersion' && key !== 'metadata') out[key] = value;
  }
  return out;
}

/** apiserver `summarizeData`: the body's first 30 bytes, as text for JSON objects, else hex. */
function summarize(data: Buffer): string {
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, 30);
  const more = data.length > 30 ? ' ...' : '';
  return data[0] === 0x7b ? `${head.toString('utf8')}${more}` : `${head.toString('hex')}${more}`;
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () =>
      size > BODY_LIMIT
        ? reject(new StatusError(failure(413, 'RequestEntityTooLarge', m.requestEntityTooLarge)))
        : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

export class RequestHandler {
  private readonly validation: ValidationContext;

  constructor(private readonly ctx: HandlerContext) {
    this.validation = { coordinatedLeaderElection: ctx.options.coordinatedLeaderElection };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const info = parseRequestInfo(req.method ?? 'GET', req.url ?? '/');
    const presented = bearerToken(req.headers.authorization);
    const token = presented ?? '';
    const entry = this.ctx.recorder.record({
      at: performance.now(),
      token,
      verb: info.verb,
      resource: info.resource,
      namespace: info.namespace,
      name: info.name,
      status: 0,
      method: info.method,
      path: info.rawPath,
    });
    const call: Call = {
      req,
      res,
      info,
      entry,
      token,
      user: undefined,
      drop: false,
      warnings: [],
      body: Buffer.alloc(0),
      dryRun: false,
      fieldValidation: 'Warn',
    };
    try {
      const decision = this.ctx.faults.decide({
        token,
        verb: info.verb,
        resource: info.resource,
        namespace: info.namespace,
        name: info.name,
      });
      if (decision.latencyMs > 0 && !(await this.ctx.delay(decision.latencyMs))) return;
      const action = decision.action;
      if (action?.kind === 'hang') {
        action.hold(req.socket);
        return;
      }
      if (action?.kind === 'error') {
        const def = findDefinition(info.group, info.version, info.resource);
        throw injectedError(action.code, action.message, { ref: def, name: info.name });
      }
      call.drop = action?.kind === 'drop-response';
      if (info.method !== 'GET' && info.method !== 'HEAD') call.body = await readBody(req);

      if (presented === undefined) {
        if (!this.ctx.options.allowAnonymous) throw unauthorized();
        call.user = ANONYMOUS;
      } else {
        call.user = this.ctx.authorizer.authenticate(presented);
        if (!call.user) throw unauthorized();
      }
      await this.route(call);
    } catch (error) {
      if (error instanceof StatusError) {
        this.send(call, error.status.code, error.status, error.headers);
      } else {
        const why = error instanceof Error ? error.message : String(error);
        this.send(call, 500, failure(500, 'InternalError', m.internalError(why), {}));
      }
    }
  }

  // ---- routing ------------------------------------------------------------------------------

  private async route(call: Call): Promise<void> {
    const { info } = call;
    if (!info.resourceRequest) return this.nonResource(call);
    if (
      info.group === 'authorization.k8s.io' &&
      info.version === 'v1' &&
      info.resource === 'selfsubjectaccessreviews'
    ) {
      if (info.verb !== 'create' || info.name) throw methodNotAllowed();
      return this.selfSubjectAccessReview(call);
    }
    const def = findDefinition(info.group, info.version, info.resource);
    if (!def || info.subresource) return this.notFoundPage(call);
    if (!def.namespaced && info.namespace && info.resource !== 'namespaces') {
      return this.notFoundPage(call);
    }
    if (def.warning) call.warnings.push(m.endpointsDeprecated);
    if (!def.verbs.includes(info.verb)) throw methodNotAllowed();
    this.authorize(call, info.verb, info.name);
    this.readWriteOptions(call);
    // The Namespace object is addressed by name; its RequestInfo namespace is that name.
    const ns = def.namespaced ? info.namespace : '';
    switch (info.verb) {
      case 'get':
        return this.get(call, def, ns);
      case 'list':
        return this.list(call, def, ns);
      case 'watch':
        return this.watch(call, def, ns);
      case 'create':
        if (info.name) throw methodNotAllowed();
        if (def.namespaced && !ns) return this.notFoundPage(call);
        return this.create(call, def, ns);
      case 'update':
        return this.update(call, def, ns);
      case 'patch':
        return this.patch(call, def, ns);
      case 'delete':
        return this.delete(call, def, ns);
      case 'deletecollection':
        return this.deleteCollection(call, def, ns);
      default:
        throw methodNotAllowed();
    }
  }

  private nonResource(call: Call): void {
    const path = call.info.path.replace(/\/+$/, '') || '/';
    const parts = path.split('/').filter((p) => p !== '');
    let body: Obj | undefined;
    if (call.info.method !== 'GET') return this.notFoundPage(call);
    if (path === '/api') body = discovery.apiVersions(this.ctx.serverAddress());
    else if (path === '/apis') body = discovery.apiGroupList();
    else if (path === '/version') body = discovery.versionInfo();
    else if (path === '/openapi/v3') body = openApiIndex();
    else if (parts[0] === 'openapi' && parts[1] === 'v3') {
      body = openApiDocument(parts.slice(2).join('/'));
    } else if (parts[0] === 'api' && parts.length === 2)
      body = discovery.apiResourceList('', parts[1]);
    else if (parts[0] === 'apis' && parts.length === 2) body = discovery.apiGroup(parts[1]);
    else if (parts[0] === 'apis' && parts.length === 3) {
      body = discovery.apiResourceList(parts[1], parts[2]);
    } else if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      return this.sendText(call, 200, 'ok');
    }
    if (!body) return this.notFoundPage(call);
    this.send(call, 200, body);
  }

  private notFoundPage(call: Call): void {
    this.sendText(call, 404, m.notFoundPage);
  }

  /** `dryRun` and `fieldValidation` of a write, checked as the API server checks its options. */
  private readWriteOptions(call: Call): void {
    const kind = OPTIONS_KIND[call.info.verb];
    if (!kind) return;
    const q = call.info.query;
    const errors: FieldError[] = [];
    const dryRun = q.getAll('dryRun');
    if (dryRun.some((v) => v !== 'All')) errors.push(notSupported('dryRun', dryRun, ['All']));
    call.dryRun = dryRun.length > 0;
    if (kind !== 'DeleteOptions') {
      const directive = q.get('fieldValidation') ?? '';
      if (!FIELD_VALIDATION_VALUES.includes(directive)) {
        errors.push(notSupported('fieldValidation', directive, FIELD_VALIDATION_VALUES));
      } else if (directive) {
        call.fieldValidation = directive as FieldValidation;
      }
    }
    if (errors.length) throw invalidError('meta.k8s.io', kind, '', errors);
  }

  // ---- authorization ------------------------------------------------------------------------

  private authorize(call: Call, verb: string, name: string): void {
    const { info } = call;
    const user = call.user as AuthenticatedUser;
    const attributes = {
      verb,
      group: info.group,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name,
    };
    if (rulesAllow(user.rules, attributes)) return;
    const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    throw forbiddenError(
      info.resource,
      info.group,
      name,
      m.forbiddenResource(user.user, verb, resource, info.group, info.namespace),
    );
  }

  private selfSubjectAccessReview(call: Call): void {
    const review = this.parseJson(call, 'SelfSubjectAccessReview') as Obj;
    const spec = (review.spec ?? {}) as Obj;
    const resourceAttributes = spec.resourceAttributes as Obj | undefined;
    const nonResourceAttributes = spec.nonResourceAttributes as Obj | undefined;
    if (!resourceAttributes === !nonResourceAttributes) {
      throw invalidError('authorization.k8s.io', 'SelfSubjectAccessReview', '', [
        invalid('spec.resourceAttributes', 'null', m.ssarAttributesRequired),
      ]);
    }
    const rules = (call.user as AuthenticatedUser).rules;
    const s = (v: unknown): string => (typeof v === 'string' ? v : '');
    // Non-resource URLs are allowed only to full-access tokens: rules here name resources.
    const allowed = resourceAttributes
      ? rulesAllow(rules, {
          verb: s(resourceAttributes.verb),
          group: s(resourceAttributes.group),
          resource: s(resourceAttributes.resource),
          subresource: s(resourceAttributes.subresource),
          namespace: s(resourceAttributes.namespace),
          name: s(resourceAttributes.name),
        })
      : rules === undefined;
    this.send(call, 201, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec,
      status: { allowed },
    });
  }

  // ---- reads --------------------------------------------------------------------------------

  private present(def: ResourceDefinition, stored: Obj): Obj {
    return def.fromStorage(stored);
  }

  private listItem(def: ResourceDefinition, stored: Obj): Obj {
    // LIST items carry no kind/apiVersion on the wire; the list has them.
    const { kind: _kind, apiVersion: _apiVersion, ...rest } = this.present(def, stored);
    return rest;
  }

  private get(call: Call, def: ResourceDefinition, ns: string): void {
    const name = call.info.name;
    if (def.resource === 'namespaces') this.ensureNamespace(name, true);
    const stored = this.ctx.store.get(def.bucket, ns, name);
    if (!stored) throw notFound(def, name);
    if (wantsTable(call.req.headers.accept)) {
      return this.send(call, 200, toTable(def, [stored], String(this.ctx.store.currentRevision())));
    }
    this.send(call, 200, this.present(def, stored));
  }

  private selectorFor(call: Call, def: ResourceDefinition): (o: Obj) => boolean {
    const q = call.info.query;
    let fields: FieldRequirement[];
    let labels: LabelRequirement[];
    try {
      fields = parseFieldSelector(q.get('fieldSelector') ?? '');
      labels = parseLabelSelector(q.get('labelSelector') ?? '');
    } catch (error) {
      if (error instanceof SelectorError) throw badRequest(error.message);
      throw error;
    }
    const readers = fields.map((f) => {
      const read =
        f.field === 'metadata.name'
          ? (o: Obj) => String(((o.metadata ?? {}) as Obj).name ?? '')
          : f.field === 'metadata.namespace'
            ? (o: Obj) => String(((o.metadata ?? {}) as Obj).namespace ?? '')
            : def.fieldLabels[f.field];
      if (!read) throw badRequest(m.fieldLabelNotSupported(f.field));
      return { read, req: f };
    });
    // An item path (legacy /watch/.../<name>) pins the name as well.
    const pinned = call.info.verb === 'watch' && !q.get('fieldSelector') ? call.info.name : '';
    return (o: Obj) =>
      (!pinned || ((o.metadata ?? {}) as Obj).name === pinned) &&
      readers.every(({ read, req }) => (read(o) === req.value) === (req.op === '=')) &&
      matchesLabels(labels, o);
  }

  private validateListOptions(call: Call, watch: boolean): void {
    const q = call.info.query;
    const sendInitialEvents = q.get('sendInitialEvents');
    const match = q.get('resourceVersionMatch') ?? '';
    const errors: FieldError[] = [];
    if (watch) {
      if (sendInitialEvents !== null) {
        if (match !== 'NotOlderThan') {
          errors.push(forbidden('resourceVersionMatch', m.sendInitialEventsNeedsMatch));
        }
        errors.push(forbidden('sendInitialEvents', m.sendInitialEventsForbidden));
      }
      if (match) {
        if (sendInitialEvents === null) {
          errors.push(forbidden('resourceVersionMatch', m.resourceVersionMatchForWatch));
        }
        if (match !== 'NotOlderThan') {
          errors.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
        }
      }
    } else if (sendInitialEvents !== null) {
      errors.push(forbidden('sendInitialEvents', m.sendInitialEventsForList));
    }
    if (errors.length) throw invalidError('meta.k8s.io', 'ListOptions', '', errors);
  }

  private list(call: Call, def: ResourceDefinition, ns: string): void {
    this.validateListOptions(call, false);
    const matches = this.selectorFor(call, def);
    const objects = this.ctx.store.list(def.bucket, ns || undefined).filter(matches);
    const rv = String(this.ctx.store.currentRevision());
    if (wantsTable(call.req.headers.accept)) return this.send(call, 200, toTable(def, objects, rv));
    this.send(call, 200, {
      kind: def.listKind,
      apiVersion: gvOf(def),
      metadata: { resourceVersion: rv },
      items: objects.map((o) => this.listItem(def, o)),
    });
  }

  private watch(call: Call, def: ResourceDefinition, ns: string): void {
    this.validateListOptions(call, true);
    const matches = this.selectorFor(call, def);
    const q = call.info.query;
    const rvParam = q.get('resourceVersion') ?? '';
    let from: number | undefined;
    if (rvParam !== '' && rvParam !== '0') {
      if (!/^\d+$/.test(rvParam)) throw badRequest(m.invalidResourceVersion(rvParam));
      from = Number(rvParam);
    }
    const timeoutSeconds = Number(q.get('timeoutSeconds') ?? '0');
    const bookmarks = ['true', '1'].includes(q.get('allowWatchBookmarks') ?? '');
    if (call.drop) {
      call.res.socket?.destroy();
      return;
    }
    const stream = new WatchStream({
      res: call.res,
      def,
      store: this.ctx.store,
      namespace: ns,
      matches,
      present: (o) => this.present(def, o),
      bookmarkIntervalMs: bookmarks ? this.ctx.options.bookmarkInterval : 0,
      timeoutMs: Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : 0,
      onClose: (s) => this.ctx.watches.delete(s),
    });
    this.ctx.watches.add(stream);
    stream.open(this.warningHeaders(call));
    call.entry.status = 200;
    if (from === undefined) {
      stream.start({ added: this.ctx.store.list(def.bucket, ns || undefined).filter(matches) });
      return;
    }
    const current = this.ctx.store.currentRevision();
    if (from > current) return stream.fail(tooLargeResourceVersion(from, current).status);
    const changes = this.ctx.store.changesSince(from);
    if (!changes) {
      const oldest = this.ctx.store.oldestResumableRevision();
      return stream.fail(expired(m.tooOldResourceVersion(from, oldest)).status);
    }
    stream.start({ replay: changes });
  }

  // ---- writes -------------------------------------------------------------------------------

  private parseJson(call: Call, kind: string): unknown {
    const raw = call.body;
    const unrecognized = (why: string) =>
      badRequest(
        m.unrecognizedObject(
          kind,
          `couldn't get version/kind; json parse error: ${why}`,
          summarize(raw),
        ),
      );
    if (raw.length === 0) throw unrecognized('unexpected end of JSON input');
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw unrecognized((error as Error).message);
    }
  }

  /** Decodes a request body into the storage shape, as the API server's decoder would. */
  private decode(call: Call, def: ResourceDefinition): Obj {
    const contentType = (call.req.headers['content-type'] ?? 'application/json')
      .split(';')[0]
      .trim();
    if (contentType !== 'application/json' && contentType !== '') {
      throw unsupportedMediaType(contentType);
    }
    return this.decodeObject(call, def, this.parseJson(call, def.kind));
  }

  private decodeObject(call: Call, def: ResourceDefinition, parsed: unknown): Obj {
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const jsonType = Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed;
      throw badRequest(
        m.unrecognizedObject(
          def.kind,
          `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
          summarize(call.body),
        ),
      );
    }
    const obj = parsed as Obj;
    const expectedGv = gvOf(def);
    const apiVersion =
      typeof obj.apiVersion === 'string' && obj.apiVersion ? obj.apiVersion : expectedGv;
    const kind = typeof obj.kind === 'string' && obj.kind ? obj.kind : def.kind;
    const version = apiVersion.split('/').pop() as string;
    if (apiVersion !== expectedGv) throw badRequest(m.apiVersionMismatch(apiVersion, expectedGv));
    if (kind !== def.kind) {
      throw badRequest(
        m.cannotBeHandled(
          kind,
          version,
          def.kind,
          `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`,
        ),
      );
    }
    const decoded = decodeInPlace(obj, def.wire);
    if (decoded.error) throw badRequest(m.cannotBeHandled(kind, version, def.kind, decoded.error));
    if (decoded.unknown.length && call.fieldValidation === 'Strict') {
      throw badRequest(
        m.cannotBeHandled(kind, version, def.kind, m.strictDecoding(decoded.unknown)),
      );
    }
    if (call.fieldValidation === 'Warn') {
      for (const path of decoded.unknown) call.warnings.push(m.unknownField(path));
    }
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    obj.kind = def.kind;
    obj.apiVersion = expectedGv;
    return def.toStorage(obj);
  }

  private ensureNamespace(ns: string, forRead = false, dryRun = false): void {
    if (!ns || this.ctx.store.get('namespaces', '', ns)) return;
    if (!this.ctx.options.autoCreateNamespaces) {
      if (forRead) return;
      throw new StatusError(
        failure(404, 'NotFound', m.namespaceNotFound(ns), { name: ns, kind: 'namespaces' }),
      );
    }
    if (!dryRun) this.ctx.store.put('namespaces', '', ns, newNamespace(ns));
  }

  /** Fills what `rest.BeforeCreate` fills, then validates; returns the object to store. */
  private prepareCreate(def: ResourceDefinition, obj: Obj, ns: string): Obj {
    const meta = obj.metadata as Obj;
    if (def.namespaced) meta.namespace = ns;
    else delete meta.namespace;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    delete meta.generation;
    if (def.statusSubresource) delete obj.status;
    if (def.tracksGeneration) meta.generation = 1;
    def.prepareForCreate(obj, this.validation);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTime();
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) {
      meta.name = meta.generateName + randomSuffix();
    }
    if (def.resource === 'namespaces') applyNamespaceDefaults(obj);
    const errors = def.validateCreate(obj);
    if (errors.length) {
      throw invalidError(
        def.invalidKind.group,
        def.invalidKind.kind,
        String(meta.name ?? ''),
        errors,
      );
    }
    const name = typeof meta.name === 'string' ? meta.name : '';
    if (!name) throw badRequest(m.nameRequired);
    const segmentErrors = pathSegmentErrors(name);
    if (segmentErrors.length) throw badRequest(m.nameInvalid(name, segmentErrors));
    return canonical(obj, String(obj.kind), String(obj.apiVersion));
  }

  private create(call: Call, def: ResourceDefinition, ns: string): void {
    const obj = this.decode(call, def);
    const meta = obj.metadata as Obj;
    if (def.namespaced && meta.namespace && meta.namespace !== ns)
      throw badRequest(m.namespaceMismatch);
    this.ensureNamespace(ns, false, call.dryRun);
    const stored = this.prepareCreate(def, obj, ns);
    const name = String((stored.metadata as Obj).name);
    const rv = (stored.metadata as Obj).resourceVersion;
    if (typeof rv === 'string' && /^\d+$/.test(rv) && Number(rv) !== 0) {
      throw internalError(m.resourceVersionOnCreate);
    }
    if (this.ctx.store.get(def.bucket, ns, name)) throw alreadyExists(def, name);
    this.store(call, def, ns, name, stored, true);
    this.send(call, 201, this.present(def, stored));
  }

  private update(call: Call, def: ResourceDefinition, ns: string): void {
    const obj = this.decode(call, def);
    const meta = obj.metadata as Obj;
    const name = call.info.name;
    const bodyName = typeof meta.name === 'string' ? meta.name : '';
    if (!bodyName) throw badRequest(m.nameUndeterminable(name));
    if (bodyName !== name) throw badRequest(m.nameMismatch(bodyName, name));
    const bodyNs = typeof meta.namespace === 'string' ? meta.namespace : '';
    if (def.namespaced && bodyNs && bodyNs !== ns)
      throw badRequest(m.namespaceMismatchOnUpdate(bodyNs, ns));
    this.applyUpdate(call, def, ns, name, obj, true);
  }

  /**
   * The store's `Update` over `GuaranteedUpdate`: uid precondition, create-on-update, the
   * resourceVersion rules of the strategy, `BeforeUpdate`, validation, no-op detection.
   */
  private applyUpdate(
    call: Call,
    def: ResourceDefinition,
    ns: string,
    name: string,
    obj: Obj,
    allowCreate: boolean,
  ): void {
    const meta = obj.metadata as Obj;
    const existing = this.ctx.store.get(def.bucket, ns, name);
    const existingMeta = (existing?.metadata ?? {}) as Obj;
    const gr = groupResource(def.resource, def.group);
    const key = `${def.etcdPrefix}/${ns ? `${ns}/` : ''}${name}`;
    const uid = typeof meta.uid === 'string' ? meta.uid : '';
    const existingUid = String(existingMeta.uid ?? '');
    if (uid && uid !== existingUid) {
      throw conflict(def, name, m.uidPrecondition(gr, name, key, uid, existingUid));
    }
    if (!existing) {
      if (!allowCreate || !def.allowCreateOnUpdate) throw notFound(def, name);
      // A PUT that creates needs the create permission too (for this very name).
      this.authorize(call, 'create', name);
      this.ensureNamespace(ns, false, call.dryRun);
      delete meta.resourceVersion;
      const stored = this.prepareCreate(def, obj, ns);
      this.store(call, def, ns, name, stored, true);
      return this.send(call, 201, this.present(def, stored));
    }
    const rvText = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
    if (rvText !== '' && !/^\d+$/.test(rvText)) throw internalError(m.parseUint(rvText));
    const newRv = rvText === '' ? 0 : Number(rvText);
    const existingRv = String(existingMeta.resourceVersion);
    if (newRv === 0) {
      if (!def.allowUnconditionalUpdate) {
        throw invalidError(def.group, def.resource, name, [
          invalid('metadata.resourceVersion', 0, m.mustSpecifyResourceVersion),
        ]);
      }
      meta.resourceVersion = existingRv;
    } else if (String(newRv) !== existingRv) {
      throw conflict(def, name);
    }
    // rest.BeforeUpdate
    if (def.namespaced) meta.namespace = ns;
    if (existingMeta.generation !== undefined) meta.generation = existingMeta.generation;
    else delete meta.generation;
    if (def.statusSubresource) {
      if (existing.status !== undefined) obj.status = existing.status;
      else delete obj.status;
    }
    def.prepareForUpdate(obj, existing, this.validation);
    // Compared after defaulting, so an omitted default is no spec change.
    if (
      def.tracksGeneration &&
      stableStringify(obj.spec ?? null) !== stableStringify(existing.spec ?? null)
    ) {
      meta.generation = Number(existingMeta.generation ?? 0) + 1;
    }
    if (!uid) meta.uid = existingMeta.uid;
    meta.creationTimestamp = existingMeta.creationTimestamp;
    delete meta.selfLink;
    if (existingMeta.deletionTimestamp !== undefined)
      meta.deletionTimestamp = existingMeta.deletionTimestamp;
    else delete meta.deletionTimestamp;
    const errors = def.validateUpdate(obj, existing);
    if (errors.length)
      throw invalidError(def.invalidKind.group, def.invalidKind.kind, name, errors);
    const stored = canonical(obj, String(existing.kind), String(existing.apiVersion));
    if (stableStringify(stored) === stableStringify(existing)) {
      // A no-op update writes nothing and keeps the resourceVersion.
      return this.send(call, 200, this.present(def, existing));
    }
    this.store(call, def, ns, name, stored, false);
    this.send(call, 200, this.present(def, stored));
  }

  private patch(call: Call, def: ResourceDefinition, ns: string): void {
    const name = call.info.name;
    const contentType = (call.req.headers['content-type'] ?? '').split(';')[0].trim();
    const existing = this.ctx.store.get(def.bucket, ns, name);
    if (contentType === 'application/apply-patch+yaml') {
      throw new StatusError(failure(415, 'UnsupportedMediaType', m.applyPatchUnsupported));
    }
    const kinds = [
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/json-patch+json',
    ];
    if (!kinds.includes(contentType)) throw unsupportedMediaType(contentType || '<none>');
    let patchBody: unknown;
    try {
      patchBody = JSON.parse(call.body.toString('utf8'));
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    if (!existing) throw notFound(def, name);
    const current = structuredClone(this.present(def, existing));
    let patched: unknown;
    try {
      patched =
        contentType === 'application/json-patch+json'
          ? jsonPatch(current, patchBody)
          : mergePatch(
              current,
              patchBody,
              contentType === 'application/strategic-merge-patch+json',
            );
    } catch (error) {
      if (error instanceof PatchError) {
        throw new StatusError(failure(422, 'Invalid', m.jsonPatchFailed(error.message)));
      }
      throw error;
    }
    const obj = this.decodeObject(call, def, patched);
    const meta = obj.metadata as Obj;
    // A patch that does not name a resourceVersion applies to the current one.
    if (!meta.resourceVersion) meta.resourceVersion = (existing.metadata as Obj).resourceVersion;
    if (meta.name !== name) {
      throw invalidError(def.invalidKind.group, def.invalidKind.kind, name, [
        invalid('metadata.name', meta.name ?? '', 'field is immutable'),
      ]);
    }
    this.applyUpdate(call, def, ns, name, obj, false);
  }

  private delete(call: Call, def: ResourceDefinition, ns: string): void {
    const name = call.info.name;
    const existing = this.ctx.store.get(def.bucket, ns, name);
    if (!existing) throw notFound(def, name);
    const existingMeta = existing.metadata as Obj;
    const options = this.deleteOptions(call);
    const preconditions = (options.preconditions ?? {}) as Obj;
    const gr = groupResource(def.resource, def.group);
    const key = `${def.etcdPrefix}/${ns ? `${ns}/` : ''}${name}`;
    if (typeof preconditions.uid === 'string' && preconditions.uid !== existingMeta.uid) {
      throw conflict(
        def,
        name,
        m.uidPrecondition(gr, name, key, preconditions.uid, String(existingMeta.uid)),
      );
    }
    if (
      typeof preconditions.resourceVersion === 'string' &&
      preconditions.resourceVersion !== existingMeta.resourceVersion
    ) {
      throw conflict(
        def,
        name,
        m.rvPrecondition(
          gr,
          name,
          key,
          preconditions.resourceVersion,
          String(existingMeta.resourceVersion),
        ),
      );
    }
    if (!call.dryRun) this.remove(call, def, ns, name);
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: def.group || undefined, kind: def.resource, uid: existingMeta.uid },
    };
    this.send(call, 200, JSON.parse(JSON.stringify(status)));
  }

  private deleteCollection(call: Call, def: ResourceDefinition, ns: string): void {
    this.validateListOptions(call, false);
    const matches = this.selectorFor(call, def);
    const victims = this.ctx.store.list(def.bucket, ns || undefined).filter(matches);
    const items: Obj[] = [];
    for (const victim of victims) {
      const meta = victim.metadata as Obj;
      if (call.dryRun) {
        items.push(this.listItem(def, victim));
        continue;
      }
      const event = this.remove(call, def, String(meta.namespace ?? ''), String(meta.name));
      if (event) items.push(this.listItem(def, event));
    }
    this.send(call, 200, {
      kind: def.listKind,
      apiVersion: gvOf(def),
      metadata: { resourceVersion: String(this.ctx.store.currentRevision()) },
      items,
    });
  }

  private deleteOptions(call: Call): Obj {
    if (call.body.length === 0) return {};
    try {
      const parsed = JSON.parse(call.body.toString('utf8')) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Obj) : {};
    } catch (error) {
      throw badRequest((error as Error).message);
    }
  }

  private store(
    call: Call,
    def: ResourceDefinition,
    ns: string,
    name: string,
    stored: Obj,
    created: boolean,
  ): void {
    // A dry run answers with the object as it would be stored; a create's has no resourceVersion.
    if (call.dryRun) return;
    const event = this.ctx.store.put(def.bucket, ns, name, stored);
    if (!def.lock) return;
    this.ctx.writeLog.append({
      at: performance.now(),
      token: call.token,
      verb: call.info.verb as 'create' | 'update' | 'patch',
      created,
      resource: def.resource,
      namespace: ns,
      name,
      resourceVersion: String(event.rv),
      object: structuredClone(stored),
    });
  }

  /** Removes an object; returns its last state (stamped with the delete's revision). */
  private remove(call: Call, def: ResourceDefinition, ns: string, name: string): Obj | undefined {
    const event = this.ctx.store.remove(def.bucket, ns, name);
    if (!event) return undefined;
    if (def.lock) {
      this.ctx.writeLog.append({
        at: performance.now(),
        token: call.token,
        verb: 'delete',
        created: false,
        resource: def.resource,
        namespace: ns,
        name,
        resourceVersion: String(event.rv),
        object: structuredClone(event.previous as Obj),
      });
    }
    return event.object;
  }

  // ---- responses ----------------------------------------------------------------------------

  private warningHeaders(call: Call): Record<string, string | string[]> {
    return call.warnings.length ? { Warning: call.warnings } : {};
  }

  private send(
    call: Call,
    code: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const { res } = call;
    if (call.drop) {
      res.socket?.destroy();
      return;
    }
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Content-Length': Buffer.byteLength(text),
      ...this.warningHeaders(call),
      ...headers,
    });
    res.end(text);
    call.entry.status = code;
  }

  private sendText(call: Call, code: number, text: string): void {
    const { res } = call;
    if (call.drop) {
      res.socket?.destroy();
      return;
    }
    res.writeHead(code, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
    call.entry.status = code;
  }
}

/** The Namespace object kube-apiserver would hold for `name`. */
export function newNamespace(name: string): Obj {
  const obj: Obj = {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name, uid: randomUUID(), creationTimestamp: nowTime() },
  };
  applyNamespaceDefaults(obj);
  return obj;
}

function applyNamespaceDefaults(obj: Obj): void {
  const meta = obj.metadata as Obj;
  meta.labels = { ...((meta.labels ?? {}) as Obj), 'kubernetes.io/metadata.name': meta.name };
  obj.spec = { finalizers: ['kubernetes'], ...((obj.spec ?? {}) as Obj) };
  obj.status = { phase: 'Active' };
}

// apiserver's SimpleNameGenerator alphabet: no vowels, no look-alike digits.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++)
    out += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return out;
}
