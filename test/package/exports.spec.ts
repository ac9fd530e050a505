import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

/** The repo root: the first ancestor of this compiled file that holds package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** The compiled output folder this test runs from (dist/ or a helper's .build/x/). */
function outDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'lib'))) dir = dirname(dir);
  return dir;
}

// A resolve hook that fails any import of a Nest package, rxjs or reflect-metadata: proves the
// `./core` entry point runs on a machine where only @kubernetes/client-node is installed.
const BLOCK_NEST = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  if (/^(@nestjs\\\\/|rxjs|reflect-metadata)/.test(specifier)) {
    throw new Error('blocked import of ' + specifier);
  }
  return next(specifier, context);
}\`));
`;

function importWithNestBlocked(file: string) {
  return spawnSync(
    process.execPath,
    [
      '--import',
      'data:text/javascript,' + encodeURIComponent(BLOCK_NEST),
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(file)}); console.log(Object.keys(m).sort().join(','));`,
    ],
    { cwd: repoRoot(), encoding: 'utf8', timeout: 30_000 },
  );
}

test('./core imports without any @nestjs/* package, rxjs or reflect-metadata', () => {
  const core = join(outDir(), 'lib', 'core', 'index.js');
  const result = importWithNestBlocked(core);
  assert.equal(result.status, 0, `import failed:\n${result.stderr}`);
  const exported = result.stdout.trim().split(',');
  for (const name of ['LeaderElector', 'createLock', 'LockError', 'systemClock']) {
    assert.ok(exported.includes(name), `./core should export ${name}; got ${exported.join(', ')}`);
  }
});

test('the block hook itself works: the Nest entry point fails under it', () => {
  const main = join(outDir(), 'lib', 'index.js');
  const result = importWithNestBlocked(main);
  assert.notEqual(result.status, 0, 'the main entry imports @nestjs/*, so it must fail here');
  assert.match(result.stderr, /blocked import of (@nestjs\/|rxjs|reflect-metadata)/);
});

test('package.json exports map the three documented subpaths to built files', async () => {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(join(repoRoot(), 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; default: string }>;
  };
  assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './core', './testing']);
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    assert.match(target.default, /^\.\/dist\/lib\/.*index\.js$/, subpath);
    assert.match(target.types, /^\.\/dist\/lib\/.*index\.d\.ts$/, subpath);
  }
});
