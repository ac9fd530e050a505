import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseSampleEvent, type SampleEvent } from '../sample/src/sample-event.types.js';
import type { LeaderStatus } from '../sample/src/leader.controller.js';

/** Wall-clock ms with sub-ms precision, comparable with the replicas' event times. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export type ReplicaState = 'starting' | 'running' | 'stopping' | 'killed' | 'exited';

export interface ReplicaExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface ReplicaListener {
  onEvent(replica: DemoReplica, event: SampleEvent): void;
  onLog(replica: DemoReplica, line: string): void;
  onExit(replica: DemoReplica, exit: ReplicaExit): void;
}

const LOG_TAIL_LINES = 40;

/** One sample replica running as a child process, and what the demo knows about it. */
export class DemoReplica {
  state: ReplicaState = 'starting';
  identity: string | undefined;
  port: number | undefined;
  /** Last answer of its GET /leader. */
  status: LeaderStatus | undefined;
  exit: ReplicaExit | undefined;
  /** When the demo sent SIGTERM / SIGKILL, for the measurements. */
  signalledAt: number | undefined;
  /** A GET /leader is in flight (the demo polls one at a time per replica). */
  polling = false;
  readonly logTail: string[] = [];
  private child: ChildProcess | undefined;
  private readonly exited: Promise<ReplicaExit>;
  private resolveExit!: (exit: ReplicaExit) => void;

  constructor(
    readonly name: string,
    private readonly listener: ReplicaListener,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.exit === undefined;
  }

  start(entry: string, env: NodeJS.ProcessEnv): void {
    // Own process group: Ctrl-C reaches only the demo, which then stops each replica exactly
    // once with SIGTERM (a second signal would skip the graceful release).
    const child = spawn(process.execPath, ['--enable-source-maps', entry], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    child.stdin?.on('error', () => undefined);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) =>
        this.onLine(line),
      );
    }
    child.on('error', (err) => this.onLine(`[demo] could not run the replica: ${err.message}`));
    child.on('exit', (code, signal) => {
      const exit = { code, signal, at: wallNow() };
      this.exit = exit;
      if (this.state !== 'killed') this.state = 'exited';
      this.listener.onExit(this, exit);
      this.resolveExit(exit);
    });
  }

  /** Sends `signal`; returns when it was sent (wall ms). */
  signal(signal: 'SIGTERM' | 'SIGKILL'): number {
    const at = wallNow();
    this.signalledAt = at;
    if (this.alive) {
      this.state = signal === 'SIGKILL' ? 'killed' : 'stopping';
      this.child!.kill(signal);
    }
    return at;
  }

  /** Resolves with the exit, or undefined if it has not exited within `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ReplicaExit | undefined> {
    if (this.exit || !this.child) return this.exit;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last resort from process.on('exit'): synchronous, no waiting. */
  killNow(): void {
    if (this.alive) this.child!.kill('SIGKILL');
  }

  private onLine(line: string): void {
    const event = parseSampleEvent(line);
    if (event) {
      if (event.event === 'listening') {
        this.identity = event.identity;
        this.port = event.port;
        if (this.state === 'starting') this.state = 'running';
      }
      this.listener.onEvent(this, event);
      return;
    }
    this.logTail.push(line);
    if (this.logTail.length > LOG_TAIL_LINES) this.logTail.shift();
    this.listener.onLog(this, line);
  }
}

/** Asks a replica's GET /leader; undefined when it does not answer within `timeoutMs`. */
export async function fetchLeaderStatus(
  port: number,
  timeoutMs: number,
): Promise<LeaderStatus | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/leader`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return undefined;
    return (await res.json()) as LeaderStatus;
  } catch {
    return undefined;
  }
}
