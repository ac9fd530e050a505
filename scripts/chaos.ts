/**
 * `npm run chaos`: the real-process chaos run. Five replicas of the sample app elect a leader
 * through an embedded Kubernetes API server on 127.0.0.1 while a fixed, seeded list of fault
 * events hits them (SIGKILL, SIGSTOP/SIGCONT, API latency, 5xx bursts, a hung replica, dropped
 * responses). Fails (exit 1) if two replicas' leader work overlaps or a leader is missing for
 * longer than the liveness bound after a fault heals. See CHAOS_USAGE in chaos-options.ts.
 *
 * This file is an application, not the library: it installs signal handlers so that Ctrl-C still
 * stops (and, if frozen, continues) every replica it started.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHAOS_USAGE,
  ChaosUsageError,
  parseChaosArgs,
  type ChaosOptions,
} from './chaos-options.js';
import { ChaosInterrupted, ChaosRun } from './chaos-run.js';
import { handleProcessSignals } from './run-lifecycle.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPLICA_ENTRY = join(here, 'demo-replica.js');
const SAMPLE_MAIN = join(here, '..', 'sample', 'src', 'main.js');

async function main(): Promise<number> {
  let options: ChaosOptions;
  try {
    options = parseChaosArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ChaosUsageError) {
      process.stderr.write(`chaos: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (options.help) {
    process.stdout.write(CHAOS_USAGE);
    return 0;
  }
  for (const file of [REPLICA_ENTRY, SAMPLE_MAIN]) {
    if (!existsSync(file)) {
      process.stderr.write(
        `chaos: ${file} is missing: build first with npm run build (npm run chaos builds for you)\n`,
      );
      return 2;
    }
  }

  const run = new ChaosRun(options, process.stdout, REPLICA_ENTRY);
  handleProcessSignals(
    run,
    (signal) =>
      process.stdout.write(
        `${signal}: stopping every replica (send it again to kill them at once)\n`,
      ),
    (signal) => new ChaosInterrupted(signal),
  );
  return run.run();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
