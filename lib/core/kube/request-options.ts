import {
  ApiException,
  Observable,
  type ConfigurationOptions,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { LockError, type LockErrorReason } from '../errors.js';
import { lockMessages, type KubeRequestTarget } from '../messages.js';
import { sharedAgentCache, type AgentCache } from './agent-cache.js';
import { NodeHttpLibrary, TransportError } from './node-http-library.js';

/**
 * Where requests go and which secrets must never appear in a message. Built once per lock from
 * the KubeConfig (`kubeRequestContext`).
 */
export interface KubeRequestContext {
  /** The API server URL without user info, for messages. */
  server: string;
  /** Strings to blank out of any message (bearer token, basic-auth password). */
  secrets: readonly string[];
  /**
   * Keep-alive agents that replace client-node's per-request agent (one connection and TLS
   * handshake per request otherwise), and requests go out through `NodeHttpLibrary`. Absent:
   * client-node's agent and HTTP library are used as they are.
   */
  agents?: AgentCache;
}

/** How `kubeRequestContext` sets up requests. */
export interface KubeRequestContextOptions {
  /**
   * Reuse connections across requests (through `sharedAgentCache`) and send through
   * `NodeHttpLibrary`; false keeps client-node's behaviour (node-fetch, a new connection per
   * request).
   * @default true
   */
  keepAlive?: boolean;
}

/** The context for a KubeConfig's current cluster and user. */
export function kubeRequestContext(
  kubeConfig: KubeConfig,
  options: KubeRequestContextOptions = {},
): KubeRequestContext {
  const user = kubeConfig.getCurrentUser();
  const secrets = [user?.token, user?.password].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );
  return {
    server: safeServerUrl(kubeConfig.getCurrentCluster()?.server ?? '(no server)'),
    secrets,
    ...(options.keepAlive === false ? {} : { agents: sharedAgentCache }),
  };
}

/** Drops `user:password@` from a URL so it can be shown. */
export function safeServerUrl(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return server.replace(/\/\/[^/@]*@/, '//');
  }
}

/** Replaces every secret in `text` with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

/** One for the process: it holds no state per request. */
const nodeHttpLibrary = new NodeHttpLibrary();

/**
 * client-node per-request options: a middleware that attaches `signal` to the request (so an
 * abort stops waiting for the answer), swaps client-node's one-shot agent for a pooled
 * keep-alive one from `agents`, and lets the caller see response headers. With `agents`, the
 * request is sent by `NodeHttpLibrary` rather than node-fetch.
 * The middleware must be Observable-style and appended, so the KubeConfig's auth middleware
 * stays in place (client-node 1.4.0 forwards these options to its Observable API).
 *
 * Order, in client-node 1.4.0's generated code: the request factory runs the auth methods
 * (`KubeConfig.applySecurityAuthentication`, which sets the per-request agent with the TLS
 * options) before any middleware `pre`, so the agent seen here is the final one.
 */
export function requestOptions(
  signal?: AbortSignal,
  onResponse?: (response: ResponseContext) => void,
  agents?: AgentCache,
): ConfigurationOptions | undefined {
  if (!signal && !onResponse && !agents) return undefined;
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          if (signal) context.setSignal(signal);
          if (agents) {
            try {
              const pooled = agents.reuse(context.getAgent());
              if (pooled) context.setAgent(pooled);
            } catch {
              // Pooling is an optimisation: on any surprise the request goes out on
              // client-node's own agent, as it would without it.
            }
          }
          return new Observable(Promise.resolve(context));
        },
        post: (response: ResponseContext) => {
          onResponse?.(response);
          return new Observable(Promise.resolve(response));
        },
      },
    ],
    middlewareMergeStrategy: 'append',
    ...(agents ? { httpApi: nodeHttpLibrary } : {}),
  };
}

/** A Kubernetes `Status` body, as far as error mapping needs it. */
interface StatusBody {
  reason?: string;
  message?: string;
  /** `details.kind`: the resource the status is about (`namespaces` for a missing namespace). */
  kind?: string;
}

function parseStatus(body: unknown): StatusBody | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const status = value as Record<string, unknown>;
  const details = status['details'];
  const kind =
    typeof details === 'object' && details !== null
      ? (details as Record<string, unknown>)['kind']
      : undefined;
  return {
    reason: typeof status['reason'] === 'string' ? status['reason'] : undefined,
    message: typeof status['message'] === 'string' ? status['message'] : undefined,
    kind: typeof kind === 'string' ? kind : undefined,
  };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/**
 * OpenSSL's verification failures (Node puts them in `code`): the server answered, but its
 * certificate was not trusted, so the fix is the kubeconfig's CA, not the network.
 */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Classifies any error a client-node call can raise into a `LockError`, keeping the original as
 * `cause`. `reason` comes from the Status body when there is one (409 `Conflict` and 409
 * `AlreadyExists` differ, and only the former is client-go's IsConflict); otherwise from the
 * status code as client-go's NewGenericServerResponse does.
 */
export function toLockError(
  err: unknown,
  target: KubeRequestTarget,
  context: KubeRequestContext,
  signal?: AbortSignal,
): LockError {
  if (err instanceof LockError) return err;
  const clean = (text: string) => redact(text, context.secrets);

  if (err instanceof ApiException) {
    const code = Number(err.code);
    const status = parseStatus(err.body);
    const serverMessage = status?.message ? clean(status.message) : undefined;
    const reason = classifyStatus(code, status?.reason, target.verb);
    let message: string;
    if (code === 403) message = lockMessages.forbidden(target, serverMessage);
    else if (code === 401) message = lockMessages.unauthorized(target, serverMessage);
    else if (code === 404 && target.verb === 'create' && status?.kind === 'namespaces')
      message = lockMessages.namespaceNotFound(target, serverMessage);
    else message = lockMessages.apiStatus(target, code, status?.reason, serverMessage);
    return new LockError(reason, message, code, { cause: err });
  }

  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: string;
    code?: string;
    type?: string;
    statusCode?: number;
    message?: string;
  };
  if (
    signal?.aborted ||
    e.name === 'AbortError' ||
    e.name === 'TimeoutError' ||
    e.type === 'aborted'
  )
    return new LockError('Timeout', lockMessages.timeout(target, context.server), undefined, {
      cause: err,
    });

  // A watch that got a non-200 answer: client-node gives a plain Error with statusCode.
  if (typeof e.statusCode === 'number') {
    const code = e.statusCode;
    const reason = classifyStatus(code, undefined, target.verb);
    const message =
      code === 403
        ? lockMessages.forbidden(target, undefined)
        : code === 401
          ? lockMessages.unauthorized(target, undefined)
          : lockMessages.apiStatus(
              target,
              code,
              e.message ? clean(e.message) : undefined,
              undefined,
            );
    return new LockError(reason, message, code, { cause: err });
  }

  if (e.code && CERTIFICATE_CODES.has(e.code))
    return new LockError(
      'Unavailable',
      lockMessages.certificateRejected(target, context.server, e.code),
      undefined,
      { cause: err },
    );

  if (
    err instanceof TransportError ||
    (e.code && NETWORK_CODES.has(e.code)) ||
    e.type === 'system' ||
    (e.name === 'FetchError' && e.type !== 'invalid-json')
  ) {
    const cause = e.code ?? (e.message ? clean(stripUrls(e.message)) : 'network error');
    return new LockError(
      'Unavailable',
      lockMessages.unavailable(target, context.server, cause),
      undefined,
      {
        cause: err,
      },
    );
  }

  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new LockError(
    'Unknown',
    lockMessages.unexpected(target, clean(stripUrls(text))),
    undefined,
    {
      cause: err,
    },
  );
}

/** URLs can carry user info; messages name the server separately. */
function stripUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>');
}

function classifyStatus(
  code: number,
  statusReason: string | undefined,
  verb: KubeRequestTarget['verb'],
): LockErrorReason {
  switch (statusReason) {
    case 'NotFound':
      return 'NotFound';
    case 'Conflict':
      return 'Conflict';
    case 'AlreadyExists':
      return 'AlreadyExists';
    case 'Unauthorized':
      return 'Unauthorized';
    case 'Forbidden':
      return 'Forbidden';
    case 'Invalid':
      return 'Invalid';
    case 'Timeout':
    case 'ServerTimeout':
      return 'Timeout';
    case 'ServiceUnavailable':
    case 'TooManyRequests':
    case 'InternalError':
      return 'Unavailable';
  }
  switch (code) {
    case 404:
      return 'NotFound';
    case 409:
      return verb === 'create' ? 'AlreadyExists' : 'Conflict';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 422:
      return 'Invalid';
    case 504:
      return 'Timeout';
    case 429:
    case 500:
    case 502:
    case 503:
      return 'Unavailable';
    default:
      return 'Unknown';
  }
}

/**
 * Runs one client-node call with `signal` attached and maps whatever it throws. A signal that
 * is already aborted rejects at once without a request.
 */
export async function kubeCall<T>(
  call: (options: ConfigurationOptions | undefined) => Promise<T>,
  target: KubeRequestTarget,
  context: KubeRequestContext,
  signal?: AbortSignal,
  onResponse?: (response: ResponseContext) => void,
): Promise<T> {
  if (signal?.aborted)
    throw new LockError('Timeout', lockMessages.timeout(target, context.server), undefined, {
      cause: signal.reason,
    });
  try {
    return await call(requestOptions(signal, onResponse, context.agents));
  } catch (err) {
    throw toLockError(err, target, context, signal);
  }
}
