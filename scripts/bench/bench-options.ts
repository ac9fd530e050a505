import { join, resolve } from 'node:path';
import { missingFlagValue, unknownFlag, unknownSection } from './bench.messages.js';

export const SECTIONS = ['handover', 'crash', 'cold-start', 'load', 'idle', 'nest'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchOptions {
  help: boolean;
  quick: boolean;
  sections: SectionName[];
  markdownPath: string;
  svgPath: string;
  jsonPath?: string;
}

const FLAGS = ['--quick', '--only', '--out', '--json', '--help'];

/** Parses the bench's command line; bad input throws an error naming the value and the fix. */
export function parseBenchArgs(argv: readonly string[], repoRoot: string): BenchOptions {
  let quick = false;
  let help = false;
  let sections: SectionName[] = [...SECTIONS];
  let outDir = repoRoot;
  let jsonPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (example: string): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(missingFlagValue(flag, example));
      return v;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--only':
        sections = value('handover,crash')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => {
            if (!(SECTIONS as readonly string[]).includes(s))
              throw new Error(unknownSection(s, SECTIONS));
            return s as SectionName;
          });
        break;
      case '--out':
        outDir = resolve(value('/tmp/bench-out'));
        break;
      case '--json':
        jsonPath = resolve(value('/tmp/bench.json'));
        break;
      default:
        throw new Error(unknownFlag(argv[i], FLAGS));
    }
  }
  return {
    help,
    quick,
    sections,
    markdownPath: join(outDir, 'BENCHMARKS.md'),
    svgPath: join(outDir, 'docs', 'handover-latency.svg'),
    jsonPath,
  };
}
