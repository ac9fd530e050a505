import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

/**
 * Tuning of the pooled agents. Internal (the library uses `sharedAgentCache`; tests build their
 * own), so the values are not validated.
 */
export interface AgentCacheOptions {
  /**
   * An idle pooled connection is closed after this long. Kept well below kube-apiserver's idle
   * timeout (90 s, k8s.io/apiserver secure serving) and usual load-balancer ones, so the client,
   * not the server, closes it: a request is then never sent on a connection the server is
   * closing. A shorter `Keep-Alive: timeout=N` hint from the server wins (Node's agent honours
   * it, minus 1 s).
   * @default 30000
   */
  idleTimeout?: number;
  /**
   * Connections open at once per API server; further requests wait for a free one (each is
   * still bounded by its own signal). Many elections in one process renew in lockstep every
   * retryPeriod: without a cap such a burst opened a connection per request and, above
   * `maxFreeSockets`, closed them again once answered, a TCP handshake (and a TLS one) per
   * request every round. With `maxFreeSockets` equal to it, a burst reuses the same
   * connections round after round.
   * @default 16
   */
  maxSockets?: number;
  /** Idle connections kept per API server; more are closed once their request is done. @default 16 */
  maxFreeSockets?: number;
  /** TCP keep-alive probe delay on pooled connections. @default 15000 */
  keepAliveMsecs?: number;
  /**
   * Distinct TLS settings remembered (rotating client certificates each make a new entry). The
   * least recently used is forgotten; its idle connections close by `idleTimeout`. @default 16
   */
  maxAgents?: number;
}

type AnyAgent = http.Agent | https.Agent;

/**
 * Keep-alive agents shared by every request with the same TLS settings.
 *
 * client-node 1.4.0 builds a new `https.Agent` (no keep-alive) for every request, so every
 * lease GET/PUT opened a TCP connection and made a full TLS handshake. `reuse()` takes that
 * agent and returns a pooled one built from exactly the same options, so TLS semantics cannot
 * change: the cache key covers every option client-node set (CA, client certificate and key,
 * pfx, passphrase, servername, rejectUnauthorized when client-node set it, ...), a request
 * with other settings never gets a connection (or a TLS session to resume) made under
 * different ones. This is client-go's design too (its transport cache is keyed by the TLS
 * config; bearer tokens are per-request headers and not part of the key).
 *
 * Only plain `http.Agent` / `https.Agent` instances without keep-alive are replaced; proxy
 * agents (SOCKS, HTTP(S) proxy: subclasses), agents someone already pools, and options that
 * cannot be compared (functions, objects) keep client-node's agent.
 *
 * Nothing here keeps the process alive: Node unrefs a pooled connection while it is idle and
 * the agent closes it after `idleTimeout`; requests in flight are bounded by their own signal.
 */
export class AgentCache {
  private readonly agents = new Map<string, AnyAgent>();
  /** The previous request's options (defined ones) and their key. */
  private lastKey: { kind: string; options: Record<string, unknown>; key: string } | undefined;
  /** Set by closeIdle(): connections that finish their request are closed, not pooled. */
  private draining = false;
  private readonly idleTimeout: number;
  private readonly maxSockets: number;
  private readonly maxFreeSockets: number;
  private readonly keepAliveMsecs: number;
  private readonly maxAgents: number;

  constructor(options: AgentCacheOptions = {}) {
    this.idleTimeout = options.idleTimeout ?? 30_000;
    this.maxSockets = options.maxSockets ?? 16;
    this.maxFreeSockets = options.maxFreeSockets ?? 16;
    this.keepAliveMsecs = options.keepAliveMsecs ?? 15_000;
    this.maxAgents = options.maxAgents ?? 16;
  }

  /**
   * The pooled agent to use instead of `agent`, or `undefined` to keep `agent` (not a plain
   * Node agent, already keep-alive, or options that cannot be keyed).
   */
  reuse(agent: unknown): AnyAgent | undefined {
    const kind = agentKind(agent);
    if (!kind) return undefined;
    const options = (agent as { options?: Record<string, unknown> }).options;
    if (!options || typeof options !== 'object') return undefined;
    const key = this.keyOf(kind, options);
    if (key === undefined) return undefined;
    // A new request means the pool is in use again (another election, or a restart).
    this.draining = false;

    const cached = this.agents.get(key);
    if (cached) {
      // Map order is insertion order: re-inserting makes this the most recently used.
      this.agents.delete(key);
      this.agents.set(key, cached);
      return cached;
    }
    const pooled: http.AgentOptions = {
      ...definedOptions(options),
      keepAlive: true,
      keepAliveMsecs: this.keepAliveMsecs,
      maxSockets: this.maxSockets,
      maxFreeSockets: this.maxFreeSockets,
      // For a keep-alive agent `timeout` is the idle timeout of pooled sockets: Node destroys a
      // free socket when it fires; on a socket in use it only emits 'timeout', which node-fetch
      // ignores (per-request limits come from the abort signal).
      timeout: this.idleTimeout,
      scheduling: 'lifo',
    };
    const created = kind === 'https' ? new https.Agent(pooled) : new http.Agent(pooled);
    // Runs after the agent's own 'free' listener has pooled the socket.
    created.on('free', (socket: { destroy(): void }) => {
      if (this.draining) socket.destroy();
    });
    this.agents.set(key, created);
    while (this.agents.size > this.maxAgents) {
      // Forgotten, not destroyed: a request may still be using one of its sockets.
      const oldest = this.agents.keys().next().value as string;
      this.agents.delete(oldest);
    }
    return created;
  }

  /**
   * The cache key of `options`. Consecutive requests nearly always carry the same settings,
   * so they are compared by value with the previous request's first, and hashed only when
   * they differ.
   */
  private keyOf(kind: string, options: Record<string, unknown>): string | undefined {
    const last = this.lastKey;
    if (last && last.kind === kind && sameOptions(last.options, options)) return last.key;
    const key = cacheKey(kind, options);
    if (key === undefined) return undefined;
    // Holds the same values as the pooled agent built from them; nothing new is kept.
    this.lastKey = { kind, options: definedOptions(options), key };
    return key;
  }

  /** How many distinct TLS settings have a pooled agent. */
  get size(): number {
    return this.agents.size;
  }

  /** Open connections of all pooled agents: `active` in use, `idle` waiting for reuse. */
  connections(): { active: number; idle: number } {
    let active = 0;
    let idle = 0;
    for (const agent of this.agents.values()) {
      for (const list of Object.values(agent.sockets)) active += list?.length ?? 0;
      for (const list of Object.values(agent.freeSockets)) idle += list?.length ?? 0;
    }
    return { active, idle };
  }

  /**
   * Closes the idle pooled connections now instead of after `idleTimeout`; requests in flight
   * keep theirs and close it when they finish, until the next request uses the pool again.
   * Safe with other users of the pool: their next request reconnects.
   */
  closeIdle(): void {
    // Requests still in flight (a last event post, a release answer on its way back) would
    // return their connection to the pool after this; close those too, until the next request.
    this.draining = true;
    for (const agent of this.agents.values()) {
      for (const list of Object.values(agent.freeSockets)) {
        for (const socket of [...(list ?? [])]) socket.destroy();
      }
    }
  }

  /** Closes every pooled connection (also those in use) and forgets all agents. */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    this.lastKey = undefined;
  }
}

/** The pool every library request shares (see `kubeRequestContext`). */
export const sharedAgentCache = new AgentCache();

/** Exactly Node's own agent classes: proxy agents are subclasses and are left alone. */
function agentKind(agent: unknown): 'http' | 'https' | undefined {
  if (typeof agent !== 'object' || agent === null) return undefined;
  if ((agent as { keepAlive?: unknown }).keepAlive !== false) return undefined;
  const proto = Object.getPrototypeOf(agent) as unknown;
  if (proto === https.Agent.prototype) return 'https';
  if (proto === http.Agent.prototype) return 'http';
  return undefined;
}

/** `options` without the entries that are `undefined` (client-node sets many to undefined). */
function definedOptions(options: Record<string, unknown>): Record<string, unknown> {
  const defined: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) defined[name] = value;
  }
  return defined;
}

/** Whether `options` has exactly the defined values of `previous`, compared by value. */
function sameOptions(previous: Record<string, unknown>, options: Record<string, unknown>): boolean {
  let count = 0;
  for (const name of Object.keys(options)) {
    const value = options[name];
    if (value === undefined) continue;
    count += 1;
    if (!(name in previous) || !sameValue(previous[name], value)) return false;
  }
  return count === Object.keys(previous).length;
}

/** `a` is a value cacheKey accepted (the previous request's), so other objects never occur. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === null || typeof a !== 'object') return a === b;
  if (a instanceof Uint8Array)
    return b instanceof Uint8Array && a.length === b.length && Buffer.compare(a, b) === 0;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  return false;
}

/**
 * A digest of every defined option (so no key material is kept as a string), or `undefined`
 * when an option cannot be compared by value. It runs on every request, so the framed input is
 * collected first and hashed in one call.
 */
function cacheKey(kind: string, options: Record<string, unknown>): string | undefined {
  const parts: Array<string | Uint8Array> = [];
  frame(parts, 'kind', kind);
  for (const name of Object.keys(options).sort()) {
    const value = options[name];
    if (value === undefined) continue;
    frame(parts, 'name', name);
    if (!addValue(parts, value)) return undefined;
  }
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('base64');
}

function addValue(parts: Array<string | Uint8Array>, value: unknown): boolean {
  if (value === null) frame(parts, 'null', '');
  else if (typeof value === 'string') frame(parts, 'string', value);
  else if (typeof value === 'number' || typeof value === 'boolean')
    frame(parts, typeof value, String(value));
  else if (value instanceof Uint8Array) frame(parts, 'bytes', value);
  else if (Array.isArray(value)) {
    frame(parts, 'array', String(value.length));
    for (const item of value) if (!addValue(parts, item)) return false;
  } else return false;
  return true;
}

/** Length-prefixed (in bytes), so no two different option sets hash the same input. */
function frame(parts: Array<string | Uint8Array>, tag: string, data: string | Uint8Array): void {
  const length = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
  parts.push(`${tag}:${length}:`, data);
}
