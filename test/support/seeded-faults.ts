/*
 * Scaffolding shared by the seeded random-fault runs in test/virtual-time: a replayable PRNG, a
 * three-member cluster whose setup draws from it, and the heal-then-check phase every seed ends
 * with (no two leadership intervals overlap, a leader returns, nothing is left running).
 */
import assert from 'node:assert/strict';
import { Cluster, type Member } from '../virtual-time/cluster.js';

/** mulberry32: a small seeded PRNG, so any failing seed replays exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each member's leadership intervals [start, end), from onStartedLeading to the signal abort. */
function intervals(member: Member, now: number): [number, number][] {
  return member.started.map((s, i) => [s.at, member.aborted[i] ?? now]);
}

export interface SeededRun {
  seed: number;
  random: () => number;
  pick: <T>(items: readonly T[]) => T;
  cluster: Cluster;
  /** `at:action:member` per step, printed with any failure so the run can be read back. */
  log: string[];
}

export interface SeededClusterOptions {
  /** Chance that the electors watch instead of polling. */
  watchChance: number;
  /** How often (virtual ms) the cluster samples isLeader() for overlaps. */
  monitorEvery: number;
}

/**
 * Builds and starts a cluster whose watch mode, store latencies and clock rates come from the
 * seed's PRNG (drawn in a fixed order, so a seed always builds the same cluster).
 */
export function startSeededCluster(seed: number, options: SeededClusterOptions): SeededRun {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const cluster = new Cluster({
    config: {
      leaseDuration: 3_000,
      renewDeadline: 2_000,
      retryPeriod: 500,
      random,
      watch: random() < options.watchChance,
    },
    store: {
      latency: Math.floor(random() * 60),
      responseLatency: Math.floor(random() * 60),
      watchLatency: Math.floor(random() * 60),
    },
    monitorEvery: options.monitorEvery,
    // Clock rates within ±10 %: a ratio of at most 1.22, below leaseDuration / renewDeadline.
    rates: [0, 1, 2].map(() => 0.9 + random() * 0.2),
  });
  cluster.startAll();
  return { seed, random, pick, cluster, log: [] };
}

/**
 * Clears the faults, restarts stopped members, waits up to `leaderWithin` virtual ms for a
 * leader, then asserts that no two leadership intervals overlapped, the monitor saw no overlap,
 * and stopping leaves no timers, watches or unmatched terms. Returns the number of terms.
 */
export async function healAndCheck(run: SeededRun, leaderWithin: number): Promise<number> {
  const { seed, cluster, log } = run;
  cluster.store.clearFaults();
  await cluster.clock.advance(2_000);
  for (const m of cluster.members) if (m.elector.status() === 'stopped') m.elector.start();
  await cluster.waitForLeader(leaderWithin);
  const now = cluster.clock.now();
  const all = cluster.members.flatMap((m) => intervals(m, now).map((iv) => ({ id: m.id, iv })));
  for (const x of all) {
    for (const y of all) {
      if (x === y) continue;
      assert.ok(
        !(x.iv[0] < y.iv[1] && y.iv[0] < x.iv[1]),
        `seed ${seed}: ${x.id} [${x.iv}] overlaps ${y.id} [${y.iv}]; actions ${log.join(' ')}`,
      );
    }
  }
  assert.deepEqual(cluster.overlaps, [], `seed ${seed}: sampled overlap; actions ${log.join(' ')}`);
  await cluster.stopAll();
  assert.equal(cluster.clock.countTimers(), 0, `seed ${seed}: timers left`);
  assert.equal(cluster.store.watchCount(), 0);
  for (const m of cluster.members) {
    assert.equal(m.started.length, m.stopped.length, `seed ${seed}: ${m.id} one stop per term`);
  }
  return all.length;
}
