/**
 * Matrix: a bearer token never appears in any log line, error, health output or HTTP body.
 * The whole scenario (fixtures/token-leak-child.ts: boot, election, 403, 401, hung requests, a
 * broken kubeconfig holding the token, shutdown) runs in a child process with a recognisable
 * token; everything it writes to stdout and stderr is captured here and scanned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TOKEN = 'tok-SECRET-7f3a9c';

test('the token never appears in anything the library and the app print', async () => {
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      fileURLToPath(new URL('./fixtures/token-leak-child.js', import.meta.url)),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MATRIX_TOKEN: TOKEN } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  clearTimeout(killer);
  const output = `${stdout}\n${stderr}`;
  // Never print the captured output in an assertion message: it may hold the token.
  const leaks = (text: string) => text.includes(TOKEN) || text.includes('SECRET-7f3a9c');

  assert.equal(signal, null, 'the scenario had to be killed (it did not finish in 60 s)');
  assert.equal(code, 0, leaks(stderr) ? 'the scenario failed' : `the scenario failed: ${stderr}`);
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    done?: boolean;
    mainRequests?: number;
    echoRequests?: number;
  };
  assert.equal(report.done, true, 'the scenario ran to its end');
  assert.ok((report.mainRequests ?? 0) > 10, 'the token was used for real requests');
  assert.ok((report.echoRequests ?? 0) > 0);

  // The scenario went through every path it is meant to cover.
  const covered: Array<[string, RegExp]> = [
    ['election logs', /Attempting to acquire leader lease/],
    ['acquisition', /Successfully acquired lease/],
    ['403 with the Role rule', /403 Forbidden.*Grant it with a Role rule/],
    ['the echoed token, redacted', /\[redacted\]/],
    ['401', /401 Unauthorized/],
    ['timeouts', /no answer|got no answer|renewDeadline/],
    ['health output', /HTTP main \/health\/live 200/],
    ['the guard body', /HTTP forbidden \/leader-only 503 .*This replica is not the leader/],
    ['a cause chain', /\[cause\]/],
    ['the broken kubeconfig', /INIT FAILED[\s\S]*could not be loaded \(YAMLException/],
    ['the broken kubeconfig (core)', /LOAD FAILED[\s\S]*could not be loaded \(YAMLException/],
    ['debug level', /DEBUG/],
  ];
  const missing = covered.filter(([, pattern]) => !pattern.test(output)).map(([what]) => what);
  assert.deepEqual(missing, [], 'parts of the scenario left no trace in the output');

  assert.equal(leaks(output), false, 'the token appears in the output');
  assert.ok(!leaks(stdout) && !leaks(stderr));
});
