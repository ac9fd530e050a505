/**
 * NodeHttpLibrary against a real HTTP server on 127.0.0.1: what client-node hands it (a real
 * `RequestContext`) must reach the server unchanged, the answer must come back as client-node
 * expects it, and every way a request can fail must be told apart (abort, cut answer, no server).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { LockError } from '../../../lib/core/errors.js';
import type { KubeRequestTarget } from '../../../lib/core/messages.js';
import { AgentCache } from '../../../lib/core/kube/agent-cache.js';
import { NodeHttpLibrary, TransportError } from '../../../lib/core/kube/node-http-library.js';
import {
  requestOptions,
  toLockError,
  type KubeRequestContext,
} from '../../../lib/core/kube/request-options.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const target: KubeRequestTarget = {
  verb: 'update',
  group: 'coordination.k8s.io',
  resource: 'leases',
  namespace: 'ns',
  name: 'x',
};

describe('NodeHttpLibrary', () => {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url?.startsWith('/cut')) {
        // Promise 100 bytes, send 10, then drop the connection.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"kind":"L');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      if (req.url?.startsWith('/slow')) return; // never answers; the client aborts
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-multi', ['a', 'b']);
      res.writeHead(req.url?.startsWith('/conflict') ? 409 : 200);
      res.end(JSON.stringify({ echo: body, long: 'é'.repeat(40_000) }));
    });
  });
  let base = '';
  const agents = new AgentCache();
  const library = new NodeHttpLibrary();

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    agents.closeIdle();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const context = (path: string, method = HttpMethod.PUT, agent?: http.Agent) => {
    const ctx = new RequestContext(`${base}${path}`, method);
    ctx.setHeaderParam('Content-Type', 'application/json');
    ctx.setHeaderParam('Authorization', 'Bearer t0ken');
    ctx.setAgent(agent ?? new http.Agent());
    return ctx;
  };

  it('sends method, path, query, headers and body as client-node built them', async () => {
    const ctx = context('/apis/x?fieldManager=me&dryRun=All');
    ctx.setBody('{"spec":{"holderIdentity":"é"}}');
    const response = await library.send(ctx).toPromise();

    const last = seen.at(-1)!;
    assert.equal(last.method, 'PUT');
    assert.equal(last.url, '/apis/x?fieldManager=me&dryRun=All');
    assert.equal(last.headers['authorization'], 'Bearer t0ken');
    assert.equal(last.headers['content-type'], 'application/json');
    // Bytes, not characters: "é" is two bytes in UTF-8.
    assert.equal(last.headers['content-length'], String(Buffer.byteLength(last.body)));
    assert.equal(last.body, '{"spec":{"holderIdentity":"é"}}');

    assert.equal(response.httpStatusCode, 200);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.headers['x-multi'], 'a, b');
    const parsed = JSON.parse(await response.body.text()) as { echo: string; long: string };
    assert.equal(parsed.echo, '{"spec":{"holderIdentity":"é"}}');
    // Several chunks, one of them splitting a two-byte character, come back whole.
    assert.equal(parsed.long, 'é'.repeat(40_000));
  });

  it('sends a GET without a body or a content-length', async () => {
    const response = await library.send(context('/apis/y', HttpMethod.GET)).toPromise();
    assert.equal(response.httpStatusCode, 200);
    const last = seen.at(-1)!;
    assert.equal(last.method, 'GET');
    assert.equal(last.body, '');
    assert.equal(last.headers['content-length'], undefined);
  });

  it('returns an error status as an answer, for client-node to turn into an ApiException', async () => {
    const response = await library.send(context('/conflict')).toPromise();
    assert.equal(response.httpStatusCode, 409);
  });

  it('goes out on the agent set on the request: a pooled agent reuses its connection', async () => {
    const pooled = agents.reuse(new http.Agent()) as http.Agent;
    assert.ok(pooled, 'the cache pools a plain agent');
    let opened = 0;
    const count = () => opened++;
    server.on('connection', count);
    try {
      for (let i = 0; i < 3; i++)
        await library.send(context('/apis/z', HttpMethod.GET, pooled)).toPromise();
    } finally {
      server.off('connection', count);
    }
    assert.equal(opened, 1, 'three requests, one connection');
    assert.deepEqual(agents.connections(), { active: 0, idle: 1 });
  });

  it('rejects a cut answer with a TransportError, which maps to Unavailable', async () => {
    const err = await library
      .send(context('/cut'))
      .toPromise()
      .then(
        () => assert.fail('a cut answer must not resolve'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof TransportError, `got ${String(err)}`);
    assert.equal(err.code, 'ECONNRESET');
    const lockError = toLockError(err, target, { server: base, secrets: [] });
    assert.equal(lockError.reason, 'Unavailable');
    assert.match(lockError.message, /ECONNRESET/);
  });

  it('rejects with a TransportError naming ECONNREFUSED when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const ctx = new RequestContext(`http://127.0.0.1:${port}/apis/x`, HttpMethod.GET);
    ctx.setAgent(new http.Agent());
    const err = await library
      .send(ctx)
      .toPromise()
      .then(
        () => assert.fail('must not resolve'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof TransportError);
    assert.equal(err.code, 'ECONNREFUSED');
    const lockError = toLockError(err, target, { server: `http://127.0.0.1:${port}`, secrets: [] });
    assert.equal(lockError.reason, 'Unavailable');
  });

  it('stops waiting when the signal aborts, with an error that maps to Timeout', async () => {
    const controller = new AbortController();
    const ctx = context('/slow', HttpMethod.GET);
    ctx.setSignal(controller.signal);
    const pending = library.send(ctx).toPromise();
    setTimeout(() => controller.abort(), 30);
    const err = await pending.then(
      () => assert.fail('must not resolve'),
      (e: unknown) => e,
    );
    assert.equal((err as Error).name, 'AbortError');
    const lockError = toLockError(err, target, { server: base, secrets: [] }, controller.signal);
    assert.equal(lockError.reason, 'Timeout');
  });

  it("hands bodies that are not strings to client-node's own library", async () => {
    const ctx = context('/form', HttpMethod.POST);
    ctx.setHeaderParam('Content-Type', 'application/x-www-form-urlencoded');
    ctx.setBody(new URLSearchParams({ a: '1', b: 'two' }));
    const response = await library.send(ctx).toPromise();
    assert.equal(response.httpStatusCode, 200);
    const last = seen.at(-1)!;
    assert.equal(last.body, 'a=1&b=two');
    assert.match(String(last.headers['user-agent']), /node-fetch/);
  });
});

describe('requestOptions and the HTTP library', () => {
  it('sends through NodeHttpLibrary when connections are pooled, and leaves client-node alone when not', () => {
    const pooled = requestOptions(undefined, undefined, new AgentCache());
    assert.ok(pooled?.httpApi instanceof NodeHttpLibrary);
    const plain = requestOptions(new AbortController().signal, undefined, undefined);
    assert.equal(plain?.httpApi, undefined);
  });

  it('maps only transport failures, not any error with a code, to Unavailable', () => {
    const context: KubeRequestContext = { server: 'https://10.0.0.1:443', secrets: [] };
    const odd = toLockError(
      Object.assign(new Error('odd'), { code: 'ERR_SOMETHING' }),
      target,
      context,
    );
    assert.equal(odd.reason, 'Unknown');
    const wrapped = toLockError(
      new TransportError(Object.assign(new Error('odd'), { code: 'ERR_SOMETHING' })),
      target,
      context,
    );
    assert.ok(wrapped instanceof LockError);
    assert.equal(wrapped.reason, 'Unavailable');
    assert.match(wrapped.message, /ERR_SOMETHING/);
  });
});
