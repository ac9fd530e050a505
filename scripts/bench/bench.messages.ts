/** Message factories of the benchmark runner: each names the value at fault and what to do. */

export const unknownFlag = (flag: string, known: readonly string[]): string =>
  `Unknown option ${JSON.stringify(flag)}: use one of ${known.join(', ')} (see --help).`;

export const missingFlagValue = (flag: string, example: string): string =>
  `Option ${flag} needs a value, e.g. ${flag} ${example}.`;

export const unknownSection = (section: string, known: readonly string[]): string =>
  `Unknown bench section ${JSON.stringify(section)} in --only: valid sections are ${known.join(', ')}.`;

export const childExited = (
  label: string,
  code: number | null,
  signal: string | null,
  stderr: string,
): string =>
  `Bench child ${label} exited (code ${code ?? 'none'}, signal ${signal ?? 'none'}) before it reported; ` +
  `its stderr ends with:\n${stderr || '(empty)'}`;

export const waitTimedOut = (what: string, ms: number): string =>
  `Timed out after ${ms} ms waiting for ${what}; the bench gives up on this step (check that the elector and KubeApiTestServer work: npm test).`;

export const missingEnv = (name: string): string =>
  `Environment variable ${name} is not set: bench children are started by scripts/bench/index.js, not by hand.`;

export const sectionFailed = (section: string, error: unknown): string =>
  `Bench section ${section} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;

export const usage = (sections: readonly string[]): string =>
  [
    'Usage: node --expose-gc dist/scripts/bench/index.js [--quick] [--only a,b] [--out DIR] [--json FILE]',
    '',
    `  --only LIST   run only these sections (${sections.join(', ')})`,
    '  --quick       tiny configuration (seconds): used by the smoke test, figures are not meaningful',
    '  --out DIR     write BENCHMARKS.md and docs/handover-latency.svg under DIR (default: the repo root)',
    '  --json FILE   also write the raw results as JSON',
  ].join('\n');
