/**
 * `npm run demo`: three replicas of the sample app elect a leader through an embedded Kubernetes
 * API server (or a real cluster), then the leader is stopped gracefully and the next one is
 * killed, and the demo measures both takeovers and checks that the leader-only job never ran on
 * two replicas at once. See DEMO_USAGE in demo-options.ts for the flags.
 *
 * This file is an application, not the library: it installs signal handlers so that Ctrl-C still
 * stops every replica it started.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SampleEvent } from '../sample/src/sample-event.types.js';
import { startEmbeddedCluster, useRealCluster, type DemoCluster } from './demo-cluster.js';
import { DemoLeaseObserver, type LeaseChange } from './demo-lease-observer.js';
import { DEMO_USAGE, DemoUsageError, parseDemoArgs, type DemoOptions } from './demo-options.js';
import {
  DemoReplica,
  fetchLeaderStatus,
  type ReplicaExit,
  type ReplicaListener,
} from './demo-replicas.js';
import { judgeJobRuns, type JobRun } from './demo-verdict.js';
import { DemoView, type ReplicaRow } from './demo-view.js';
import { handleProcessSignals, RunLifecycle } from './run-lifecycle.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPLICA_ENTRY = join(here, 'demo-replica.js');
const SAMPLE_MAIN = join(here, '..', 'sample', 'src', 'main.js');

const REFRESH_MS = 200;
const STATUS_TIMEOUT_MS = 1000;
const JOB_RUNS_PER_PHASE = 2;

class DemoInterrupted extends Error {
  override readonly name = 'DemoInterrupted';
}
class DemoTimeout extends Error {
  override readonly name = 'DemoTimeout';
}

/** One measured change of leader. */
interface Takeover {
  from: DemoReplica;
  to: DemoReplica;
  signal: 'SIGTERM' | 'SIGKILL';
  /** SIGTERM/SIGKILL sent → the Lease names the new holder, as the demo's watch saw it. */
  leaseMs: number;
  /** SIGTERM/SIGKILL sent → the new leader's @OnStartedLeading ran (its own clock reading). */
  startedLeadingMs: number | undefined;
  /** SIGTERM sent → the Lease was seen free (released); undefined when it never was. */
  releasedMs: number | undefined;
}

interface JobRecord extends JobRun {
  ended: boolean;
}

class DemoRun extends RunLifecycle implements ReplicaListener {
  private readonly replicas: DemoReplica[] = [];
  private readonly leaseName: string;
  private cluster: DemoCluster | undefined;
  private observer: DemoLeaseObserver | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private phase = 'starting';
  private readonly jobs: JobRecord[] = [];
  private readonly followerJobs = new Map<string, number>();
  /** identity → wall ms of its latest @OnStartedLeading. */
  private readonly startedLeading = new Map<string, number>();
  private lastRunner: string | undefined;
  private handover: Takeover | undefined;
  private crash: Takeover | undefined;
  private stopping = false;
  private finalStop = false;

  constructor(
    private readonly options: DemoOptions,
    private readonly view: DemoView,
  ) {
    super(options.timeout, { timeout: DemoTimeout, interrupted: DemoInterrupted });
    this.leaseName = options.leaseName ?? `nle-demo-${randomBytes(3).toString('hex')}`;
  }

  protected override deadlineMessage(): string {
    return `the demo did not finish within --timeout ${this.options.timeout} ms`;
  }

  /** From process.on('exit'): nothing may outlive the demo. */
  override killAllNow(): void {
    for (const r of this.replicas) r.killNow();
    this.cluster?.closeNow();
  }

  // ---------------------------------------------------------------- set-up and scenario

  protected override async setUp(): Promise<void> {
    const o = this.options;
    this.view.raw(this.view.bold('nestjs-leader-election demo'));
    this.cluster = o.kubeconfig
      ? useRealCluster({ ...o, kubeconfig: o.kubeconfig })
      : await startEmbeddedCluster(o);
    const c = this.cluster;
    this.view.raw(
      `mode        ${c.mode === 'embedded' ? 'EMBEDDED' : 'REAL CLUSTER'}: ${c.description}`,
    );
    if (c.mode === 'embedded' && !o.kubeconfig) {
      this.view.raw(
        '            (pass --kubeconfig, or set KUBECONFIG, to run against a real cluster)',
      );
    }
    this.view.raw(`lease       ${c.namespace}/${this.leaseName}`);
    this.view.raw(
      `durations   leaseDuration ${o.leaseDuration} ms, renewDeadline ${o.renewDeadline} ms, ` +
        `retryPeriod ${o.retryPeriod} ms; leader job every 1 s, ${o.jobWork} ms of work`,
    );
    this.view.raw(`replicas    ${o.replicas} × node dist/sample/src/main.js\n`);

    this.observer = new DemoLeaseObserver(c.observerConfig, c.namespace, this.leaseName, (change) =>
      this.onLeaseChange(change),
    );
    this.observer.start();

    for (let i = 1; i <= o.replicas; i++) {
      const replica = new DemoReplica(`replica-${i}`, this);
      this.replicas.push(replica);
      replica.start(REPLICA_ENTRY, this.replicaEnv(replica.name, c));
    }
    this.refreshTimer = setInterval(() => this.refresh(), REFRESH_MS);
    this.refresh();
  }

  private replicaEnv(name: string, c: DemoCluster): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KUBECONFIG: c.kubeconfigFor(name),
      POD_NAME: name,
      POD_NAMESPACE: c.namespace,
      LEASE_NAME: this.leaseName,
      LEASE_DURATION_MS: String(this.options.leaseDuration),
      RENEW_DEADLINE_MS: String(this.options.renewDeadline),
      RETRY_PERIOD_MS: String(this.options.retryPeriod),
      JOB_WORK_MS: String(this.options.jobWork),
      HOST: '127.0.0.1',
      PORT: '0',
      READINESS: 'all',
      SAMPLE_EVENTS: '1',
      NO_COLOR: '1',
    };
    if (c.tmpDir) env.DEMO_TMP_DIR = c.tmpDir;
    // Run inside a pod, the module would prefer the in-cluster config over KUBECONFIG.
    delete env.KUBERNETES_SERVICE_HOST;
    delete env.KUBERNETES_SERVICE_PORT;
    return env;
  }

  protected override async scenario(): Promise<void> {
    const o = this.options;
    const electionBound = 2 * o.leaseDuration + 10_000;

    this.phase = 'waiting for the replicas to start';
    await this.waitFor('every replica to start and listen', 30_000, () =>
      this.replicas.every((r) => r.port !== undefined),
    );
    this.phase = 'electing';
    const first = await this.waitFor('a first leader', electionBound, () => this.confirmedLeader());
    this.phase = `${first.name} leads`;
    await this.waitForJobs(first, 0);

    // 1. Graceful handover: SIGTERM → Nest shutdown hooks → leader work aborted → lease released.
    this.phase = `graceful handover: SIGTERM sent to ${first.name}`;
    this.handover = await this.takeover(first, 'SIGTERM', electionBound);
    this.view.line(
      this.view.bold(`graceful handover: ${ms(this.handover.leaseMs)}`) +
        ` (${first.name} → ${this.handover.to.name})`,
    );
    const firstExit = await first.waitForExit(o.renewDeadline + 5000);
    if (!firstExit) {
      throw new DemoTimeout(
        `${first.name} did not exit within ${o.renewDeadline + 5000} ms of SIGTERM (its shutdown hangs)`,
      );
    }
    const second = this.handover.to;
    this.phase = `${second.name} leads`;
    await this.waitForJobs(second, this.handover.from.signalledAt!);

    // 2. Crash takeover: SIGKILL → nothing is released; the others wait out the lease.
    this.phase = `crash takeover: SIGKILL sent to ${second.name}`;
    this.crash = await this.takeover(second, 'SIGKILL', electionBound);
    this.view.line(
      this.view.bold(`crash takeover: ${ms(this.crash.leaseMs)}`) +
        ` (${second.name} → ${this.crash.to.name}; leaseDuration ${o.leaseDuration} ms)`,
    );
    await second.waitForExit(5000);
    const third = this.crash.to;
    this.phase = `${third.name} leads`;
    await this.waitForJobs(third, second.signalledAt!);
  }

  /** Signals the leader and waits until the Lease names another replica that says it leads. */
  private async takeover(
    from: DemoReplica,
    signal: 'SIGTERM' | 'SIGKILL',
    bound: number,
  ): Promise<Takeover> {
    const observer = this.observer!;
    const seen = observer.history.length;
    this.view.line(`sending ${signal} to ${from.name} (pid ${from.pid}), the leader`);
    const sentAt = from.signal(signal);
    const to = await this.waitFor(
      `another replica to hold the lease after ${signal}`,
      bound,
      () => {
        const holder = observer.holder;
        if (!holder || holder === from.identity) return undefined;
        return this.replicaOf(holder);
      },
    );
    const changes = observer.history.slice(seen);
    const taken = changes.find((c) => c.holder === to.identity) ?? changes.at(-1)!;
    const releasedAt = changes.find((c) => c.holder === '' && c.at <= taken.at)?.at;
    await this.waitFor(`${to.name} to report isLeader on GET /leader`, 5000, () =>
      to.status?.isLeader === true ? true : undefined,
    );
    const started = this.startedLeading.get(to.identity!);
    return {
      from,
      to,
      signal,
      leaseMs: taken.at - sentAt,
      startedLeadingMs: started !== undefined && started >= sentAt ? started - sentAt : undefined,
      releasedMs: releasedAt !== undefined ? releasedAt - sentAt : undefined,
    };
  }

  /** Waits until `leader` has started the leader job a few times since `since`. */
  private async waitForJobs(leader: DemoReplica, since: number): Promise<void> {
    await this.waitFor(
      `${leader.name} to run the leader job ${JOB_RUNS_PER_PHASE} times`,
      JOB_RUNS_PER_PHASE * 1000 + 8000,
      () =>
        this.jobs.filter((j) => j.replica === leader.name && j.start >= since).length >=
        JOB_RUNS_PER_PHASE
          ? true
          : undefined,
    );
  }

  /** The replica the Lease names, once that replica also reports isLeader. */
  private confirmedLeader(): DemoReplica | undefined {
    const holder = this.observer?.holder;
    const replica = holder ? this.replicaOf(holder) : undefined;
    return replica?.status?.isLeader ? replica : undefined;
  }

  private replicaOf(identity: string): DemoReplica | undefined {
    return (
      this.replicas.find((r) => r.identity === identity) ??
      this.replicas.find((r) => identity.startsWith(`${r.name}_`))
    );
  }

  // ---------------------------------------------------------------- what the replicas tell us

  onEvent(replica: DemoReplica, event: SampleEvent): void {
    switch (event.event) {
      case 'listening':
        this.view.line(
          `${replica.name} is up (pid ${replica.pid}, port ${event.port}) as ${shortId(event.identity)}`,
        );
        break;
      case 'job-start':
        this.jobs.push({
          replica: replica.name,
          identity: event.identity,
          run: event.run,
          fencingToken: event.fencingToken,
          start: event.at,
          end: Number.POSITIVE_INFINITY,
          endInferred: false,
          ended: false,
        });
        if (this.lastRunner !== replica.name) {
          this.lastRunner = replica.name;
          this.view.line(
            `leader job now runs on ${replica.name} (run #${event.run}, fencing token ${event.fencingToken ?? '?'})`,
          );
        }
        break;
      case 'job-end': {
        const job = this.jobs.find(
          (j) => j.identity === event.identity && j.run === event.run && !j.ended,
        );
        if (job) {
          job.end = event.at;
          job.ended = true;
        }
        if (event.aborted) {
          this.view.line(`${replica.name} stopped leader job #${event.run} early: its term ended`);
        }
        break;
      }
      case 'follower-job':
        this.followerJobs.set(replica.name, (this.followerJobs.get(replica.name) ?? 0) + 1);
        break;
      case 'started-leading':
        this.startedLeading.set(event.identity, event.at);
        this.view.line(
          `${replica.name} started leading (fencing token ${event.fencingToken}) [@OnStartedLeading]`,
        );
        break;
      case 'stopped-leading':
        this.view.line(`${replica.name} stopped leading [@OnStoppedLeading]`);
        break;
      case 'new-leader':
        break;
    }
  }

  onLog(replica: DemoReplica, line: string): void {
    if (this.options.verbose) this.view.line(`  ${replica.name} │ ${line}`);
  }

  onExit(replica: DemoReplica, exit: ReplicaExit): void {
    const how = exit.signal ? `by ${exit.signal}` : `with code ${exit.code}`;
    this.view.line(`${replica.name} exited ${how}`);
    // A run cut short by SIGKILL never reports its end: it ended when the process did.
    for (const job of this.jobs) {
      if (job.replica === replica.name && !job.ended) {
        job.end = exit.at;
        job.endInferred = true;
        job.ended = true;
      }
    }
    const expected = replica.signalledAt !== undefined || this.stopping;
    if (!expected) {
      this.problems.push(`${replica.name} exited on its own (${how})`);
      this.printLogTail(replica);
      this.stop(new Error(`${replica.name} exited unexpectedly (${how})`));
    } else if (
      replica.state === 'exited' &&
      !(
        exit.code === 0 ||
        exit.signal === 'SIGTERM' ||
        (this.finalStop && exit.signal === 'SIGKILL')
      )
    ) {
      this.problems.push(`${replica.name} did not shut down cleanly after SIGTERM (${how})`);
      this.printLogTail(replica);
    }
  }

  private onLeaseChange(change: LeaseChange): void {
    if (change.holder === undefined) return;
    const t = change.transitions !== undefined ? ` (leaseTransitions ${change.transitions})` : '';
    if (change.holder === '') this.view.line(`lease released: no holder${t}`);
    else {
      const replica = this.replicaOf(change.holder);
      this.view.line(`lease holder: ${replica ? replica.name : shortId(change.holder)}${t}`);
    }
  }

  // ---------------------------------------------------------------- live view

  private refresh(): void {
    for (const r of this.replicas) {
      if (!r.alive || r.port === undefined || r.polling) continue;
      r.polling = true;
      void fetchLeaderStatus(r.port, STATUS_TIMEOUT_MS).then((status) => {
        r.polling = false;
        if (!status || !r.alive) return;
        // The first answer is news only when it says "leader"; after that, every flip is.
        if (r.status ? r.status.isLeader !== status.isLeader : status.isLeader) {
          this.view.line(`${r.name} reports isLeader=${status.isLeader} on GET /leader`);
        }
        r.status = status;
      });
    }
    if (!this.view.live) return;
    const observer = this.observer;
    const holder = observer?.holder;
    const leaseText =
      holder === undefined
        ? `${this.cluster?.namespace}/${this.leaseName}: not created yet`
        : `${this.cluster?.namespace}/${this.leaseName}: ${holder === '' ? 'free' : `held by ${this.replicaOf(holder)?.name ?? shortId(holder)}`}` +
          `, leaseTransitions ${observer?.transitions ?? 0}`;
    const last = this.jobs.at(-1);
    this.view.render({
      phase: `${this.phase}  ${this.view.elapsed()}`,
      lease: leaseText + (observer?.lastError ? `  (API: ${observer.lastError})` : ''),
      lastJob: last
        ? `#${last.run} on ${last.replica} (fencing token ${last.fencingToken ?? '?'}), ${last.ended ? 'done' : 'running'}`
        : 'none yet',
      rows: this.replicas.map((r) => this.row(r)),
    });
  }

  private row(r: DemoReplica): ReplicaRow {
    const s = r.alive ? r.status : undefined;
    return {
      replica: r.name,
      pid: String(r.pid ?? '-'),
      state: r.state,
      role: s ? (s.isLeader ? 'LEADER' : 'follower') : '-',
      seesLeader: s?.leader ? (this.replicaOf(s.leader)?.name ?? shortId(s.leader)) : '-',
      fencingToken: s?.fencingToken != null ? String(s.fencingToken) : '-',
      leaderJobs: String(this.jobs.filter((j) => j.replica === r.name).length),
      followerJobs: String(this.followerJobs.get(r.name) ?? 0),
      apiRequests: String(this.cluster?.requestCount(r.name) ?? '-'),
    };
  }

  // ---------------------------------------------------------------- tear-down and report

  protected override async tearDown(): Promise<void> {
    this.stopping = true;
    this.phase = 'stopping the remaining replicas';
    const alive = this.replicas.filter((r) => r.alive);
    if (alive.length > 0) {
      this.view.line(`stopping ${alive.map((r) => r.name).join(', ')} with SIGTERM`);
    }
    for (const r of alive) r.signal('SIGTERM');
    const grace = this.options.renewDeadline + 5000;
    await Promise.all(alive.map((r) => r.waitForExit(grace)));
    const stuck = this.replicas.filter((r) => r.alive);
    if (stuck.length > 0) {
      this.finalStop = true;
      this.problems.push(
        `${stuck.map((r) => r.name).join(', ')} did not exit within ${grace} ms of SIGTERM; killed`,
      );
      for (const r of stuck) r.signal('SIGKILL');
      await Promise.all(stuck.map((r) => r.waitForExit(5000)));
    }
    clearInterval(this.refreshTimer);
    this.refresh();
    this.view.finish();
    this.observer?.stop();
    if (this.cluster?.mode === 'cluster' && this.observer) {
      const error = await this.observer.deleteLease();
      this.view.line(
        error
          ? `could not delete the demo lease ${this.cluster.namespace}/${this.leaseName} (${error}); delete it with kubectl delete lease -n ${this.cluster.namespace} ${this.leaseName}`
          : `deleted the demo lease ${this.cluster.namespace}/${this.leaseName}`,
      );
    }
    await this.cluster?.close();
  }

  protected override report(failure: Error | undefined): number {
    const v = this.view;
    if (!this.cluster) {
      // Nothing ran: no summary, just why.
      v.raw(v.red(`demo: ${failure?.message ?? 'could not start'}`));
      return this.abortReason instanceof DemoInterrupted ? 130 : 1;
    }
    const o = this.options;
    const verdict = judgeJobRuns(this.jobs);
    const lines: string[] = ['', v.bold('── summary ──')];
    lines.push(`mode               ${this.cluster?.description ?? 'not started'}`);
    lines.push(
      `lease              ${this.cluster?.namespace ?? '?'}/${this.leaseName}, ` +
        `${this.observer?.history.filter((c) => c.holder).length ?? 0} holders seen, ` +
        `leaseTransitions ${this.observer?.transitions ?? '?'}`,
    );
    const perReplica = this.replicas
      .map((r) => `${r.name} ${this.jobs.filter((j) => j.replica === r.name).length}`)
      .join(', ');
    const early = this.jobs.filter((j) => j.endInferred).length;
    lines.push(
      `leader job runs    ${perReplica} (${this.jobs.length} in all` +
        `${early ? `, ${early} cut short by SIGKILL` : ''})`,
    );
    if (this.cluster?.mode === 'embedded') {
      lines.push(
        `API requests       ${this.replicas.map((r) => `${r.name} ${this.cluster!.requestCount(r.name)}`).join(', ')}`,
      );
    }
    lines.push(this.describeTakeover('graceful handover', this.handover));
    lines.push(this.describeTakeover('crash takeover   ', this.crash));

    const reasons: string[] = [];
    if (this.abortReason instanceof DemoInterrupted) reasons.push('interrupted');
    else if (failure) reasons.push(failure.message);
    reasons.push(...this.problems.filter((p) => !failure || !failure.message.includes(p)));
    if (!this.handover && !failure) reasons.push('no graceful handover was measured');
    if (!this.crash && !failure) reasons.push('no crash takeover was measured');
    for (const overlap of verdict.overlaps.slice(0, 5)) {
      reasons.push(
        `leader job #${overlap.a.run} on ${overlap.a.replica} and #${overlap.b.run} on ` +
          `${overlap.b.replica} ran at the same time for ${overlap.overlapMs.toFixed(1)} ms`,
      );
    }
    for (const r of verdict.fencingRegressions.slice(0, 5)) {
      reasons.push(
        `fencing token went back from ${r.earlier.fencingToken} (${r.earlier.replica}) to ` +
          `${r.later.fencingToken} (${r.later.replica})`,
      );
    }
    if (
      failure &&
      !(failure instanceof DemoInterrupted) &&
      !(this.abortReason instanceof DemoInterrupted)
    ) {
      for (const r of this.replicas) if (!r.exit || r.exit.code) this.printLogTail(r);
    }

    const ok = reasons.length === 0 && verdict.ok;
    lines.push('');
    if (ok) {
      lines.push(
        v.green(
          `VERDICT: PASS: exactly one leader job runner at any time (${verdict.runs} runs on ` +
            `${verdict.runners.length} replicas, no overlap, fencing tokens never went back)`,
        ),
      );
    } else {
      lines.push(v.red(`VERDICT: FAIL: ${reasons.join('; ') || 'leader job runs overlapped'}`));
    }
    for (const line of lines) v.raw(line);
    if (o.kubeconfig === undefined && ok) {
      v.raw('\nRun it against a real cluster: npm run demo -- --kubeconfig ~/.kube/config');
    }
    if (this.abortReason instanceof DemoInterrupted) return 130;
    return ok ? 0 : 1;
  }

  private describeTakeover(label: string, t: Takeover | undefined): string {
    if (!t) return `${label}  not measured`;
    const base =
      `${label}  ${ms(t.leaseMs)}  (${t.signal} to ${t.from.name} → ${t.to.name} holds the lease` +
      (t.startedLeadingMs !== undefined
        ? `; its @OnStartedLeading ran after ${ms(t.startedLeadingMs)}`
        : '');
    if (t.signal === 'SIGTERM') {
      return t.releasedMs === undefined
        ? `${base}; lease released first: no)`
        : `${base}; lease released first: yes, after ${ms(t.releasedMs)}, taken ` +
            `${ms(t.leaseMs - t.releasedMs)} after the release)`;
    }
    const over = t.leaseMs - this.options.leaseDuration;
    return `${base}; takeover − leaseDuration = ${over >= 0 ? '+' : '−'}${ms(Math.abs(over))})`;
  }

  private printLogTail(replica: DemoReplica): void {
    if (replica.logTail.length === 0) return;
    this.view.raw(`── last output of ${replica.name} ──`);
    for (const line of replica.logTail.slice(-15)) this.view.raw(`  ${line}`);
  }
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

/** `replica-1_3f2a…` instead of a 46-character identity. */
function shortId(identity: string): string {
  const cut = identity.indexOf('_');
  return cut > 0 && identity.length > cut + 7 ? `${identity.slice(0, cut + 7)}…` : identity;
}

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof DemoUsageError) {
      process.stderr.write(`demo: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (options.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  for (const file of [REPLICA_ENTRY, SAMPLE_MAIN]) {
    if (!existsSync(file)) {
      process.stderr.write(
        `demo: ${file} is missing: build first with npm run build (npm run demo builds for you)\n`,
      );
      return 2;
    }
  }

  const view = new DemoView(process.stdout, process.env);
  const demo = new DemoRun(options, view);
  handleProcessSignals(
    demo,
    (signal) =>
      view.line(`${signal}: stopping every replica (press Ctrl-C again to kill them at once)`),
    (signal) => new DemoInterrupted(signal),
  );
  return demo.run();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `demo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
