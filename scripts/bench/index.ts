/**
 * `npm run bench`: measures the elector and the Nest layer against KubeApiTestServer and writes
 * BENCHMARKS.md, docs/handover-latency.svg and a summary on stdout. Not part of `npm test`
 * (a smoke test runs it with --quick). Missed targets are reported, not turned into a failure;
 * the exit code is non-zero only when a section could not run.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchConfig } from './bench-config.js';
import { parseBenchArgs, SECTIONS, type BenchOptions, type SectionName } from './bench-options.js';
import { renderMarkdown, renderSummary } from './bench-report.js';
import type { BenchResults } from './bench-results.types.js';
import { evaluateTargets } from './bench-targets.js';
import { sectionFailed, usage } from './bench.messages.js';
import { ChildProcessPool } from './child-processes.js';
import { renderHandoverChart } from './handover-chart.svg.js';
import { formatMs } from './stats.js';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

function commandLine(options: BenchOptions): string {
  const flags = [
    ...(options.quick ? ['--quick'] : []),
    ...(options.sections.length !== SECTIONS.length ? ['--only', options.sections.join(',')] : []),
  ];
  return flags.length ? `npm run bench -- ${flags.join(' ')}` : 'npm run bench';
}

type Sections = Omit<BenchResults, 'meta' | 'targets' | 'errors'>;

async function runSection(
  name: SectionName,
  options: BenchOptions,
  pool: ChildProcessPool,
): Promise<Sections> {
  const config = benchConfig(options.quick);
  switch (name) {
    case 'handover': {
      const { runHandoverBench } = await import('./handover.bench.js');
      return { handover: await runHandoverBench(config.handover) };
    }
    case 'crash': {
      const { runCrashBench } = await import('./crash.bench.js');
      return { crash: await runCrashBench(config.crash, pool) };
    }
    case 'cold-start': {
      const { runColdStartBench } = await import('./cold-start.bench.js');
      return { coldStart: await runColdStartBench(config.coldStart, pool) };
    }
    case 'load': {
      const { runLoadBench } = await import('./load.bench.js');
      return { load: await runLoadBench(config.load) };
    }
    case 'idle': {
      const { runIdleBench } = await import('./idle.bench.js');
      return { idle: await runIdleBench(config.idle, pool) };
    }
    case 'nest': {
      const { runNestOverheadBench } = await import('./nest-overhead.bench.js');
      return { nest: await runNestOverheadBench(config.nest) };
    }
  }
}

/**
 * Every section runs alone: latency figures and CPU shares both read high when another section's
 * work competes for the cores (`load` alone runs 126 electors).
 */
const PHASES: SectionName[][] = [
  ['cold-start'],
  ['handover'],
  ['crash'],
  ['load'],
  ['idle'],
  ['nest'],
];
/** --quick checks that everything runs, not the figures: one phase. */
const QUICK_PHASES: SectionName[][] = [[...SECTIONS]];

async function main(): Promise<number> {
  const repoRoot = findRepoRoot();
  const options = parseBenchArgs(process.argv.slice(2), repoRoot);
  if (options.help) {
    console.log(usage(SECTIONS));
    return 0;
  }
  const started = performance.now();
  const pool = new ChildProcessPool();
  const sections: Sections = {};
  const errors: string[] = [];
  const sectionMs: Record<string, number> = {};
  const loadBefore = loadavg()[0];
  try {
    for (const phase of options.quick ? QUICK_PHASES : PHASES) {
      const names = phase.filter((name) => options.sections.includes(name));
      if (names.length === 0) continue;
      console.log(`bench: running ${names.join(' + ')}…`);
      const outcomes = await Promise.allSettled(
        names.map(async (name) => {
          const t0 = performance.now();
          try {
            return await runSection(name, options, pool);
          } finally {
            sectionMs[name] = performance.now() - t0;
          }
        }),
      );
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'fulfilled') Object.assign(sections, outcome.value);
        else {
          const message = sectionFailed(names[i], outcome.reason);
          errors.push(message);
          console.error(message);
        }
      });
      (globalThis as { gc?: () => void }).gc?.();
    }
  } finally {
    await pool.killAll();
  }

  const cpu = cpus()[0];
  const partial: Omit<BenchResults, 'targets'> = {
    meta: {
      command: commandLine(options),
      date: new Date().toISOString(),
      node: process.version,
      cpuModel: cpu?.model.trim() ?? 'unknown',
      cpuCount: cpus().length,
      platform: `${process.platform} ${process.arch}`,
      quick: options.quick,
      sections: options.sections,
      sectionMs,
      loadAverage: [loadBefore, loadavg()[0]],
      totalMs: performance.now() - started,
    },
    ...sections,
    errors,
  };
  const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };

  await mkdir(dirname(options.svgPath), { recursive: true });
  const chartPath = relative(dirname(options.markdownPath), options.svgPath).split('\\').join('/');
  await writeFile(options.markdownPath, renderMarkdown(results, chartPath));
  if (results.handover) {
    const { watch, poll, config } = results.handover;
    const label = (name: string, m: typeof watch) =>
      `${name} (n=${m.summary.n}): p50 ${formatMs(m.summary.p50)} ms, p95 ${formatMs(m.summary.p95)} ms`;
    const svg = renderHandoverChart(
      [
        { label: label('watch: true', watch), color: '#1f77b4', samplesMs: watch.latenciesMs },
        {
          label: label('watch: false (polling)', poll),
          color: '#d62728',
          samplesMs: poll.latenciesMs,
        },
      ],
      {
        title: 'Graceful handover: leader stop({ release: true }) → another replica leading',
        subtitle: `${config.candidates} candidates, leaseDuration ${config.leaseDuration} / renewDeadline ${config.renewDeadline} / retryPeriod ${config.retryPeriod} ms · ${results.meta.node} · ${results.meta.date.slice(0, 10)}`,
      },
      [
        { ms: 50, label: 'target p50 ≤ 50 ms' },
        { ms: 150, label: 'target p95 ≤ 150 ms' },
      ],
    );
    await writeFile(options.svgPath, svg);
  }
  if (options.jsonPath) {
    await mkdir(dirname(options.jsonPath), { recursive: true });
    await writeFile(options.jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  }
  console.log(renderSummary(results));
  console.log(
    `bench: wrote ${options.markdownPath}${results.handover ? ` and ${options.svgPath}` : ''}`,
  );
  return errors.length === 0 ? 0 : 1;
}

/** A bench that hangs on a leaked handle would never finish; name the handles, then exit. */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    console.error(
      `bench: still open 5 s after the run: ${process.getActiveResourcesInfo().join(', ')}`,
    );
    process.exit(code || 3);
  }, 5_000).unref();
}

main().then(exitSoon, (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  exitSoon(2);
});
