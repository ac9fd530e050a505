import { LeaderElector, createLock } from '../../lib/core/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { BENCH_SERVER_OPTIONS, type HandoverConfig } from './bench-config.js';
import type { HandoverModeResult, HandoverResult, Mode } from './bench-results.types.js';
import { delay, leaseHolder, waitUntil } from './bench-timing.js';
import { LeadershipLog } from './leadership-log.js';
import { summarize } from './stats.js';

const NAMESPACE = 'default';

interface Replica {
  slot: number;
  identity: string;
  elector: LeaderElector;
}

/**
 * Graceful handover with real electors over real HTTP: the leader calls `stop({release:true})`
 * and we time until another elector's onStartedLeading runs. The stopped replica is replaced by
 * a fresh one (new identity) so every trial has the same number of candidates.
 */
export async function runHandoverBench(config: HandoverConfig): Promise<HandoverResult> {
  const server = new KubeApiTestServer(BENCH_SERVER_OPTIONS);
  await server.start();
  try {
    const watch = await runMode(server, 'watch', config);
    const poll = await runMode(server, 'poll', config);
    return {
      config,
      watch,
      poll,
      ratioP50: poll.summary.p50 / watch.summary.p50,
      ratioP95: poll.summary.p95 / watch.summary.p95,
    };
  } finally {
    await server.stop();
  }
}

async function runMode(
  server: KubeApiTestServer,
  mode: Mode,
  config: HandoverConfig,
): Promise<HandoverModeResult> {
  const lease = `handover-${mode}`;
  const log = new LeadershipLog();
  const replicas: Replica[] = [];
  // A follower that polls needs up to retryPeriod × 2.2 to notice; watchers need far less.
  const trialTimeoutMs = config.leaseDuration + config.retryPeriod * 3 + 5_000;

  const startReplica = (slot: number, generation: number): Replica => {
    const identity = `${lease}-${slot}-g${generation}`;
    const elector = new LeaderElector({
      lock: createLock({
        name: lease,
        namespace: NAMESPACE,
        identity,
        kubeConfig: server.kubeConfig(`${lease}-${slot}`),
      }),
      leaseDuration: config.leaseDuration,
      renewDeadline: config.renewDeadline,
      retryPeriod: config.retryPeriod,
      watch: mode === 'watch',
      callbacks: { onStartedLeading: () => log.record(identity) },
    });
    elector.start();
    return { slot, identity, elector };
  };
  const allObserve = (holder: string) =>
    waitUntil(
      () => replicas.every((r) => r.elector.getLeader() === holder),
      trialTimeoutMs,
      `every ${mode} replica to observe leader ${holder}`,
    );

  const latenciesMs: number[] = [];
  const serverGaps: number[] = [];
  const releaseWrites: number[] = [];
  let failures = 0;
  try {
    for (let slot = 0; slot < config.candidates; slot++) replicas.push(startReplica(slot, 0));
    const first = await log.next(() => true, 0, trialTimeoutMs, `a first ${mode} leader`);
    await allObserve(first.identity);

    for (let trial = 0; trial < config.trials; trial++) {
      // A leader can lose a term between trials on a starved event loop; wait for the next one.
      await waitUntil(
        () => replicas.some((r) => r.elector.isLeader()),
        trialTimeoutMs,
        `a ${mode} leader before trial ${trial}`,
      );
      const leader = replicas.find((r) => r.elector.isLeader())!;
      await delay(config.settleMs + Math.random() * config.retryPeriod);

      const fromIndex = log.events.length;
      const next = log.next(
        (e) => e.identity !== leader.identity,
        fromIndex,
        trialTimeoutMs,
        `a ${mode} follower to take over after a release`,
      );
      next.catch(() => undefined);
      const t0 = performance.now();
      const stopped = leader.elector.stop({ release: true });
      let newLeader: string;
      try {
        const event = await next;
        latenciesMs.push(event.at - t0);
        newLeader = event.identity;
      } catch {
        failures++;
        await stopped;
        const holder = leaseHolder(server.getObject('leases', NAMESPACE, lease));
        await waitUntil(
          () => replicas.some((r) => r !== leader && r.elector.isLeader()),
          trialTimeoutMs,
          `a ${mode} leader after a failed handover (holder ${holder || 'none'})`,
        );
        newLeader = replicas.find((r) => r !== leader && r.elector.isLeader())!.identity;
      }
      await stopped;

      const writes = server.writeLog().filter((e) => e.name === lease && e.at >= t0);
      const release = writes.find((e) => leaseHolder(e.object) === '');
      const takeover = writes.find((e) => leaseHolder(e.object) === newLeader);
      if (release) releaseWrites.push(release.at - t0);
      if (release && takeover) serverGaps.push(takeover.at - release.at);
      server.clearWriteLog();

      const index = replicas.indexOf(leader);
      replicas[index] = startReplica(leader.slot, trial + 1);
      await allObserve(newLeader);
    }
  } finally {
    await Promise.all(replicas.map((r) => r.elector.stop({ release: false })));
  }
  return {
    mode,
    latenciesMs,
    summary: summarize(latenciesMs),
    serverGap: summarize(serverGaps),
    releaseWrite: summarize(releaseWrites),
    failures,
  };
}
