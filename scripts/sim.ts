/**
 * The deterministic simulation from the command line.
 *
 *   npm run test:sim -- --seeds 20000              run 20000 random seeds from a random start
 *   npm run test:sim -- --seeds 5000 --from 1      run seeds 1..5000 (what `npm test` runs is 1..2000)
 *   npm run test:sim -- --seed 1234 --verbose      replay one seed with its full trace
 *   npm run test:sim -- --seeds 500 --electors 7   force the number of electors
 *   npm run test:sim -- --scenario leader-partition --verbose   replay a named scenario
 *   npm run test:sim -- --list                     list the named scenarios
 *
 * Exit code 1 when any run violates an invariant; each failure prints its seed, its replay
 * command and the last trace lines.
 */
import { ALL_SCENARIOS, findScenario } from '../test/simulation/scenario-catalog.js';
import { formatFailure, runSeed, runSimulation } from '../test/simulation/sim-runner.js';
import type { SimulationResult } from '../test/simulation/simulation.types.js';

interface CliOptions {
  seeds?: number;
  from?: number;
  seed?: number;
  electors?: number;
  watch?: boolean;
  scenario?: string;
  verbose: boolean;
  list: boolean;
}

const USAGE =
  'usage: npm run test:sim -- [--seeds N [--from S]] [--seed S] [--electors 2..7] [--watch|--poll] ' +
  '[--scenario NAME] [--verbose] [--list]';

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { verbose: false, list: false };
  const int = (flag: string, value: string | undefined, min: number, max: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(
        `${flag} needs an integer in [${min}, ${max}], got ${value ?? 'nothing'}. ${USAGE}`,
      );
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '--seeds':
        options.seeds = int(arg, argv[++i], 1, 100_000_000);
        break;
      case '--from':
        options.from = int(arg, argv[++i], -2_147_483_648, 2_147_483_647);
        break;
      case '--seed':
        options.seed = int(arg, argv[++i], -2_147_483_648, 2_147_483_647);
        break;
      case '--electors':
        options.electors = int(arg, argv[++i], 2, 7);
        break;
      case '--watch':
        options.watch = true;
        break;
      case '--poll':
        options.watch = false;
        break;
      case '--scenario':
        options.scenario = argv[++i];
        if (!options.scenario) throw new Error(`--scenario needs a name (see --list). ${USAGE}`);
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--list':
        options.list = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument "${arg}". ${USAGE}`);
    }
  }
  return options;
}

function printResult(result: SimulationResult, options: CliOptions): void {
  if (options.verbose) {
    for (const line of result.trace) console.log(line);
    console.log(
      `terms: ${result.terms
        .map(
          (t) =>
            `${t.process}/${t.identity}#${t.token}@${t.startedAt.toFixed(0)}${t.endedAt !== undefined ? `-${t.endedAt.toFixed(0)}` : ''}`,
        )
        .join(' ')}`,
    );
  }
  if (result.ok) {
    console.log(
      `ok: "${result.name}" seed=${result.seed} events=${result.stats.events} writes=${result.stats.writes} ` +
        `terms=${result.terms.length} virtual=${(result.stats.virtualEnd / 1000).toFixed(1)}s hash=${result.traceHash}`,
    );
  } else {
    console.log(formatFailure(result, options.electors, options.verbose ? 0 : undefined));
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.list) {
    for (const s of ALL_SCENARIOS) console.log(`${s.name.padEnd(28)} ${s.description}`);
    return 0;
  }
  if (options.scenario !== undefined) {
    const scenario = findScenario(options.scenario);
    const result = await runSimulation(
      scenario.build({
        seed: options.seed ?? 1,
        watch: options.watch ?? true,
        verbose: options.verbose,
      }),
    );
    printResult(result, options);
    const problem = result.ok ? scenario.expect?.(result) : undefined;
    if (problem) console.log(`scenario expectation failed: ${problem}`);
    if (scenario.expectViolation) {
      console.log(
        result.ok
          ? `negative control NOT caught: "${scenario.name}" must violate ${scenario.expectViolation.join(' or ')}`
          : `negative control caught as expected (${result.violations[0]!.invariant})`,
      );
    }
    return result.ok === !scenario.expectViolation && !problem ? 0 : 1;
  }
  if (options.seed !== undefined && options.seeds === undefined) {
    const result = await runSeed(options.seed, {
      electors: options.electors,
      watch: options.watch,
      verbose: options.verbose,
    });
    printResult(result, options);
    return result.ok ? 0 : 1;
  }
  const count = options.seeds ?? 1000;
  const from = options.from ?? options.seed ?? 1 + Math.floor(Math.random() * 2_000_000_000);
  console.log(`running seeds ${from}..${from + count - 1}`);
  const started = performance.now();
  const failures: SimulationResult[] = [];
  let events = 0;
  for (let seed = from; seed < from + count; seed++) {
    const result = await runSeed(seed, { electors: options.electors, watch: options.watch });
    events += result.stats.events;
    if (!result.ok) {
      failures.push(result);
      console.log(formatFailure(result, options.electors));
    }
    const done = seed - from + 1;
    if (done % 1000 === 0 && done < count) {
      console.log(
        `  ${done}/${count} seeds, ${failures.length} failed, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${count} seeds (${from}..${from + count - 1}): ${count - failures.length} passed, ${failures.length} failed; ` +
      `${events} events in ${seconds.toFixed(1)} s`,
  );
  for (const f of failures)
    console.log(`  failed: seed=${f.seed} [${f.violations.map((v) => v.invariant).join(', ')}]`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);
