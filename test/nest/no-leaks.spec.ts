import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('after app.close() no timer, socket or listener remains: the process exits on its own', async () => {
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      fileURLToPath(new URL('./fixtures/lifecycle-child.js', import.meta.url)),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let doneAt: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (doneAt === undefined && stdout.includes('"done":true')) doneAt = performance.now();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  clearTimeout(killer);
  const exitedAt = performance.now();

  assert.equal(
    signal,
    null,
    `the child had to be killed: it did not exit by itself.\n${stdout}\n${stderr}`,
  );
  assert.equal(code, 0, stderr);
  assert.ok(doneAt !== undefined, `the child did not finish its scenario:\n${stdout}\n${stderr}`);
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    resources: string[];
    socketsAfterClose: number;
    signalListeners: number;
  };
  assert.deepEqual(report.resources, [], 'no active handle after close');
  assert.equal(report.socketsAfterClose, 0, 'no socket left open by app.close()');
  assert.equal(report.signalListeners, 0, 'the library installs no SIGTERM/SIGINT listener');
  assert.ok(exitedAt - doneAt < 2000, `the child exited ${exitedAt - doneAt} ms after closing`);
});
