/**
 * `metav1.Status` failures, built with the API server's field order (kind, apiVersion, metadata,
 * status, message, reason, details{name, group, kind, uid, causes, retryAfterSeconds}, code) and
 * its exact texts. Handlers throw a `StatusError`; the router writes its `status` as the body.
 */
import { aggregate, type FieldError } from './field-error.js';
import { apiServerMessages as m, groupKind, groupResource } from './kube-api.messages.js';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Builds details in the Go field order, leaving out empty fields (`omitempty`). */
function details(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes?.length) out.causes = d.causes;
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

export function failure(
  code: number,
  reason: string | undefined,
  message: string | undefined,
  d?: StatusDetails,
): KubeStatus {
  // Insertion order is the JSON order; `code` goes last, as Go writes it.
  const ordered: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
  };
  if (message) ordered.message = message;
  if (reason) ordered.reason = reason;
  if (d) ordered.details = details(d);
  ordered.code = code;
  return ordered as unknown as KubeStatus;
}

export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    readonly status: KubeStatus,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(status.message ?? `HTTP ${status.code}`);
  }
}

/** The group/resource/kind triple error builders need. */
export interface ResourceRef {
  resource: string;
  group: string;
  kind: string;
}

export const notFound = (r: ResourceRef, name: string): StatusError =>
  new StatusError(
    failure(404, 'NotFound', m.notFound(groupResource(r.resource, r.group), name), {
      name,
      group: r.group,
      kind: r.resource,
    }),
  );

export const alreadyExists = (r: ResourceRef, name: string, beingDeleted = false): StatusError =>
  new StatusError(
    failure(
      409,
      'AlreadyExists',
      (beingDeleted ? 'object is being deleted: ' : '') +
        m.alreadyExists(groupResource(r.resource, r.group), name),
      { name, group: r.group, kind: r.resource },
    ),
  );

export const conflict = (r: ResourceRef, name: string, message?: string): StatusError =>
  new StatusError(
    failure(
      409,
      'Conflict',
      message ?? m.optimisticLock(groupResource(r.resource, r.group), name),
      {
        name,
        group: r.group,
        kind: r.resource,
      },
    ),
  );

/** `apierrors.NewInvalid(qualifiedKind, name, errs)`; `kind` is a Kind or, for RV errors, a resource. */
export const invalidError = (
  group: string,
  kind: string,
  name: string,
  errors: readonly FieldError[],
): StatusError =>
  new StatusError(
    failure(422, 'Invalid', m.invalid(groupKind(kind, group), name, aggregate(errors)), {
      name,
      group,
      kind,
      causes: errors.map((e) => ({ reason: e.type, message: e.body(), field: e.field })),
    }),
  );

export const badRequest = (message: string): StatusError =>
  new StatusError(failure(400, 'BadRequest', message));

/** A plain Go error turned into a Status: code 500 and no reason. */
export const internalError = (message: string): StatusError =>
  new StatusError(failure(500, undefined, message));

export const unauthorized = (): StatusError =>
  new StatusError(failure(401, 'Unauthorized', m.unauthorized));

export const forbiddenError = (
  resource: string,
  group: string,
  name: string,
  why: string,
): StatusError =>
  new StatusError(
    failure(
      403,
      'Forbidden',
      m.forbidden(resource ? groupResource(resource, group) : '', name, why),
      {
        name,
        group,
        kind: resource,
      },
    ),
  );

export const methodNotAllowed = (): StatusError =>
  new StatusError(failure(405, 'MethodNotAllowed', m.methodNotAllowed, {}));

export const unsupportedMediaType = (contentType: string): StatusError =>
  new StatusError(failure(415, 'UnsupportedMediaType', m.unsupportedMediaType(contentType)));

export const expired = (message: string): StatusError =>
  new StatusError(failure(410, 'Expired', message));

export const tooLargeResourceVersion = (requested: number, current: number): StatusError =>
  new StatusError(
    failure(504, 'Timeout', m.tooLargeResourceVersion(requested, current), {
      causes: [{ reason: 'ResourceVersionTooLarge', message: m.tooLargeResourceVersionCause }],
      retryAfterSeconds: 1,
    }),
  );

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * A Status for an injected error code, shaped like the real one for that code (client-go's
 * `NewGenericServerResponse` family), optionally with the caller's message.
 */
export function injectedError(
  code: number,
  message: string | undefined,
  target: { ref?: ResourceRef; name: string },
): StatusError {
  const ref = target.ref;
  const name = target.name;
  const gr = ref ? groupResource(ref.resource, ref.group) : '';
  const d: StatusDetails | undefined = ref
    ? { name, group: ref.group, kind: ref.resource }
    : undefined;
  const headers: Record<string, string> = {};
  let text = message;
  switch (code) {
    case 404:
      text ??= ref && name ? m.notFound(gr, name) : m.notFoundPage.trim();
      break;
    case 409:
      text ??= ref && name ? m.optimisticLock(gr, name) : 'the server reported a conflict';
      break;
    case 429:
      text ??= m.tooManyRequests;
      headers['Retry-After'] = '1';
      return new StatusError(
        failure(429, 'TooManyRequests', text, { ...d, retryAfterSeconds: 1 }),
        headers,
      );
    case 500:
      text ??= m.internalError(m.injectedFault(code));
      break;
    case 503:
      text ??= m.serviceUnavailable;
      break;
    case 504:
      text ??= m.gatewayTimeout;
      break;
    case 401:
      text ??= m.unauthorized;
      return new StatusError(failure(401, 'Unauthorized', text));
    default:
      text ??= m.injectedFault(code);
  }
  const reason = REASON_BY_CODE[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
  return new StatusError(failure(code, reason, text, d), headers);
}
