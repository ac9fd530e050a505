import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { compiledPath, repoRoot } from './sample-test.helpers.js';

/**
 * Runs the compiled demo (dist/scripts/demo.js, or .build/<name>/scripts/demo.js) end to end as
 * a user would, without a TTY: three sample replicas, a handover, a crash takeover, a verdict.
 */

const DEMO = compiledPath('../../scripts/demo.js');

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runDemo(args: string[], timeoutMs: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    // A KUBECONFIG in the caller's environment would switch the demo to that cluster.
    delete env.KUBECONFIG;
    const child = spawn(process.execPath, [DEMO, ...args], {
      cwd: repoRoot(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      // SIGINT: the demo's own clean-up stops its replicas.
      child.kill('SIGINT');
      reject(new Error(`the demo did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('npm run demo', { timeout: 200_000 }, () => {
  it('shows a handover and a crash takeover with their times, and passes its verdict', async () => {
    const started = performance.now();
    const result = await runDemo(
      [
        '--embedded',
        '--lease-duration',
        '2000',
        '--renew-deadline',
        '1500',
        '--retry-period',
        '300',
      ],
      90_000,
    );
    const elapsed = performance.now() - started;
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, output);
    assert.match(
      result.stdout,
      /mode\s+EMBEDDED: embedded KubeApiTestServer at https:\/\/127\.0\.0\.1:\d+/,
    );

    const handover =
      /graceful handover\s+(\d+) ms\s+\(SIGTERM to (replica-\d) → (replica-\d) holds the lease/.exec(
        result.stdout,
      );
    const crash =
      /crash takeover\s+(\d+) ms\s+\(SIGKILL to (replica-\d) → (replica-\d) holds the lease.*takeover − leaseDuration = [+−]\d+ ms/.exec(
        result.stdout,
      );
    assert.ok(handover, `handover figure in:\n${output}`);
    assert.ok(crash, `crash figure in:\n${output}`);
    // Three different leaders: the stopped one, the killed one, the survivor.
    assert.equal(new Set([handover[2], handover[3], crash[3]]).size, 3);
    assert.equal(crash[2], handover[3], 'the demo kills the replica that took over');
    // Generous functional bounds (not performance targets): a release is taken at once, a crash
    // waits out the lease.
    assert.ok(Number(handover[1]) < 1500, `handover ${handover[1]} ms`);
    assert.ok(Number(crash[1]) < 2000 + 1500, `crash takeover ${crash[1]} ms`);
    assert.match(result.stdout, /lease released first: yes/);

    assert.match(result.stdout, /^VERDICT: PASS: exactly one leader job runner at any time/m);
    assert.ok(!result.stdout.includes('\u001b['), 'no ANSI codes without a TTY');
    assert.ok(elapsed < 60_000, `the demo took ${Math.round(elapsed)} ms`);
  });

  it('runs against the cluster of --kubeconfig and deletes its lease afterwards', async () => {
    // A KubeApiTestServer stands in for the real cluster: the demo cannot tell the difference,
    // it only gets a kubeconfig file (TLS with the server's CA, a bearer token).
    const cluster = new KubeApiTestServer({ tls: true });
    await cluster.start();
    const dir = await mkdtemp(join(tmpdir(), 'nle-demo-spec-'));
    try {
      const file = join(dir, 'kubeconfig');
      await writeFile(file, cluster.kubeConfigYaml('cluster-user', { namespace: 'demo-ns' }), {
        mode: 0o600,
      });
      const result = await runDemo(
        [
          '--kubeconfig',
          file,
          '--lease-name',
          'demo-on-a-cluster',
          '--lease-duration',
          '2000',
          '--renew-deadline',
          '1500',
          '--retry-period',
          '300',
        ],
        90_000,
      );
      const output = `${result.stdout}\n${result.stderr}`;
      assert.equal(result.code, 0, output);
      assert.match(
        result.stdout,
        /mode\s+REAL CLUSTER: real cluster https:\/\/127\.0\.0\.1:\d+ \(context .*kubeconfig from --kubeconfig\)/,
      );
      assert.match(result.stdout, /^lease\s+demo-ns\/demo-on-a-cluster$/m);
      assert.match(result.stdout, /^VERDICT: PASS/m);
      assert.match(result.stdout, /deleted the demo lease demo-ns\/demo-on-a-cluster/);
      assert.equal(cluster.getObject('leases', 'demo-ns', 'demo-on-a-cluster'), undefined);
      const writes = cluster
        .requests()
        .filter(
          (r) => r.token === 'cluster-user' && r.resource === 'leases' && r.verb === 'update',
        );
      assert.ok(writes.length > 0, 'the replicas used the kubeconfig user');
    } finally {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad flag with a clear message and exit code 2', async () => {
    const result = await runDemo(['--replicas', '2'], 20_000);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--replicas must be between 3 and 9, got 2/);
  });
});
