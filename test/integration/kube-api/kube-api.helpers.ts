/** Shared helpers for the KubeApiTestServer integration tests (not a test file itself). */
import type { TestContext } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { KubeApiTestServer } from '../../../lib/testing/index.js';
import type { KubeApiTestServerOptions } from '../../../lib/testing/index.js';

/** Starts a server that the test stops after itself. */
export async function startServer(
  t: TestContext,
  options?: KubeApiTestServerOptions,
): Promise<KubeApiTestServer> {
  const server = new KubeApiTestServer(options);
  await server.start();
  t.after(() => server.stop());
  return server;
}

export interface ApiFailure {
  code: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Awaits a client-node call that must fail with an ApiException; returns code and parsed body. */
export async function apiFailure(call: Promise<unknown>): Promise<ApiFailure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const e = error as ApiException<string>;
    return {
      code: e.code,
      body: typeof e.body === 'string' && e.body ? JSON.parse(e.body) : {},
      headers: e.headers,
    };
  }
  throw new Error('expected the call to fail with an ApiException, but it succeeded');
}

/** A raw HTTP request (for what client-node hides: 401 bodies, headers, odd bodies). */
export async function raw(
  server: KubeApiTestServer,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; contentType?: string; accept?: string } = {},
): Promise<{ status: number; text: string; json: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? 'admin' : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined)
    headers['content-type'] = options.contentType ?? 'application/json';
  if (options.accept) headers.accept = options.accept;
  const response = await fetch(server.url + path, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (e.g. the plain-text 404 page)
  }
  return { status: response.status, text, json, headers: response.headers };
}

/** A MicroTime string with exactly six fractional digits, as the API server requires. */
export function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export const LEASES = '/apis/coordination.k8s.io/v1/namespaces';

/** Polls `condition` every 10 ms; rejects with a clear error after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
