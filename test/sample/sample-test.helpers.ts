import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this compiled file that holds package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + import.meta.url);
    dir = parent;
  }
  return dir;
}

/** A compiled file next to this one's output tree (dist/ or .build/<name>/). */
export function compiledPath(relativeToTestSample: string): string {
  return fileURLToPath(new URL(relativeToTestSample, import.meta.url));
}
