/**
 * Shared pieces of the keep-alive tests: a counter of the HTTP(S) connections this process's
 * requests used, read from Node's `http.client.response.finish` diagnostics channel (present in
 * Node 20; `net.client.socket` is not published for TLS sockets there), and a bounded wait.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { sleep, waitFor } from '../../support/wait-for.js';
export { sleep, waitFor };

export interface ConnectionCount {
  /** Requests answered (to the given port) since the counter started. */
  requests: number;
  /** Distinct sockets those requests went over: new TCP connections (and TLS handshakes). */
  connections: number;
  /** Answered requests that went over a socket an earlier request had used. */
  reused: number;
}

/**
 * Counts answered requests to `port` (whose path contains `pathPart`, when given) and the
 * connections they used, until `stop()`.
 */
export class ConnectionCounter {
  private readonly sockets = new Set<Socket>();
  private requests = 0;
  private reused = 0;
  private readonly listener = (message: unknown): void => {
    const request = (message as { request: ClientRequest }).request;
    const socket = request.socket;
    if (!socket || socket.remotePort !== this.port) return;
    if (this.pathPart !== undefined && !request.path.includes(this.pathPart)) return;
    this.requests += 1;
    // Not request.reusedSocket: Node sets that only for a socket taken from the free list, not
    // for one handed over to a request that waited in the agent's queue.
    if (this.sockets.has(socket)) this.reused += 1;
    this.sockets.add(socket);
  };

  constructor(
    private readonly port: number,
    private readonly pathPart?: string,
  ) {
    diagnostics.subscribe('http.client.response.finish', this.listener);
  }

  count(): ConnectionCount {
    return { requests: this.requests, connections: this.sockets.size, reused: this.reused };
  }

  /** Stops counting; `count()` keeps the totals. */
  stop(): void {
    diagnostics.unsubscribe('http.client.response.finish', this.listener);
  }
}

/** Port of an `https://127.0.0.1:N` URL. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Active handles of one kind (e.g. 'TCPSocketWrap') keeping the event loop alive. */
export function activeHandles(kind: string): number {
  return process.getActiveResourcesInfo().filter((k) => k === kind).length;
}
