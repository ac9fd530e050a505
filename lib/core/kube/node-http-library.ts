import * as http from 'node:http';
import * as https from 'node:https';
import {
  IsomorphicFetchHttpLibrary,
  Observable,
  ResponseContext,
  type HttpLibrary,
  type RequestContext,
  type ResponseBody,
} from '@kubernetes/client-node';

/**
 * A request that failed below HTTP (connection refused or reset, TLS failure, malformed answer,
 * connection closed mid-answer). `code` is Node's error code when there is one; the original
 * error is the `cause`. The analogue of node-fetch's `FetchError` of type `system`.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: string | undefined;

  constructor(cause: unknown) {
    const err = (typeof cause === 'object' && cause !== null ? cause : {}) as {
      code?: unknown;
      message?: unknown;
    };
    super(typeof err.message === 'string' ? err.message : String(cause), { cause });
    this.code = typeof err.code === 'string' ? err.code : undefined;
  }
}

/** An answer read to its end: client-node parses it with `text()`. */
class BufferedBody implements ResponseBody {
  constructor(private readonly bytes: Buffer) {}

  text(): Promise<string> {
    return Promise.resolve(this.bytes.toString('utf8'));
  }

  binary(): Promise<Buffer> {
    return Promise.resolve(this.bytes);
  }
}

/**
 * Sends client-node's requests with Node's own `http`/`https` instead of node-fetch.
 *
 * Why: with 100 elections in one process, a leader renews 50 times a second, and node-fetch's
 * per-request Request, Headers, body streams and closures were about a third of everything
 * allocated on that path (`npm run bench`, idle section). The request is otherwise the one
 * client-node built: URL, method, headers (auth included), body, the agent its auth method chose
 * (TLS options, proxy agents) or the pooled one that replaced it, and the abort signal.
 *
 * What node-fetch did that this does not: follow redirects (the API server does not send them
 * for lease, ConfigMap, Endpoints or Event requests; a 3xx reaches the caller as an error
 * status) and ask for gzip (these answers are a few hundred bytes). Bodies that are not strings
 * (client-node's form uploads) go to client-node's own library unchanged.
 */
export class NodeHttpLibrary implements HttpLibrary {
  private fallback: HttpLibrary | undefined;

  send(request: RequestContext): Observable<ResponseContext> {
    const body = request.getBody();
    if (body !== undefined && typeof body !== 'string') {
      this.fallback ??= new IsomorphicFetchHttpLibrary();
      return this.fallback.send(request);
    }
    return new Observable(exchange(request, body));
  }
}

function exchange(request: RequestContext, body: string | undefined): Promise<ResponseContext> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.getUrl());
    const headers: http.OutgoingHttpHeaders = { ...request.getHeaders() };
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const signal = request.getSignal() as AbortSignal | undefined;
    const options: https.RequestOptions = {
      method: request.getHttpMethod(),
      headers,
      agent: request.getAgent() as http.Agent | undefined,
      signal,
    };
    const send = url.protocol === 'https:' ? https.request : http.request;
    // Abort errors pass through as they are (AbortError): the caller maps them to a timeout.
    const fail = (err: unknown) =>
      reject(signal?.aborted ? err : err instanceof TransportError ? err : new TransportError(err));

    let req: http.ClientRequest;
    try {
      req = send(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('error', fail);
        res.on('end', () => {
          const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
          resolve(
            new ResponseContext(
              res.statusCode ?? 0,
              flatHeaders(res.headers),
              new BufferedBody(bytes),
            ),
          );
        });
        // Closed before the end without an 'error' (older Node versions): the answer is cut.
        res.on('close', () => {
          if (!res.complete)
            fail(
              Object.assign(new Error('the connection closed before the answer ended'), {
                code: 'ECONNRESET',
              }),
            );
        });
      });
    } catch (err) {
      // Synchronous throws: an invalid header value, an agent of the wrong protocol.
      fail(err);
      return;
    }
    req.on('error', fail);
    req.end(body);
  });
}

/** client-node reads headers as one lower-case string each, as node-fetch gave them. */
function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
