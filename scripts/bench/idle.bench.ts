import { KubeApiTestServer } from '../../lib/testing/index.js';
import { BENCH_SERVER_OPTIONS, type IdleConfig } from './bench-config.js';
import type { IdleResult, IdleRow } from './bench-results.types.js';
import { delay, settleWithin } from './bench-timing.js';
import type { BenchChild, ChildMessage, ChildProcessPool } from './child-processes.js';
import {
  CHILD_MAX_LIFETIME_MS,
  CLIENT_NODE_FLOOR_SCRIPT,
  IDLE_ELECTIONS_SCRIPT,
} from './replica-env.js';

interface IdleProcess {
  elections: number;
  role: IdleRow['role'];
  token: string;
  child: BenchChild;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * CPU time and RSS of processes that hold 1, 10, 100 idle elections. For each size one process
 * holds every lease (all leaders: they renew every retryPeriod) and a second process competes
 * for the same leases (all followers: they watch). A control process makes the largest leader
 * process's API traffic with no elector (client-node-floor.child): the floor under it.
 * Each process reports its own process.cpuUsage(), which counts only its own CPU. All are
 * measured concurrently in a first window; the followers' figures are taken there and they exit.
 * The rest are measured again in a second window, their steady state.
 */
export async function runIdleBench(
  config: IdleConfig,
  pool: ChildProcessPool,
): Promise<IdleResult> {
  const server = new KubeApiTestServer(BENCH_SERVER_OPTIONS);
  await server.start();
  const processes: IdleProcess[] = [];
  const spawn = (elections: number, role: IdleRow['role']): IdleProcess => {
    const token = `idle-${elections}-${role}`;
    const script = role === 'floor' ? CLIENT_NODE_FLOOR_SCRIPT : IDLE_ELECTIONS_SCRIPT;
    const child = pool.spawn(token, script, {
      BENCH_KUBECONFIG_YAML: server.kubeConfigYaml(token),
      BENCH_IDENTITY: token,
      BENCH_LEASE_PREFIX: role === 'floor' ? `floor-${elections}` : `idle-${elections}`,
      BENCH_ROLE: role === 'follower' ? 'follower' : 'leader',
      BENCH_COUNT: String(elections),
      BENCH_LEASE_DURATION: String(config.leaseDuration),
      BENCH_RENEW_DEADLINE: String(config.renewDeadline),
      BENCH_RETRY_PERIOD: String(config.retryPeriod),
      BENCH_READY_TIMEOUT_MS: String(READY_TIMEOUT_MS),
      BENCH_MAX_LIFETIME_MS: String(CHILD_MAX_LIFETIME_MS),
    });
    const entry = { elections, role, token, child };
    processes.push(entry);
    return entry;
  };
  const ready = (p: IdleProcess) =>
    p.child.waitFor((m) => m.type === 'ready', READY_TIMEOUT_MS + 10_000, 'readiness');
  try {
    // Leaders first, so that the followers find every lease held.
    const leaders = config.sizes.map((n) => spawn(n, n === 0 ? 'baseline' : 'leader'));
    await Promise.all(leaders.map(ready));
    const followers = config.sizes.filter((n) => n > 0).map((n) => spawn(n, 'follower'));
    // The control for the largest size: its leaders' traffic with no elector.
    const floor = spawn(Math.max(...config.sizes), 'floor');
    await Promise.all([...followers, floor].map(ready));
    await delay(config.warmupMs);

    // Two back-to-back windows: in the first minute V8 is still compiling the renew path and
    // growing the young generation, so a process costs more than it will from then on.
    // A child keeps every message it sent; each window takes only results not taken before.
    const taken = new Set<ChildMessage>();
    const measure = async (group: IdleProcess[]) => {
      const results = group.map((p) =>
        p.child.waitFor(
          (m) => m.type === 'result' && !taken.has(m),
          config.windowMs + 30_000,
          'an idle measurement',
        ),
      );
      for (const p of group) p.child.send({ type: 'measure', ms: config.windowMs });
      const messages = await Promise.all(results);
      for (const m of messages) taken.add(m);
      return new Map(group.map((p, i) => [p, messages[i]!]));
    };
    const atStart = structuredClone(server.counters().byToken);
    const first = await measure(processes);
    const afterFirst = structuredClone(server.counters().byToken);
    // Followers settle at once (a watch each, nothing to compile on a hot path), so the first
    // window is their figure. They then exit: in production they run on other machines, and
    // here they would compete with the leaders for this machine's cores in the steady state.
    for (const p of followers) p.child.send({ type: 'exit' });
    await settleWithin(Promise.all(followers.map((p) => p.child.exited)), 10_000);
    const steady = [...leaders, floor];
    const second = await measure(steady);
    const afterSecond = server.counters().byToken;

    const rows = processes.map((p): IdleRow => {
      const start = first.get(p)!;
      const m = second.get(p) ?? start;
      const [before, after] = second.has(p) ? [afterFirst, afterSecond] : [atStart, afterFirst];
      const cpuUserMs = Number(m.cpuUserMs);
      const cpuSystemMs = Number(m.cpuSystemMs);
      const wallMs = Number(m.wallMs);
      const requests = Object.entries(after[p.token] ?? {}).reduce(
        (total, [verb, count]) => total + count - (before[p.token]?.[verb] ?? 0),
        0,
      );
      return {
        elections: p.elections,
        role: p.role,
        cpuPercent: ((cpuUserMs + cpuSystemMs) / wallMs) * 100,
        firstWindowCpuPercent:
          ((Number(start.cpuUserMs) + Number(start.cpuSystemMs)) / Number(start.wallMs)) * 100,
        cpuUserMs,
        cpuSystemMs,
        wallMs,
        rssMiB: Number(m.rssMiB),
        heapUsedMiB: Number(m.heapUsedMiB),
        leading: Number(m.leading),
        requestsPerMin: (requests * 60_000) / wallMs,
        cpuMsPerRequest: requests > 0 ? (cpuUserMs + cpuSystemMs) / requests : Number.NaN,
      };
    });
    for (const p of steady) p.child.send({ type: 'exit' });
    await settleWithin(Promise.all(steady.map((p) => p.child.exited)), 10_000);
    rows.sort((a, b) => a.elections - b.elections || a.role.localeCompare(b.role));
    return { config, rows };
  } finally {
    for (const p of processes) p.child.kill('SIGKILL');
    await server.stop();
  }
}
