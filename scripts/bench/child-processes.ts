import { fork, type ChildProcess } from 'node:child_process';
import { childExited, waitTimedOut } from './bench.messages.js';

/** A message a bench child sent over IPC, stamped with the parent's monotonic receive time. */
export interface ChildMessage {
  type: string;
  receivedAt: number;
  [key: string]: unknown;
}

interface Waiter {
  predicate: (message: ChildMessage) => boolean;
  resolve: (message: ChildMessage) => void;
  reject: (error: Error) => void;
}

const STDERR_TAIL_CHARS = 4000;

/** One forked child with an IPC channel; every wait is bounded and fails if the child dies. */
export class BenchChild {
  readonly messages: ChildMessage[] = [];
  readonly exited: Promise<void>;
  private readonly waiters = new Set<Waiter>();
  private stderrTail = '';
  private exitInfo: { code: number | null; signal: string | null } | undefined;

  constructor(
    readonly label: string,
    readonly process: ChildProcess,
  ) {
    process.stderr?.setEncoding('utf8');
    process.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    process.on('message', (raw: unknown) => {
      const message = { ...(raw as object), receivedAt: performance.now() } as ChildMessage;
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(message)) {
          this.waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        const error = new Error(childExited(label, code, signal, this.stderrTail));
        for (const waiter of this.waiters) waiter.reject(error);
        this.waiters.clear();
        resolve();
      });
    });
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** The first message (already received or future) that matches, within `timeoutMs`. */
  waitFor(
    predicate: (message: ChildMessage) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<ChildMessage> {
    const past = this.messages.find(predicate);
    if (past) return Promise.resolve(past);
    if (this.exitInfo) {
      return Promise.reject(
        new Error(
          childExited(this.label, this.exitInfo.code, this.exitInfo.signal, this.stderrTail),
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(waitTimedOut(`${what} from ${this.label}`, timeoutMs)));
      }, timeoutMs);
      const waiter: Waiter = {
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  send(message: Record<string, unknown>): void {
    if (this.alive && this.process.connected) this.process.send(message);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.process.kill(signal);
  }
}

/** Tracks every child the bench starts so that all of them die at the end, even on error. */
export class ChildProcessPool {
  private readonly children = new Set<BenchChild>();

  /**
   * Forks `script`. `sourceMaps` (default true) maps children's stack traces to the TypeScript
   * sources; it costs start-up time and heap, so the cold-start section turns it off for the
   * trial that stands for a booting pod.
   */
  spawn(
    label: string,
    script: URL,
    env: Record<string, string>,
    { sourceMaps = true }: { sourceMaps?: boolean } = {},
  ): BenchChild {
    const proc = fork(script, [], {
      env: { ...process.env, ...env },
      execArgv: [...(sourceMaps ? ['--enable-source-maps'] : []), '--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const child = new BenchChild(label, proc);
    this.children.add(child);
    void child.exited.then(() => this.children.delete(child));
    return child;
  }

  /** SIGKILLs every live child and waits (bounded) until they are gone. */
  async killAll(timeoutMs = 5000): Promise<void> {
    const live = [...this.children];
    for (const child of live) child.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(live.map((child) => child.exited)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
