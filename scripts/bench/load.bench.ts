import { LeaderElector, createLock } from '../../lib/core/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { BENCH_SERVER_OPTIONS, type LoadConfig } from './bench-config.js';
import type { LoadResult, LoadRow, Mode } from './bench-results.types.js';
import { delay, leaseHolder, waitUntil } from './bench-timing.js';

const NAMESPACE = 'default';
const MODES: Mode[] = ['watch', 'poll'];

interface Election {
  mode: Mode;
  candidates: number;
  lease: string;
  electors: LeaderElector[];
}

type Counts = Record<string, Record<string, number>>;

/**
 * Steady-state API load: every election size in both modes runs at once against one server (each
 * on its own lease; one token per elector, so the server counts each replica separately). After
 * a warm-up the server's per-token counters are diffed over a fixed window.
 */
export async function runLoadBench(config: LoadConfig): Promise<LoadResult> {
  const server = new KubeApiTestServer(BENCH_SERVER_OPTIONS);
  await server.start();
  const elections: Election[] = [];
  try {
    for (const mode of MODES) {
      for (const candidates of config.sizes) {
        const lease = `load-${mode}-${candidates}`;
        const electors = Array.from({ length: candidates }, (_, i) => {
          const identity = `${lease}-${i}`;
          return new LeaderElector({
            lock: createLock({
              name: lease,
              namespace: NAMESPACE,
              identity,
              kubeConfig: server.kubeConfig(identity),
            }),
            leaseDuration: config.leaseDuration,
            renewDeadline: config.renewDeadline,
            retryPeriod: config.retryPeriod,
            watch: mode === 'watch',
          });
        });
        elections.push({ mode, candidates, lease, electors });
      }
    }
    for (const election of elections) for (const elector of election.electors) elector.start();

    const holderOf = (e: Election) => leaseHolder(server.getObject('leases', NAMESPACE, e.lease));
    await waitUntil(
      () =>
        elections.every((e) => {
          const holder = holderOf(e);
          return holder !== '' && e.electors.every((el) => el.getLeader() === holder);
        }),
      config.leaseDuration * 2 + 30_000,
      'every load election to have a leader that all candidates observed',
      50,
    );
    await delay(config.warmupMs);

    const before = snapshot(server.counters().byToken);
    const holdersBefore = elections.map(holderOf);
    const t0 = performance.now();
    await delay(config.windowMs);
    const after = snapshot(server.counters().byToken);
    const windowMs = performance.now() - t0;
    const holdersAfter = elections.map(holderOf);

    const writes = server.writeLog().filter((w) => w.at >= t0 && w.at <= t0 + windowMs);
    const rows = elections.map((e, i) => ({
      ...loadRow(e, holdersBefore[i], holdersAfter[i], before, after, windowMs),
      leaderRenewIntervalMs: meanInterval(
        writes.filter((w) => w.name === e.lease && w.token === holdersAfter[i]).map((w) => w.at),
      ),
    }));
    return { config, windowMs, rows };
  } finally {
    await Promise.all(
      elections.flatMap((e) => e.electors.map((el) => el.stop({ release: false }))),
    );
    await server.stop();
  }
}

/** Mean gap between consecutive timestamps: the renew period without window quantisation. */
function meanInterval(times: number[]): number {
  return times.length < 2 ? Number.NaN : (times[times.length - 1] - times[0]) / (times.length - 1);
}

function snapshot(byToken: Counts): Counts {
  return structuredClone(byToken);
}

function diff(before: Counts, after: Counts, token: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [verb, count] of Object.entries(after[token] ?? {})) {
    const delta = count - (before[token]?.[verb] ?? 0);
    if (delta !== 0) result[verb] = delta;
  }
  return result;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function loadRow(
  election: Election,
  holderBefore: string,
  holderAfter: string,
  before: Counts,
  after: Counts,
  windowMs: number,
): Omit<LoadRow, 'leaderRenewIntervalMs'> {
  const perMin = (count: number) => (count * 60_000) / windowMs;
  const leader = diff(before, after, holderAfter);
  const leaderWrites = (leader.update ?? 0) + (leader.patch ?? 0);
  const leaderGets = leader.get ?? 0;
  const followers = election.electors
    .map((el) => el.identity)
    .filter((identity) => identity !== holderAfter)
    .map((identity) => diff(before, after, identity));
  const totals = followers.map(sum);
  const byVerb: Record<string, number> = {};
  for (const counts of followers) {
    for (const [verb, count] of Object.entries(counts)) byVerb[verb] = (byVerb[verb] ?? 0) + count;
  }
  for (const verb of Object.keys(byVerb))
    byVerb[verb] = perMin(byVerb[verb] / Math.max(1, followers.length));
  return {
    mode: election.mode,
    candidates: election.candidates,
    stable: holderBefore === holderAfter && holderAfter !== '',
    leaderWritesPerMin: perMin(leaderWrites),
    leaderGetsPerMin: perMin(leaderGets),
    leaderOtherPerMin: perMin(sum(leader) - leaderWrites - leaderGets),
    followerMeanPerMin: perMin(totals.reduce((a, b) => a + b, 0) / Math.max(1, totals.length)),
    followerMaxPerMin: perMin(Math.max(0, ...totals)),
    followerByVerb: byVerb,
  };
}
