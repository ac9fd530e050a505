import { generateSimulationConfig, type GenerateOptions } from './schedule-generator.js';
import { Simulation, describeFault } from './simulation.js';
import type { SimulationConfig, SimulationResult } from './simulation.types.js';

/** Trace lines printed with a failure. */
export const FAILURE_TRACE_LINES = 50;

export function runSimulation(config: SimulationConfig): Promise<SimulationResult> {
  return new Simulation(config).run();
}

export function runSeed(seed: number, options: GenerateOptions = {}): Promise<SimulationResult> {
  return runSimulation(generateSimulationConfig(seed, options));
}

/** The command that replays a failing run with its full trace. */
export function replayCommand(
  result: Pick<SimulationResult, 'seed' | 'name' | 'config'>,
  electors?: number,
): string {
  if (!result.name.startsWith('seed ')) {
    return (
      `npm run test:sim -- --scenario ${result.name} --seed ${result.seed}` +
      `${result.config.watch ? '' : ' --poll'} --verbose`
    );
  }
  return `npm run test:sim -- --seed ${result.seed}${electors !== undefined ? ` --electors ${electors}` : ''} --verbose`;
}

/** Seed, scenario, violations, replay command, schedule and the last trace lines. */
export function formatFailure(
  result: SimulationResult,
  electors?: number,
  traceLines = FAILURE_TRACE_LINES,
): string {
  const c = result.config;
  const lines = [
    `simulation "${result.name}" FAILED: seed=${result.seed}`,
    ...result.violations.map((v) => `  [${v.invariant}] at t=${v.at.toFixed(3)}: ${v.message}`),
    `  replay: ${replayCommand(result, electors)}`,
    `  electors=${c.electors} leaseDuration=${c.durations.leaseDuration} renewDeadline=${c.durations.renewDeadline} ` +
      `retryPeriod=${c.durations.retryPeriod} watch=${c.watch} lockWatch=${c.lockWatch} ` +
      `rates=[${c.rates.map((r) => r.toFixed(4)).join(', ')}] hostileCallbacks=${c.hostileCallbacks} beforeRelease=${c.beforeRelease}`,
    `  faults (until t=${c.faultsEnd.toFixed(0)}): ` +
      c.faults
        .map(
          (f) =>
            `${describeFault(f)}@${('from' in f ? f.from : f.at).toFixed(0)}->${String(f.target)}`,
        )
        .join(', '),
    `  last ${Math.min(traceLines, result.trace.length)} trace lines:`,
    ...result.trace.slice(-traceLines).map((l) => `    ${l}`),
  ];
  return lines.join('\n');
}

export interface SeedRangeReport {
  from: number;
  count: number;
  failures: SimulationResult[];
  elapsedMs: number;
  events: number;
}

/** Runs seeds `from .. from + count - 1`; `onResult` sees each result as it completes. */
export async function runSeedRange(
  from: number,
  count: number,
  options: GenerateOptions = {},
  onResult?: (result: SimulationResult) => void,
): Promise<SeedRangeReport> {
  const started = performance.now();
  const failures: SimulationResult[] = [];
  let events = 0;
  for (let seed = from; seed < from + count; seed++) {
    const result = await runSeed(seed, options);
    events += result.stats.events;
    if (!result.ok) failures.push(result);
    onResult?.(result);
  }
  return { from, count, failures, elapsedMs: performance.now() - started, events };
}

/** All failures of a seed range, for an assertion message: the first ones in full. */
export function formatRangeFailures(
  report: SeedRangeReport,
  electors?: number,
  inFull = 3,
): string {
  const parts = [
    `${report.failures.length} of ${report.count} seeds (${report.from}..${report.from + report.count - 1}) violated an invariant:`,
    ...report.failures.slice(0, inFull).map((f) => formatFailure(f, electors)),
    ...report.failures
      .slice(inFull)
      .map(
        (f) =>
          `seed=${f.seed} [${f.violations.map((v) => v.invariant).join(', ')}]: ${replayCommand(f, electors)}`,
      ),
  ];
  return parts.join('\n\n');
}
