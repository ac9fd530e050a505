import { KubeApiTestServer } from '../../lib/testing/index.js';
import { BENCH_SERVER_OPTIONS, type CrashConfig } from './bench-config.js';
import type { CrashModeResult, CrashResult, Mode } from './bench-results.types.js';
import { delay, leaseHolder } from './bench-timing.js';
import type { BenchChild, ChildProcessPool } from './child-processes.js';
import { ELECTOR_REPLICA_SCRIPT, electorReplicaEnv } from './replica-env.js';
import { summarize } from './stats.js';

const NAMESPACE = 'default';

interface ReplicaProcess {
  slot: number;
  identity: string;
  child: BenchChild;
}

/**
 * Crash takeover with real processes: each replica is a child process running one elector; the
 * leader is SIGKILLed (no release, sockets die with it) and the takeover time is read from the
 * server's write log, which shares the parent's monotonic clock.
 */
export async function runCrashBench(
  config: CrashConfig,
  pool: ChildProcessPool,
): Promise<CrashResult> {
  if (config.concurrentModes) {
    const [watch, poll] = await Promise.all([
      runMode(pool, 'watch', config),
      runMode(pool, 'poll', config),
    ]);
    return { config, watch, poll };
  }
  const watch = await runMode(pool, 'watch', config);
  const poll = await runMode(pool, 'poll', config);
  return { config, watch, poll };
}

/** One server per mode: the write log is per server and is cleared between trials. */
async function runMode(
  pool: ChildProcessPool,
  mode: Mode,
  config: CrashConfig,
): Promise<CrashModeResult> {
  const server = new KubeApiTestServer(BENCH_SERVER_OPTIONS);
  await server.start();
  try {
    return await runTrials(server, pool, mode, config);
  } finally {
    await server.stop();
  }
}

async function runTrials(
  server: KubeApiTestServer,
  pool: ChildProcessPool,
  mode: Mode,
  config: CrashConfig,
): Promise<CrashModeResult> {
  const lease = `crash-${mode}`;
  const spawnTimeoutMs = 30_000;
  const takeoverTimeoutMs = config.leaseDuration + config.retryPeriod * 3 + 10_000;
  const replicas: ReplicaProcess[] = [];

  const spawnReplica = (slot: number, generation: number): ReplicaProcess => {
    const identity = `${lease}-${slot}-g${generation}`;
    const env = electorReplicaEnv({
      server,
      token: `${lease}-${slot}`,
      lease,
      namespace: NAMESPACE,
      identity,
      mode,
      durations: config,
    });
    return { slot, identity, child: pool.spawn(identity, ELECTOR_REPLICA_SCRIPT, env) };
  };
  const currentHolder = () => leaseHolder(server.getObject('leases', NAMESPACE, lease));
  const observed = (replica: ReplicaProcess, holder: string) =>
    replica.child.waitFor(
      (m) => m.type === 'observed' && m.holder === holder,
      spawnTimeoutMs,
      `observation of leader ${holder}`,
    );

  const overKill: number[] = [];
  const overLastRenew: number[] = [];
  let failures = 0;
  try {
    for (let slot = 0; slot < config.replicas; slot++) replicas.push(spawnReplica(slot, 0));
    await Promise.any(
      replicas.map((r) =>
        r.child.waitFor((m) => m.type === 'leading', spawnTimeoutMs, 'leadership'),
      ),
    );

    for (let trial = 0; trial < config.trials; trial++) {
      const holder = currentHolder();
      const leader = replicas.find((r) => r.identity === holder);
      if (!leader)
        throw new Error(`crash ${mode}: lease holder ${holder || '(none)'} is not a live replica`);
      await Promise.all(replicas.filter((r) => r !== leader).map((r) => observed(r, holder)));
      await delay(config.settleMs + Math.random() * config.retryPeriod);

      const t0 = performance.now();
      leader.child.kill('SIGKILL');
      try {
        const takeover = await server.waitForWrite(
          (e) => e.name === lease && e.at > t0 && ![holder, ''].includes(leaseHolder(e.object)),
          takeoverTimeoutMs,
        );
        const lastRenew = server
          .writeLog()
          .filter((e) => e.name === lease && e.at <= t0 && leaseHolder(e.object) === holder)
          .at(-1);
        overKill.push(takeover.at - t0 - config.leaseDuration);
        if (lastRenew) overLastRenew.push(takeover.at - lastRenew.at - config.leaseDuration);
      } catch {
        failures++;
      }
      await leader.child.exited;
      server.clearWriteLog();
      const replacement = spawnReplica(leader.slot, trial + 1);
      replicas[replicas.indexOf(leader)] = replacement;
      await replacement.child.waitFor(
        (m) => m.type === 'observed',
        spawnTimeoutMs,
        'a first observation',
      );
    }
  } finally {
    for (const replica of replicas) replica.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.child.exited));
  }
  return {
    mode,
    overKillMs: overKill,
    overKill: summarize(overKill),
    overLastRenew: summarize(overLastRenew),
    failures,
  };
}
