/**
 * The orchestration of `npm run chaos`: an embedded API server, N sample replicas as child
 * processes, a seeded list of fault events run one after another, and the verdict.
 *
 * Every wait is bounded and aborts at once on Ctrl-C or on the overall timeout; the tear-down
 * always runs: frozen replicas are continued, faults cleared, every replica stopped (SIGTERM,
 * then SIGKILL), the server stopped and the kubeconfig files removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { FaultHandle } from '../lib/testing/index.js';
import type { SampleEvent } from '../sample/src/sample-event.types.js';
import { ChaosCluster } from './chaos-cluster.js';
import type { ChaosOptions } from './chaos-options.js';
import { summarizeChaos } from './chaos-report.js';
import { describeEvent, planChaos, type ChaosEvent } from './chaos-schedule.js';
import { ChaosTimeline } from './chaos-timeline.js';
import { judgeChaos, livenessBoundMs, type FaultWindow } from './chaos-verdict.js';
import { DemoLeaseObserver } from './demo-lease-observer.js';
import { DemoReplica, wallNow, type ReplicaExit, type ReplicaListener } from './demo-replicas.js';
import { RunLifecycle } from './run-lifecycle.js';

export class ChaosInterrupted extends Error {
  override readonly name = 'ChaosInterrupted';
}
export class ChaosTimeout extends Error {
  override readonly name = 'ChaosTimeout';
}

/** Where the chaos run writes: the summary and the timeline go to `out`. */
export interface ChaosOutput {
  write(text: string): void;
}

/** One replica position: a token, a kubeconfig, and the process currently filling it. */
interface Slot {
  name: string;
  generation: number;
  replica: DemoReplica | undefined;
  restartTimer: NodeJS.Timeout | undefined;
}

/** A backup SIGCONT, in a process of its own, for a replica this run froze. */
interface FrozenReplica {
  replica: DemoReplica;
  lifeline: ChildProcess | undefined;
}

const STARTUP_BOUND_MS = 60_000;
const SHUTDOWN_GRACE_MS = 5_000;

export class ChaosRun extends RunLifecycle implements ReplicaListener {
  private readonly slots: Slot[] = [];
  private readonly procs: DemoReplica[] = [];
  private readonly timeline = new ChaosTimeline();
  private readonly faults: FaultWindow[] = [];
  private readonly frozen = new Set<FrozenReplica>();
  private readonly leaseName = `nle-chaos-${randomBytes(3).toString('hex')}`;
  private readonly started = performance.now();
  private readonly plan: ChaosEvent[];
  private readonly boundMs: number;
  private cluster: ChaosCluster | undefined;
  private observer: DemoLeaseObserver | undefined;
  private windowFrom: number | undefined;
  private windowTo: number | undefined;
  private restarts = 0;
  private stopping = false;

  constructor(
    private readonly options: ChaosOptions,
    private readonly out: ChaosOutput,
    /** Compiled entry of one replica (scripts/demo-replica.js: the sample plus a lifeline). */
    private readonly replicaEntry: string,
  ) {
    super(options.timeout, { timeout: ChaosTimeout, interrupted: ChaosInterrupted });
    this.plan = planChaos(options);
    this.boundMs = livenessBoundMs({ ...options });
  }

  protected override deadlineMessage(): string {
    return (
      `the chaos run did not finish within --timeout ${this.options.timeout} ms ` +
      `(${this.faults.length} of ${this.options.events} events done)`
    );
  }

  /** From process.on('exit'): synchronous; nothing may outlive the run, not even a frozen replica. */
  override killAllNow(): void {
    for (const f of this.frozen) if (f.lifeline?.pid) killGroup(f.lifeline.pid);
    for (const r of this.procs) r.killNow();
    this.cluster?.closeNow();
  }

  // ---------------------------------------------------------------- set-up and scenario

  protected override async setUp(): Promise<void> {
    const o = this.options;
    const names = Array.from({ length: o.replicas }, (_, i) => `replica-${i + 1}`);
    this.cluster = await ChaosCluster.start(names);
    this.say(`nestjs-leader-election chaos run`);
    this.say(
      `server      KubeApiTestServer at ${this.cluster.url} (loopback, TLS, one token per replica)`,
    );
    this.say(`lease       ${this.cluster.namespace}/${this.leaseName}`);
    if (o.verbose) this.say(`kubeconfigs ${this.cluster.tempDir}`);
    this.say(
      `durations   leaseDuration ${o.leaseDuration} ms, renewDeadline ${o.renewDeadline} ms, ` +
        `retryPeriod ${o.retryPeriod} ms; liveness bound ${Math.round(this.boundMs)} ms`,
    );
    this.say(`schedule    ${o.events} events, seed ${o.seed}, kinds ${o.kinds.join(',')}`);
    this.observer = new DemoLeaseObserver(
      this.cluster.observerConfig(),
      this.cluster.namespace,
      this.leaseName,
      () => undefined,
    );
    this.observer.start();
    for (const name of names) {
      const slot: Slot = { name, generation: 0, replica: undefined, restartTimer: undefined };
      this.slots.push(slot);
      this.startProcess(slot);
    }
  }

  private startProcess(slot: Slot, identity?: string): DemoReplica {
    slot.generation++;
    const replica = new DemoReplica(`${slot.name}#${slot.generation}`, this);
    slot.replica = replica;
    this.procs.push(replica);
    replica.start(this.replicaEntry, this.replicaEnv(slot.name, identity));
    return replica;
  }

  private replicaEnv(slot: string, identity: string | undefined): NodeJS.ProcessEnv {
    const o = this.options;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KUBECONFIG: this.cluster!.kubeconfigFor(slot),
      POD_NAME: slot,
      POD_NAMESPACE: this.cluster!.namespace,
      LEASE_NAME: this.leaseName,
      LEASE_DURATION_MS: String(o.leaseDuration),
      RENEW_DEADLINE_MS: String(o.renewDeadline),
      RETRY_PERIOD_MS: String(o.retryPeriod),
      JOB_WORK_MS: String(o.jobWork),
      HOST: '127.0.0.1',
      PORT: '0',
      SAMPLE_EVENTS: '1',
      NO_COLOR: '1',
      // The replica's lifeline removes this folder if the chaos run dies without cleaning up.
      DEMO_TMP_DIR: this.cluster!.tempDir,
    };
    // Unset = the module's default identity, `${POD_NAME}_${random suffix}`.
    if (identity) env.ELECTION_IDENTITY = identity;
    else delete env.ELECTION_IDENTITY;
    // Inside a pod the module would prefer the in-cluster config over KUBECONFIG.
    delete env.KUBERNETES_SERVICE_HOST;
    delete env.KUBERNETES_SERVICE_PORT;
    return env;
  }

  protected override async scenario(): Promise<void> {
    await this.waitFor('every replica to start and listen', STARTUP_BOUND_MS, () =>
      this.slots.every((s) => s.replica?.port !== undefined) ? true : undefined,
    );
    const first = await this.waitFor(
      'a first leader',
      2 * this.options.leaseDuration + 10_000,
      () => this.timeline.currentLeader(),
    );
    this.windowFrom = this.timeline.leadership()[0]?.from ?? wallNow();
    this.say(`first leader: ${first}; ${this.plan.length} fault events follow`);
    for (const event of this.plan) {
      await this.waitForLeader();
      await this.sleep(event.settleMs);
      await this.execute(event);
    }
    await this.waitForLeader();
    // A last stretch with a leader in place, so the last takeover's job runs are in the log.
    await this.sleep(1500);
    this.windowTo = wallNow();
  }

  /** Waits (bounded) until some replica leads; a longer gap is the verdict's to report. */
  private async waitForLeader(): Promise<void> {
    try {
      await this.waitFor('a leader', this.boundMs + 10_000, () => this.timeline.currentLeader());
    } catch (err) {
      if (!(err instanceof ChaosTimeout) || this.abort.signal.aborted) throw err;
      this.say(`still no leader after ${Math.round(this.boundMs + 10_000)} ms; going on`);
    }
  }

  private async execute(event: ChaosEvent): Promise<void> {
    const target = this.pickTarget(event);
    const label = `event ${event.index}/${this.plan.length}`;
    if (!target) {
      this.say(`${label}: ${describeEvent(event)}: skipped, no running replica to target`);
      return;
    }
    const slot = this.slotOf(target.replica);
    const who = event.target === 'all' ? 'every replica' : target.label;
    this.say(`${label}: ${describeEvent(event)} → ${who}`);
    switch (event.kind) {
      case 'sigkill': {
        const at = target.replica.signal('SIGKILL');
        this.timeline.onSignal(target.replica.name, 'SIGKILL', at);
        this.faults.push({
          index: event.index,
          kind: event.kind,
          target: who,
          start: at,
          end: at,
          healAt: at,
        });
        const identity = event.sameIdentity ? target.replica.identity : undefined;
        slot.restartTimer = setTimeout(() => {
          slot.restartTimer = undefined;
          void this.restart(slot, target.replica, identity);
        }, event.restartAfterMs ?? 1000);
        return;
      }
      case 'sigstop': {
        const start = this.freeze(target.replica, event.durationMs);
        try {
          await this.sleep(event.durationMs);
        } finally {
          const end = this.thaw(target.replica);
          this.faults.push({
            index: event.index,
            kind: event.kind,
            target: who,
            start,
            end,
            healAt: start,
          });
        }
        return;
      }
      default: {
        const slots = event.target === 'all' ? this.slots.map((s) => s.name) : [slot.name];
        const handle = this.installApiFault(event, slots);
        const start = wallNow();
        try {
          await this.sleep(event.durationMs);
        } finally {
          handle.clear();
          const end = wallNow();
          // Requests admitted just before the clear are still delayed, and then applied.
          const healAt = event.kind === 'latency' ? end + (event.latencyMs ?? 0) : end;
          this.faults.push({
            index: event.index,
            kind: event.kind,
            target: who,
            start,
            end,
            healAt,
          });
        }
      }
    }
  }

  private installApiFault(event: ChaosEvent, slots: string[]): FaultHandle {
    const cluster = this.cluster!;
    switch (event.kind) {
      case 'latency':
        return cluster.fault({ kind: 'latency', ms: event.latencyMs ?? 0 }, slots);
      case '5xx':
        return cluster.fault({ kind: 'error', code: event.code ?? 503 }, slots);
      case 'hang':
        return cluster.fault({ kind: 'hang' }, slots);
      default:
        // Only the renewals: the leader's writes land, their acknowledgements are lost.
        return cluster.fault({ kind: 'drop-response' }, slots, {
          resource: 'leases',
          verb: 'update',
        });
    }
  }

  private pickTarget(event: ChaosEvent): { replica: DemoReplica; label: string } | undefined {
    const running = this.slots
      .map((s) => s.replica)
      .filter(
        (r): r is DemoReplica =>
          r !== undefined && r.alive && r.state === 'running' && !this.timeline.isStopped(r.name),
      );
    if (event.target === 'leader' || event.target === 'all') {
      const leader = running.find((r) => r.name === this.timeline.currentLeader());
      if (leader) return { replica: leader, label: `${leader.name} (leader)` };
      if (event.target === 'leader' && running.length > 0) {
        const r = running[Math.floor(event.pick * running.length)]!;
        return { replica: r, label: `${r.name} (no leader right now: a random replica)` };
      }
    }
    if (running.length === 0) return undefined;
    const r = running[Math.floor(event.pick * running.length)]!;
    const leads = r.name === this.timeline.currentLeader();
    return { replica: r, label: `${r.name}${leads ? ' (leader)' : ' (follower)'}` };
  }

  /**
   * SIGSTOP, plus a lifeline: a detached `sh` that sends SIGCONT a little after the planned end,
   * so the replica is not left frozen even if this process is killed outright.
   */
  private freeze(replica: DemoReplica, durationMs: number): number {
    const pid = replica.pid!;
    let lifeline: ChildProcess | undefined;
    try {
      lifeline = spawn(
        '/bin/sh',
        ['-c', `sleep ${((durationMs + 2000) / 1000).toFixed(1)}; kill -CONT ${pid} 2>/dev/null`],
        { detached: true, stdio: 'ignore' },
      );
      lifeline.on('error', () => undefined);
      lifeline.unref();
    } catch {
      lifeline = undefined;
    }
    process.kill(pid, 'SIGSTOP');
    const at = wallNow();
    this.timeline.onSignal(replica.name, 'SIGSTOP', at);
    this.frozen.add({ replica, lifeline });
    return at;
  }

  private thaw(replica: DemoReplica): number {
    for (const f of this.frozen) {
      if (f.replica !== replica) continue;
      if (replica.alive) process.kill(replica.pid!, 'SIGCONT');
      if (f.lifeline?.pid && f.lifeline.exitCode === null) killGroup(f.lifeline.pid);
      this.frozen.delete(f);
    }
    const at = wallNow();
    this.timeline.onSignal(replica.name, 'SIGCONT', at);
    return at;
  }

  private async restart(slot: Slot, old: DemoReplica, identity: string | undefined): Promise<void> {
    if (this.stopping) return;
    // Never two processes in one slot (or under one identity) at once.
    await old.waitForExit(SHUTDOWN_GRACE_MS);
    if (this.stopping || old.alive) return;
    const replica = this.startProcess(slot, identity);
    this.restarts++;
    this.say(
      `${replica.name} started in place of ${old.name}` +
        (identity ? `, under the same identity ${identity}` : ', under a new identity'),
    );
  }

  private slotOf(replica: DemoReplica): Slot {
    return this.slots.find((s) => s.replica === replica)!;
  }

  // ---------------------------------------------------------------- what the replicas tell us

  onEvent(replica: DemoReplica, event: SampleEvent): void {
    this.timeline.onEvent(replica.name, event);
    if (event.event === 'started-leading') {
      this.say(`${replica.name} leads (fencing token ${event.fencingToken})`);
    } else if (event.event === 'stopped-leading') {
      this.say(`${replica.name} stopped leading`);
    } else if (event.event === 'listening' && this.options.verbose) {
      this.say(`${replica.name} is up (pid ${event.pid})`);
    }
  }

  onLog(replica: DemoReplica, line: string): void {
    if (this.options.verbose) this.say(`  ${replica.name} │ ${line}`);
  }

  onExit(replica: DemoReplica, exit: ReplicaExit): void {
    this.timeline.onExit(replica.name, exit.at);
    const how = exit.signal ? `by ${exit.signal}` : `with code ${exit.code}`;
    if (replica.signalledAt === undefined && !this.stopping) {
      const problem = `${replica.name} exited on its own (${how})`;
      this.problems.push(problem);
      this.printLogTail(replica);
      this.stop(new Error(problem));
    } else if (
      this.stopping &&
      replica.state === 'exited' &&
      exit.code !== 0 &&
      exit.signal !== 'SIGTERM'
    ) {
      this.problems.push(`${replica.name} did not shut down cleanly after SIGTERM (${how})`);
      this.printLogTail(replica);
    }
  }

  // ---------------------------------------------------------------- tear-down and report

  protected override async tearDown(): Promise<void> {
    this.stopping = true;
    this.windowTo ??= wallNow();
    for (const slot of this.slots) clearTimeout(slot.restartTimer);
    for (const f of [...this.frozen]) this.thaw(f.replica);
    this.cluster?.server.clearFaults();
    const alive = this.procs.filter((r) => r.alive);
    for (const r of alive) r.signal('SIGTERM');
    const grace = this.options.renewDeadline + SHUTDOWN_GRACE_MS;
    await Promise.all(alive.map((r) => r.waitForExit(grace)));
    const stuck = this.procs.filter((r) => r.alive);
    if (stuck.length > 0) {
      this.problems.push(
        `${stuck.map((r) => r.name).join(', ')} did not exit within ${grace} ms of SIGTERM; killed`,
      );
      for (const r of stuck) r.signal('SIGKILL');
      await Promise.all(stuck.map((r) => r.waitForExit(SHUTDOWN_GRACE_MS)));
    }
    this.observer?.stop();
    await this.cluster?.close();
  }

  protected override report(failure: Error | undefined): number {
    const verdict = judgeChaos({
      runs: this.timeline.jobRuns(),
      spans: this.timeline.leadership(),
      faults: this.faults,
      window:
        this.windowFrom !== undefined
          ? { from: this.windowFrom, to: this.windowTo ?? wallNow() }
          : undefined,
      bound: this.options,
    });
    const problems = [...this.problems];
    if (this.abortReason instanceof ChaosInterrupted) problems.unshift('interrupted');
    else if (
      failure &&
      !problems.some((p) => failure.message.includes(p) || p.includes(failure.message))
    ) {
      problems.unshift(failure.message);
    }
    const summary = summarizeChaos({
      options: this.options,
      verdict,
      faults: this.faults,
      runs: this.timeline.jobRuns(),
      procs: this.procs.map((r) => r.name),
      restarts: this.restarts,
      leaseTransitions: this.observer?.transitions,
      problems,
    });
    if (this.options.verbose || !summary.ok) this.printGaps(verdict.gaps);
    for (const line of summary.lines) this.out.write(`${line}\n`);
    if (this.abortReason instanceof ChaosInterrupted) return 130;
    return summary.ok ? 0 : 1;
  }

  private printGaps(gaps: ReturnType<typeof judgeChaos>['gaps']): void {
    if (gaps.length === 0) return;
    this.out.write('\nleaderless gaps (measured = to − max(from, fault healed)):\n');
    for (const g of gaps) {
      this.out.write(
        `  ${Math.round(g.to - g.from)} ms in all, ` +
          (g.measuredMs > 0
            ? `measured ${Math.round(g.measuredMs)} ms`
            : 'measured 0 ms (a leader was back before the fault healed)') +
          `${g.fault ? ` (event ${g.fault.index} ${g.fault.kind} on ${g.fault.target})` : ''}` +
          `${g.ok ? '' : '  ← over the bound'}\n`,
      );
    }
  }

  private printLogTail(replica: DemoReplica): void {
    if (replica.logTail.length === 0) return;
    this.out.write(`── last output of ${replica.name} ──\n`);
    for (const line of replica.logTail.slice(-15)) this.out.write(`  ${line}\n`);
  }

  private say(line: string): void {
    const elapsed = ((performance.now() - this.started) / 1000).toFixed(3);
    this.out.write(`[+${elapsed}s] ${line}\n`);
  }
}

/** Kills a process group this run started (the SIGCONT lifeline: sh and its sleep). */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
