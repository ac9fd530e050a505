import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  parseSampleEvent,
  SAMPLE_EVENT_PREFIX,
  type SampleEventInput,
} from '../../sample/src/sample-event.types.js';
import { ChaosUsageError, parseChaosArgs } from '../../scripts/chaos-options.js';
import { summarizeChaos } from '../../scripts/chaos-report.js';
import { FAULT_KINDS, planChaos, type FaultKind } from '../../scripts/chaos-schedule.js';
import { ChaosTimeline } from '../../scripts/chaos-timeline.js';
import { judgeChaos, type FaultWindow } from '../../scripts/chaos-verdict.js';

const DURATIONS = { leaseDuration: 2000, renewDeadline: 1500, retryPeriod: 300 };
const BOUND = { leaseDuration: 2000, retryPeriod: 300, slack: 500 }; // 3160 ms

/** A synthetic replica log: what `SampleEventsService` prints, one line per event. */
function logLine(event: SampleEventInput, at: number): string {
  return `${SAMPLE_EVENT_PREFIX}${JSON.stringify({ ...event, at })}`;
}

/** Feeds log lines (through the real parser) and signals into a timeline, in the order given. */
function replay(
  entries: Array<
    | { proc: string; line: string }
    | { proc: string; signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'; at: number }
  >,
): ChaosTimeline {
  const timeline = new ChaosTimeline();
  for (const entry of entries) {
    if ('line' in entry) {
      const event = parseSampleEvent(entry.line);
      assert.ok(event, `not a sample event line: ${entry.line}`);
      timeline.onEvent(entry.proc, event);
    } else {
      timeline.onSignal(entry.proc, entry.signal, entry.at);
    }
  }
  return timeline;
}

function job(proc: string, identity: string, run: number, start: number, end: number, token = 1) {
  return [
    {
      proc,
      line: logLine({ event: 'job-start', identity, run, fencingToken: token }, start),
    },
    {
      proc,
      line: logLine(
        {
          event: 'job-end',
          identity,
          run,
          fencingToken: token,
          aborted: false,
          steps: 5,
          lastStepAt: end,
        },
        end + 40,
      ),
    },
  ];
}

function lead(proc: string, identity: string, at: number, token = 1) {
  return {
    proc,
    line: logLine({ event: 'started-leading', identity, fencingToken: token }, at),
  };
}

function judge(timeline: ChaosTimeline, faults: FaultWindow[] = [], window = { from: 0, to: 0 }) {
  return judgeChaos({
    runs: timeline.jobRuns(),
    spans: timeline.leadership(),
    faults,
    window: window.to > window.from ? window : undefined,
    bound: BOUND,
  });
}

describe('chaos overlap check (synthetic logs)', () => {
  it('reports two replicas whose leader work overlaps, with both intervals, and fails the summary', () => {
    const timeline = replay([
      ...job('replica-1#1', 'a', 1, 1000, 1800, 1),
      ...job('replica-2#1', 'b', 1, 1500, 2300, 2),
    ]);
    const verdict = judge(timeline);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.overlaps.length, 1);
    const [overlap] = verdict.overlaps;
    assert.equal(overlap!.a.replica, 'replica-1#1');
    assert.equal(overlap!.b.replica, 'replica-2#1');
    assert.equal(overlap!.overlapMs, 300);

    const options = parseChaosArgs(['--events', '1', '--seed', '5']);
    const summary = summarizeChaos({
      options,
      verdict,
      faults: [{ index: 1, kind: 'hang', target: 'x', start: 0, end: 0, healAt: 0 }],
      runs: timeline.jobRuns(),
      procs: ['replica-1#1', 'replica-2#1'],
      restarts: 0,
      leaseTransitions: 1,
      problems: [],
    });
    const text = summary.lines.join('\n');
    assert.equal(summary.ok, false);
    assert.match(text, /^overlaps {11}1$/m);
    assert.match(
      text,
      /VERDICT: FAIL: leader work overlapped for 300\.0 ms: replica-1#1 run #1 .* and replica-2#1 run #1/,
    );
  });

  it('passes back-to-back work of different replicas, and says overlaps 0', () => {
    const timeline = replay([
      lead('replica-1#1', 'a', 900, 1),
      ...job('replica-1#1', 'a', 1, 1000, 1800, 1),
      lead('replica-2#1', 'b', 1900, 2),
      ...job('replica-2#1', 'b', 1, 2000, 2800, 2),
    ]);
    const verdict = judge(timeline, [], { from: 900, to: 3000 });
    assert.equal(verdict.overlaps.length, 0);
    assert.equal(verdict.ok, true);
    const summary = summarizeChaos({
      options: parseChaosArgs(['--events', '2', '--seed', '5']),
      verdict,
      faults: [1, 2].map((index) => ({
        index,
        kind: 'hang' as const,
        target: 'x',
        start: 0,
        end: 0,
        healAt: 0,
      })),
      runs: timeline.jobRuns(),
      procs: ['replica-1#1', 'replica-2#1'],
      restarts: 0,
      leaseTransitions: 1,
      problems: [],
    });
    assert.equal(summary.ok, true, summary.lines.join('\n'));
    assert.match(summary.lines.join('\n'), /^overlaps {11}0$/m);
    assert.match(summary.lines.join('\n'), /^leader changes {5}1 \(2 leadership terms/m);
  });

  it('ends a frozen replica’s work at its last slice, not at the job-end line written after SIGCONT', () => {
    const frozenThenResumed = (lastStepAt: number) =>
      replay([
        {
          proc: 'replica-1#1',
          line: logLine({ event: 'job-start', identity: 'a', run: 1, fencingToken: 1 }, 1000),
        },
        { proc: 'replica-1#1', signal: 'SIGSTOP', at: 1200 },
        ...job('replica-2#1', 'b', 1, 3400, 4200, 2),
        { proc: 'replica-1#1', signal: 'SIGCONT', at: 4900 },
        {
          proc: 'replica-1#1',
          line: logLine(
            {
              event: 'job-end',
              identity: 'a',
              run: 1,
              fencingToken: 1,
              aborted: true,
              steps: 4,
              lastStepAt,
            },
            4901,
          ),
        },
      ]);
    assert.equal(judge(frozenThenResumed(1150)).overlaps.length, 0);
    // Had the replica worked a slice after waking (no leadership check), that is an overlap.
    const bad = judge(frozenThenResumed(3500));
    assert.equal(bad.overlaps.length, 1);
    assert.equal(bad.overlaps[0]!.overlapMs, 100);
  });

  it('counts a run cut short by SIGKILL up to the kill, so work after a takeover would be caught', () => {
    const killedRun = (otherStart: number) =>
      replay([
        {
          proc: 'replica-1#1',
          line: logLine({ event: 'job-start', identity: 'a', run: 1, fencingToken: 1 }, 1000),
        },
        { proc: 'replica-1#1', signal: 'SIGKILL', at: 1300 },
        ...job('replica-2#1', 'b', 1, otherStart, otherStart + 500, 2),
      ]);
    const afterKill = killedRun(3300);
    assert.equal(judge(afterKill).overlaps.length, 0);
    const [killed] = afterKill.jobRuns();
    assert.equal(killed!.end, 1300);
    assert.equal(killed!.endInferred, true);
    assert.equal(judge(killedRun(1250)).overlaps.length, 1);
  });

  it('leaves out a run that did no slice of work (it found itself no longer leading)', () => {
    const timeline = replay([
      ...job('replica-2#1', 'b', 1, 3000, 3900, 2),
      {
        proc: 'replica-1#1',
        line: logLine({ event: 'job-start', identity: 'a', run: 7, fencingToken: 1 }, 3500),
      },
      {
        proc: 'replica-1#1',
        line: logLine(
          {
            event: 'job-end',
            identity: 'a',
            run: 7,
            fencingToken: 1,
            aborted: true,
            steps: 0,
            lastStepAt: null,
          },
          3501,
        ),
      },
    ]);
    const verdict = judge(timeline);
    assert.equal(verdict.overlaps.length, 0);
    assert.equal(verdict.workingRuns, 1);
  });
});

describe('chaos liveness check (synthetic logs)', () => {
  const leaderGap = (fault: FaultWindow) =>
    judge(
      replay([
        lead('replica-1#1', 'a', 0, 1),
        { proc: 'replica-1#1', line: logLine({ event: 'stopped-leading', identity: 'a' }, 1000) },
        lead('replica-2#1', 'b', 5000, 2),
      ]),
      [fault],
      { from: 0, to: 6000 },
    );

  it('fails a gap longer than leaseDuration + 2.2 × retryPeriod + slack after the fault healed', () => {
    const verdict = leaderGap({
      index: 3,
      kind: 'sigkill',
      target: 'replica-1#1 (leader)',
      start: 900,
      end: 900,
      healAt: 900,
    });
    assert.equal(verdict.boundMs, 3160);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.longestGap?.measuredMs, 4000);
    assert.equal(verdict.longestGap?.fault?.index, 3);
  });

  it('measures an API fault’s gap from when the fault was cleared', () => {
    const verdict = leaderGap({
      index: 4,
      kind: '5xx',
      target: 'every replica',
      start: 800,
      end: 3000,
      healAt: 3000,
    });
    assert.equal(verdict.ok, true);
    assert.equal(verdict.longestGap?.measuredMs, 2000);
  });

  it('treats a frozen leader as gone from the SIGSTOP on', () => {
    const timeline = replay([
      lead('replica-1#1', 'a', 0, 1),
      { proc: 'replica-1#1', signal: 'SIGSTOP', at: 1000 },
      lead('replica-2#1', 'b', 3100, 2),
      { proc: 'replica-1#1', signal: 'SIGCONT', at: 4000 },
      { proc: 'replica-1#1', line: logLine({ event: 'stopped-leading', identity: 'a' }, 4001) },
    ]);
    const verdict = judge(timeline, [], { from: 0, to: 5000 });
    assert.equal(verdict.gaps.length, 1);
    assert.equal(verdict.gaps[0]!.from, 1000);
    assert.equal(verdict.gaps[0]!.to, 3100);
    assert.equal(timeline.currentLeader(), 'replica-2#1');
  });
});

describe('chaos schedule and options', () => {
  it('replays the same schedule from the same seed, and another from another seed', () => {
    const a = planChaos({ events: 20, seed: 42, ...DURATIONS });
    assert.deepEqual(planChaos({ events: 20, seed: 42, ...DURATIONS }), a);
    assert.notDeepEqual(planChaos({ events: 20, seed: 43, ...DURATIONS }), a);
  });

  it('deals every kind at least three times in 20 events, with faults as strong as the issue asks', () => {
    for (const seed of [1, 2, 3, 99, 2 ** 32 - 1]) {
      const plan = planChaos({ events: 20, seed, ...DURATIONS });
      assert.equal(plan.length, 20);
      const count = (k: FaultKind) => plan.filter((e) => e.kind === k).length;
      for (const kind of FAULT_KINDS) assert.ok(count(kind) >= 3, `${kind} in seed ${seed}`);
      for (const e of plan) {
        if (e.kind === 'sigstop') assert.ok(e.durationMs > DURATIONS.leaseDuration);
        if (e.kind === 'latency') assert.ok(e.latencyMs! > DURATIONS.renewDeadline);
        if (e.kind === '5xx') assert.ok(e.code! >= 500 && e.code! <= 599);
        if (e.kind === 'sigkill') assert.ok(e.restartAfterMs! > 0);
      }
    }
    const only = planChaos({ events: 5, seed: 1, kinds: ['hang'], ...DURATIONS });
    assert.deepEqual(
      only.map((e) => e.kind),
      ['hang', 'hang', 'hang', 'hang', 'hang'],
    );
  });

  it('rejects bad options with the flag, the value and a fix', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--events', 'x'], /--events must be a whole number ≥ 1, got "x": e\.g\. --events 20/],
      [['--seed', '-1'], /--seed must be a whole number from 0 to 4294967295, got "-1"/],
      [['--kinds', 'sigkill,nuke'], /unknown fault kind "nuke"; choose from sigkill, sigstop/],
      [
        ['--lease-duration', '1500'],
        /--lease-duration \(1500 ms\) must be greater than --renew-deadline/,
      ],
      [['--replicas', '2'], /--replicas must be between 3 and 9, got 2/],
      [['--job-work', '1500'], /--job-work must be below 1000 ms/],
      [['--bogus'], /unknown option "--bogus"/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => parseChaosArgs(argv),
        (err: unknown) => {
          assert.ok(err instanceof ChaosUsageError);
          assert.match(err.message, message);
          return true;
        },
      );
    }
    const defaults = parseChaosArgs([], () => 1234);
    assert.equal(defaults.seed, 1234);
    assert.equal(defaults.seedGiven, false);
    assert.equal(defaults.events, 20);
    assert.equal(defaults.replicas, 5);
  });
});

// --------------------------------------------------------------------------- the real thing

/** A compiled file next to this one's output tree (dist/ or .build/<name>/). */
const CHAOS = fileURLToPath(new URL('../../scripts/chaos.js', import.meta.url));

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${import.meta.url}`);
    dir = parent;
  }
  return dir;
}

function runChaos(
  args: string[],
  timeoutMs: number,
  /** Called with the output so far after each chunk; may signal the child. */
  onOutput?: (stdout: string, child: ChildProcess) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.KUBECONFIG;
    const child = spawn(process.execPath, [CHAOS, ...args], {
      cwd: repoRoot(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onOutput?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      // SIGINT: the chaos run's own tear-down continues and stops its replicas.
      child.kill('SIGINT');
      reject(new Error(`the chaos run did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run chaos (real processes, short)', { timeout: 90_000 }, () => {
  it('survives SIGKILL, SIGSTOP, dropped responses and latency on the leader with overlaps = 0', async () => {
    // Seed 25 with these kinds: sigkill (restart under the same identity), sigstop,
    // drop-response, latency, each on the leader.
    const result = await runChaos(
      [
        ...['--events', '4', '--seed', '25'],
        ...['--kinds', 'sigkill,sigstop,latency,drop-response'],
        ...['--timeout', '55000', '--verbose'],
      ],
      75_000,
    );
    const out = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, out);
    assert.match(result.stdout, /^events {13}4\/4 executed \(/m);
    for (const kind of ['sigkill 1', 'sigstop 1', 'latency 1', 'drop-response 1']) {
      assert.ok(result.stdout.includes(kind), `${kind} in:\n${out}`);
    }
    assert.match(result.stdout, /^overlaps {11}0$/m);
    assert.match(result.stdout, /^fencing tokens {5}never went back$/m);
    assert.match(result.stdout, /VERDICT: PASS: 4 fault events/);
    // The leader was killed and frozen: leadership changed hands at least twice.
    const changes = /^leader changes {5}(\d+) /m.exec(result.stdout);
    assert.ok(changes && Number(changes[1]) >= 2, out);
    const gap = /^longest gap {8}(\d+) ms .*bound (\d+) ms/m.exec(result.stdout);
    assert.ok(gap, out);
    assert.ok(Number(gap[1]) <= Number(gap[2]), out);
    assert.match(result.stdout, /1 restarted after SIGKILL/);
    assert.match(result.stdout, /started in place of replica-\d#1, under the same identity/);

    // Every replica it started is gone (the killed one, its replacement, the survivors).
    const pids = [...result.stdout.matchAll(/is up \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 6, out);
    for (const pid of pids) assert.equal(isRunning(pid), false, `pid ${pid} still runs`);
    // And its temporary kubeconfig folder is removed.
    const dir = /^\S+ kubeconfigs (\S+)$/m.exec(result.stdout);
    assert.ok(dir, out);
    assert.equal(existsSync(dir[1]!), false, `${dir[1]} is left behind`);
  });

  it('on Ctrl-C while a replica is frozen: continues and stops every replica, exits 130', async () => {
    let interrupted = false;
    const result = await runChaos(
      ['--events', '1', '--seed', '3', '--kinds', 'sigstop', '--verbose'],
      60_000,
      (stdout, child) => {
        if (!interrupted && /event 1\/1: SIGSTOP/.test(stdout)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    );
    const out = `${result.stdout}\n${result.stderr}`;
    assert.equal(interrupted, true, out);
    assert.equal(result.code, 130, out);
    assert.match(result.stdout, /VERDICT: FAIL: interrupted/);
    const pids = [...result.stdout.matchAll(/is up \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 5, out);
    for (const pid of pids) assert.equal(isRunning(pid), false, `pid ${pid} still runs`);
    const dir = /^\S+ kubeconfigs (\S+)$/m.exec(result.stdout);
    assert.ok(dir && !existsSync(dir[1]!), out);
  });

  it('fails with a clear message when the run exceeds --timeout, and still cleans up', async () => {
    const result = await runChaos(['--events', '20', '--seed', '1', '--timeout', '4000'], 40_000);
    const out = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 1, out);
    assert.match(
      result.stdout,
      /VERDICT: FAIL: the chaos run did not finish within --timeout 4000 ms/,
    );
  });
});
