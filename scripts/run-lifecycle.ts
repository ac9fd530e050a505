/**
 * The lifecycle shared by `npm run demo` and `npm run chaos`: one overall deadline, set-up and
 * scenario, a tear-down that always runs, and a report that turns the outcome into an exit code;
 * plus the process hooks (Ctrl-C twice, SIGTERM, SIGHUP, exit, uncaught errors) that make sure no
 * child process outlives the script.
 *
 * These are applications, not the library: installing process signal handlers is their job.
 */

/** The error classes a script names its outcomes with (its report tells them apart). */
export interface RunErrors {
  /** The overall deadline or one bounded wait ran out. */
  timeout: new (message: string) => Error;
  /** Ctrl-C or another signal; constructed with the signal name. */
  interrupted: new (reason: string) => Error;
}

export abstract class RunLifecycle {
  /** Aborted on Ctrl-C, SIGTERM or the overall timeout: every wait listens to it. */
  protected readonly abort = new AbortController();
  /** Why `abort` fired; undefined while the run goes on. */
  protected abortReason: Error | undefined;
  /** Everything that went wrong besides a thrown failure; the report lists them. */
  protected readonly problems: string[] = [];

  constructor(
    private readonly timeoutMs: number,
    private readonly errors: RunErrors,
  ) {}

  /** Runs everything; resolves with the process exit code. Never rejects. */
  async run(): Promise<number> {
    const deadline = setTimeout(
      () => this.stop(new this.errors.timeout(this.deadlineMessage())),
      this.timeoutMs,
    );
    let failure: Error | undefined;
    try {
      await this.setUp();
      await this.scenario();
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    } finally {
      clearTimeout(deadline);
      await this.tearDown().catch((err: unknown) => {
        this.problems.push(`clean-up failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
    return this.report(failure);
  }

  /** Ctrl-C, SIGTERM, or the overall timeout: every wait rejects at once, then tear-down runs. */
  stop(reason: Error): void {
    if (this.abort.signal.aborted) return;
    this.abortReason = reason;
    this.abort.abort(reason);
  }

  /** An error nobody caught: report it, then stop and clean up as for Ctrl-C. */
  fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.problems.push(`unexpected error: ${message}`);
    this.stop(err instanceof Error ? err : new Error(message));
  }

  /** From process.on('exit'): synchronous; nothing the run started may outlive it. */
  abstract killAllNow(): void;

  /** Why the overall timeout stopped the run (built when it fires). */
  protected abstract deadlineMessage(): string;
  protected abstract setUp(): Promise<void>;
  protected abstract scenario(): Promise<void>;
  /** Always runs, after success, failure or abort. */
  protected abstract tearDown(): Promise<void>;
  /** Prints the outcome and returns the exit code. */
  protected abstract report(failure: Error | undefined): number;

  // ---------------------------------------------------------------- bounded, abortable waits

  private interruption(): Error {
    return this.abortReason ?? new this.errors.interrupted('interrupted');
  }

  /** Resolves after `ms`; rejects at once when the run is stopped. */
  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.abort.signal;
      if (signal.aborted) return reject(this.interruption());
      const onAbort = () => {
        clearTimeout(timer);
        reject(this.interruption());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Polls `probe` every 10 ms until it returns a value; bounded (rejects with the timeout class),
   * aborted by Ctrl-C, and a probe that throws rejects the wait.
   */
  protected waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const signal = this.abort.signal;
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => finish(() => reject(this.interruption()));
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (err) {
          return finish(() => reject(err));
        }
        if (value !== undefined) return finish(() => resolve(value));
        if (performance.now() - started > timeoutMs) {
          const message = `timed out after ${timeoutMs} ms waiting for ${what}`;
          return finish(() => reject(new this.errors.timeout(message)));
        }
        timer = setTimeout(check, 10);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }
}

/**
 * Wires the process to `run`: the first SIGINT/SIGTERM/SIGHUP announces itself and stops the run
 * gracefully, a second one kills every child at once and exits 130; on exit every child is killed
 * synchronously; an uncaught error or rejection fails the run.
 */
export function handleProcessSignals(
  run: RunLifecycle,
  onFirstSignal: (signal: NodeJS.Signals) => void,
  interrupted: (signal: NodeJS.Signals) => Error,
): void {
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      onFirstSignal(signal);
      run.stop(interrupted(signal));
    } else {
      run.killAllNow();
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('exit', () => run.killAllNow());
  process.on('uncaughtException', (err) => run.fail(err));
  process.on('unhandledRejection', (err) => run.fail(err));
}
