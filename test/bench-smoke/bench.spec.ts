import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from '../../scripts/bench/bench-results.types.js';
import type { SampleSummary } from '../../scripts/bench/stats.js';

// Compiled side by side with the test (dist/ or .build/<name>/), so a relative URL is stable.
const BENCH_ENTRY = fileURLToPath(new URL('../../scripts/bench/index.js', import.meta.url));
const RUN_TIMEOUT_MS = 150_000;

function runBench(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', BENCH_ENTRY, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `bench --quick did not finish within ${RUN_TIMEOUT_MS} ms:\n${stdout}\n${stderr}`,
        ),
      );
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function assertLatencySummary(summary: SampleSummary, n: number, label: string): void {
  assert.equal(summary.n, n, `${label}: sample count`);
  for (const key of ['min', 'p50', 'p95', 'max', 'mean'] as const) {
    assert.ok(Number.isFinite(summary[key]), `${label}.${key} is finite (got ${summary[key]})`);
  }
  assert.ok(summary.min > 0, `${label}.min > 0 (got ${summary.min})`);
  assert.ok(
    summary.min <= summary.p50 && summary.p50 <= summary.p95 && summary.p95 <= summary.max,
    `${label} is ordered`,
  );
}

describe('npm run bench: bad input', () => {
  it('rejects an unknown section with exit code 2 and names the value and the valid ones', async () => {
    const run = await runBench(['--only', 'handover,bogus']);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /Unknown bench section "bogus" in --only: valid sections are handover, crash/,
    );
  });
});

describe('npm run bench -- --quick (smoke: structure and sanity, not targets)', () => {
  let dir: string;
  let run: { code: number | null; stdout: string; stderr: string };
  let results: BenchResults;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    run = await runBench(['--quick', '--out', dir, '--json', join(dir, 'results.json')]);
    results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as BenchResults;
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with no section errors and prints the summary', () => {
    assert.equal(run.code, 0, `exit code; stderr:\n${run.stderr}`);
    assert.deepEqual(results.errors, []);
    assert.match(run.stdout, /Benchmarks \(v\d+/);
    assert.match(run.stdout, /handover watch/);
    assert.equal(results.meta.quick, true);
    assert.equal(results.meta.node, process.version);
  });

  it('measures graceful handover for both modes', () => {
    const h = results.handover!;
    for (const mode of [h.watch, h.poll]) {
      assertLatencySummary(mode.summary, h.config.trials - mode.failures, `handover ${mode.mode}`);
      assert.equal(mode.latenciesMs.length, mode.summary.n);
    }
    assert.ok(Number.isFinite(h.ratioP50) && h.ratioP50 > 0);
  });

  it('measures crash takeover relative to leaseDuration', () => {
    const c = results.crash!;
    for (const mode of [c.watch, c.poll]) {
      assert.equal(mode.overKill.n, c.config.trials - mode.failures);
      assert.ok(mode.overKill.n > 0, `crash ${mode.mode}: at least one takeover`);
      // A takeover can precede kill + leaseDuration, but never kill itself.
      assert.ok(mode.overKill.min > -c.config.leaseDuration, `crash ${mode.mode}: after the kill`);
      assert.ok(Number.isFinite(mode.overLastRenew.p50));
    }
  });

  it('measures cold starts in fresh processes and in process', () => {
    const c = results.coldStart!;
    for (const mode of [c.watch, c.poll]) {
      assertLatencySummary(mode.freshProcess, c.config.processTrials, `cold ${mode.mode} fresh`);
      assertLatencySummary(
        mode.freshProcessAtLoad,
        c.config.processTrials,
        `cold ${mode.mode} fresh at load`,
      );
      assertLatencySummary(
        mode.freshProcessSourceMaps,
        c.config.processTrials,
        `cold ${mode.mode} fresh with source maps`,
      );
      assertLatencySummary(
        mode.inProcess,
        c.config.inProcessTrials,
        `cold ${mode.mode} in-process`,
      );
    }
  });

  it('counts steady-state API load per leader and follower', () => {
    const l = results.load!;
    assert.equal(l.rows.length, l.config.sizes.length * 2);
    for (const row of l.rows) {
      const where = `${row.mode}/${row.candidates}: ${JSON.stringify(row)}`;
      assert.equal(typeof row.stable, 'boolean', where);
      for (const value of [row.leaderWritesPerMin, row.leaderGetsPerMin, row.followerMeanPerMin]) {
        assert.ok(Number.isFinite(value) && value >= 0, where);
      }
      assert.ok(row.followerMaxPerMin >= row.followerMeanPerMin, where);
    }
    // Quick windows are short and share a loaded CPU, so a leader may change mid-window; but
    // some leader must have renewed within it.
    assert.ok(
      l.rows.some((row) => row.leaderWritesPerMin > 0),
      `no leader renewed: ${JSON.stringify(l.rows)}`,
    );
  });

  it('reports CPU and RSS of idle election processes, and the client-node-only control', () => {
    const i = results.idle!;
    // Per size a leader and a follower process (the baseline alone for 0), plus one control.
    const expected = i.config.sizes.reduce((n, size) => n + (size === 0 ? 1 : 2), 0) + 1;
    assert.equal(i.rows.length, expected);
    const floor = i.rows.filter((row) => row.role === 'floor');
    assert.equal(floor.length, 1);
    assert.equal(floor[0]!.elections, Math.max(...i.config.sizes));
    assert.ok(
      floor[0]!.requestsPerMin > 0,
      `the control made no requests: ${floor[0]!.requestsPerMin}`,
    );
    for (const row of i.rows) {
      assert.ok(
        Number.isFinite(row.cpuPercent) && row.cpuPercent >= 0,
        `cpu of ${row.elections}/${row.role}`,
      );
      assert.ok(
        Number.isFinite(row.firstWindowCpuPercent) && row.firstWindowCpuPercent > 0,
        `first-window cpu of ${row.elections}/${row.role}: ${row.firstWindowCpuPercent}`,
      );
      assert.ok(
        row.rssMiB > 10,
        `rss of ${row.elections}/${row.role} is a process's (got ${row.rssMiB})`,
      );
      if (row.role === 'leader' || row.role === 'floor') {
        assert.equal(row.leading, row.elections);
        // Counted in the second window, so it must have requests of its own.
        assert.ok(row.requestsPerMin > 0, `${row.elections}/${row.role} renewed in the window`);
      }
      if (row.role === 'follower') {
        assert.equal(row.leading, 0);
        // Followers are measured in the first window only, then exit before the second.
        assert.equal(row.cpuPercent, row.firstWindowCpuPercent, `${row.elections}/follower`);
      }
    }
  });

  it('measures the Nest layer overhead', () => {
    const n = results.nest!;
    assert.ok(n.plainNsPerCall > 0 && Number.isFinite(n.onLeaderNsPerCall));
    assert.ok(Number.isFinite(n.onLeaderOverheadNs));
    assertLatencySummary(n.plainRoute, n.config.requests, 'plain route µs');
    assertLatencySummary(n.guardedRoute, n.config.requests, 'guarded route µs');
  });

  it('evaluates every target and writes BENCHMARKS.md and the SVG chart', async () => {
    const whats = results.targets.map((t) => t.what);
    assert.ok(whats.length >= 10, `targets: ${whats.join('; ')}`);
    for (const t of results.targets) assert.equal(typeof t.met, 'boolean');
    const markdown = await readFile(join(dir, 'BENCHMARKS.md'), 'utf8');
    assert.match(markdown, /^# Benchmarks/);
    assert.ok(markdown.includes(`| Node | ${process.version} |`));
    for (const heading of [
      '## Targets',
      '## Graceful handover',
      '## Crash takeover',
      '## Steady-state API load',
    ]) {
      assert.ok(markdown.includes(heading), heading);
    }
    assert.ok(markdown.includes('](docs/handover-latency.svg)'));
    const svg = await readFile(join(dir, 'docs', 'handover-latency.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/<path /g) ?? []).length, 2, 'one CDF per mode');
    assert.ok(svg.trimEnd().endsWith('</svg>'));
  });
});
