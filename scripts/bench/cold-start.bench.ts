import { LeaderElector, createLock } from '../../lib/core/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { BENCH_SERVER_OPTIONS, type ColdStartConfig } from './bench-config.js';
import type { ColdStartModeResult, ColdStartResult, Mode } from './bench-results.types.js';
import { withTimeout } from './bench-timing.js';
import type { ChildProcessPool } from './child-processes.js';
import { ELECTOR_REPLICA_SCRIPT, electorReplicaEnv } from './replica-env.js';
import { summarize } from './stats.js';

const NAMESPACE = 'default';
const MODES: Mode[] = ['watch', 'poll'];
type Variant = 'settled' | 'at-load' | 'source-maps';
const VARIANTS: Variant[] = ['settled', 'at-load', 'source-maps'];

/**
 * First leader on a cold start (the lease does not exist yet): elector.start() → onStartedLeading,
 * i.e. GET 404 → POST create over real HTTP. Measured in fresh processes (what a booting pod
 * sees) and inside the warm bench process; modes are interleaved so neither gets the warm-up.
 *
 * The in-process trials run first: they also warm up the test server, which stands for a
 * kube-apiserver that has been serving for a while, so the first fresh process does not pay
 * for the server's JIT. Fresh processes run plain `node`, as a pod's entry point does, in three
 * variants reported side by side: `settled` starts the elector once the start-up garbage is
 * collected, as after an app's bootstrap (the target row); `at-load` starts it right after the
 * modules are loaded, where V8's first major GC can land in the window; `source-maps` is
 * `at-load` under `--enable-source-maps`, whose larger heap makes that GC likelier.
 */
export async function runColdStartBench(
  config: ColdStartConfig,
  pool: ChildProcessPool,
): Promise<ColdStartResult> {
  const server = new KubeApiTestServer(BENCH_SERVER_OPTIONS);
  await server.start();
  try {
    const fresh: Record<Variant, Record<Mode, FreshTrial[]>> = {
      settled: { watch: [], poll: [] },
      'at-load': { watch: [], poll: [] },
      'source-maps': { watch: [], poll: [] },
    };
    const warm: Record<Mode, number[]> = { watch: [], poll: [] };
    for (let trial = 0; trial < config.inProcessTrials; trial++) {
      for (const mode of MODES) warm[mode].push(await inProcessTrial(server, mode, trial, config));
    }
    for (let trial = 0; trial < config.processTrials; trial++) {
      for (const mode of MODES) {
        for (const variant of VARIANTS)
          fresh[variant][mode].push(
            await freshProcessTrial(server, pool, mode, trial, config, variant),
          );
      }
    }
    const result = (mode: Mode): ColdStartModeResult => ({
      mode,
      freshProcess: summarize(fresh.settled[mode].map((t) => t.leadMs)),
      freshProcessAtLoad: summarize(fresh['at-load'][mode].map((t) => t.leadMs)),
      freshProcessSourceMaps: summarize(fresh['source-maps'][mode].map((t) => t.leadMs)),
      freshFirstRequest: summarize(fresh.settled[mode].map((t) => t.firstRequestMs)),
      freshGetToCreate: summarize(fresh.settled[mode].map((t) => t.getToCreateMs)),
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
  variant: Variant,
): Promise<FreshTrial> {
  const lease = `cold-process-${mode}-${trial}-${variant}`;
  const env = electorReplicaEnv({
    server,
    token: lease,
    lease,
    namespace: NAMESPACE,
    identity: `${lease}-0`,
    mode,
    durations: config,
  });
  // A collection in the bench process (it serves the API) must not land inside the trial.
  (globalThis as { gc?: () => void }).gc?.();
  const child = pool.spawn(
    lease,
    ELECTOR_REPLICA_SCRIPT,
    { ...env, BENCH_SETTLE: String(variant === 'settled') },
    { sourceMaps: variant === 'source-maps' },
  );
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
