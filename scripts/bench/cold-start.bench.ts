import { LeaderElector, createLock } from '../../lib/core/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import type { ColdStartConfig } from './bench-config.js';
import type { ColdStartModeResult, ColdStartResult, Mode } from './bench-results.types.js';
import { withTimeout } from './bench-timing.js';
import type { ChildProcessPool } from './child-processes.js';
import { ELECTOR_REPLICA_SCRIPT, electorReplicaEnv } from './replica-env.js';
import { summarize } from './stats.js';

const NAMESPACE = 'default';
const MODES: Mode[] = ['watch', 'poll'];

/**
 * First leader on a cold start (the lease does not exist yet): elector.start() → onStartedLeading,
 * i.e. GET 404 → POST create over real HTTP. Measured in fresh processes (what a booting pod
 * sees) and inside the warm bench process; modes are interleaved so neither gets the warm-up.
 */
export async function runColdStartBench(
  config: ColdStartConfig,
  pool: ChildProcessPool,
): Promise<ColdStartResult> {
  const server = new KubeApiTestServer();
  await server.start();
  try {
    const fresh: Record<Mode, FreshTrial[]> = { watch: [], poll: [] };
    const warm: Record<Mode, number[]> = { watch: [], poll: [] };
    for (let trial = 0; trial < config.processTrials; trial++) {
      for (const mode of MODES)
        fresh[mode].push(await freshProcessTrial(server, pool, mode, trial, config));
    }
    for (let trial = 0; trial < config.inProcessTrials; trial++) {
      for (const mode of MODES) warm[mode].push(await inProcessTrial(server, mode, trial, config));
    }
    const result = (mode: Mode): ColdStartModeResult => ({
      mode,
      freshProcess: summarize(fresh[mode].map((t) => t.leadMs)),
      freshFirstRequest: summarize(fresh[mode].map((t) => t.firstRequestMs)),
      freshGetToCreate: summarize(fresh[mode].map((t) => t.getToCreateMs)),
      inProcess: summarize(warm[mode]),
    });
    return { config, watch: result('watch'), poll: result('poll') };
  } finally {
    await server.stop();
  }
}

async function freshProcessTrial(
  server: KubeApiTestServer,
  pool: ChildProcessPool,
  mode: Mode,
  trial: number,
  config: ColdStartConfig,
): Promise<FreshTrial> {
  const lease = `cold-process-${mode}-${trial}`;
  const env = electorReplicaEnv({
    server,
    token: lease,
    lease,
    namespace: NAMESPACE,
    identity: `${lease}-0`,
    mode,
    durations: config,
  });
  const child = pool.spawn(lease, ELECTOR_REPLICA_SCRIPT, env);
  try {
    const leading = await child.waitFor(
      (m) => m.type === 'leading',
      30_000,
      'a cold-start leadership',
    );
    // The child's start and the server's request log meet on the system clock.
    const startEpoch = Number(leading.startedAtEpochMs);
    const requests = server.requests().filter((r) => r.token === lease && r.resource === 'leases');
    const epoch = (at: number | undefined) =>
      at === undefined ? Number.NaN : performance.timeOrigin + at;
    const first = epoch(requests[0]?.at);
    const create = epoch(requests.find((r) => r.verb === 'create')?.at);
    return {
      leadMs: Number(leading.sinceStartMs),
      firstRequestMs: first - startEpoch,
      getToCreateMs: create - first,
    };
  } finally {
    child.kill('SIGKILL');
    await child.exited;
  }
}

interface FreshTrial {
  leadMs: number;
  firstRequestMs: number;
  getToCreateMs: number;
}

async function inProcessTrial(
  server: KubeApiTestServer,
  mode: Mode,
  trial: number,
  config: ColdStartConfig,
): Promise<number> {
  const lease = `cold-warm-${mode}-${trial}`;
  let leadAt = 0;
  let resolveLead: () => void = () => undefined;
  const led = new Promise<void>((resolve) => (resolveLead = resolve));
  const elector = new LeaderElector({
    lock: createLock({
      name: lease,
      namespace: NAMESPACE,
      identity: `${lease}-0`,
      kubeConfig: server.kubeConfig(lease),
    }),
    leaseDuration: config.leaseDuration,
    renewDeadline: config.renewDeadline,
    retryPeriod: config.retryPeriod,
    watch: mode === 'watch',
    callbacks: {
      onStartedLeading: () => {
        leadAt = performance.now();
        resolveLead();
      },
    },
  });
  const t0 = performance.now();
  elector.start();
  try {
    await withTimeout(led, 30_000, `in-process cold start (${mode})`);
    return leadAt - t0;
  } finally {
    await elector.stop({ release: false });
  }
}
