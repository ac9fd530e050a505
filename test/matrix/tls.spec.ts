/**
 * Matrix: TLS verification is never turned off by the library.
 * - Static: no compiled library file (the shipped dist/lib, found from this file's location)
 *   sets skipTLSVerify, insecure-skip-tls-verify, rejectUnauthorized: false, a custom
 *   checkServerIdentity or NODE_TLS_REJECT_UNAUTHORIZED. The one allowed place is the test
 *   server's plain-http kubeconfig (client-node refuses http:// without it), and the scan checks
 *   that it is exactly there.
 * - Behaviour: a TLS KubeApiTestServer and a kubeconfig without its CA → every request fails
 *   with a certificate error naming the fix (nothing reaches the server's HTTP layer), from a
 *   KubeConfig object and from a kubeconfig file; with the CA it works (control).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { globalAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { LockError, loadKubeConfig } from '../../lib/core/index.js';
import { lockMessages } from '../../lib/core/messages.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { TIMING, kubeElector, sleep, target, waitFor } from './matrix.helpers.js';

const LIB = fileURLToPath(new URL('../../lib/', import.meta.url));
/** The test server's kubeconfig for plain http, the only place allowed to skip verification. */
const ALLOWED = 'testing/kube-api/kube-config.js';

const FORBIDDEN: Array<[string, RegExp]> = [
  ['skipTLSVerify: true', /skipTLSVerify\s*:\s*(true|!0)/],
  ['skipTLSVerify = true', /skipTLSVerify\s*=\s*(true|!0)/],
  ['insecure-skip-tls-verify', /insecure-skip-tls-verify\s*:\s*true/],
  ['rejectUnauthorized: false', /rejectUnauthorized\s*:\s*(false|!1|0)/],
  ['rejectUnauthorized = false', /rejectUnauthorized\s*=\s*(false|!1|0)/],
  ['NODE_TLS_REJECT_UNAUTHORIZED', /NODE_TLS_REJECT_UNAUTHORIZED/],
  ['checkServerIdentity override', /checkServerIdentity\s*[:=]/],
];

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

describe('matrix: the library never disables TLS verification (static scan of the shipped JS)', () => {
  it('no compiled library file relaxes verification, except the test server’s http kubeconfig', () => {
    const files = jsFiles(LIB);
    assert.ok(files.length > 50, `found only ${files.length} .js files under ${LIB}`);
    assert.ok(files.some((f) => f.endsWith('core/kube/request-options.js')));
    const hits: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [what, pattern] of FORBIDDEN) {
        if (pattern.test(text)) hits.push(`${relative(LIB, file)}: ${what}`);
      }
    }
    assert.deepEqual(hits, [
      `${ALLOWED}: skipTLSVerify: true`,
      `${ALLOWED}: insecure-skip-tls-verify`,
    ]);
  });

  it('the allowed file only skips verification for plain http (no CA): TLS kubeconfigs verify', () => {
    const text = readFileSync(join(LIB, ALLOWED), 'utf8');
    assert.match(text, /skipTLSVerify:\s*false/, 'TLS kubeconfigs set skipTLSVerify: false');
    assert.match(text, /certificate-authority-data/, 'TLS kubeconfig files carry the CA');
  });
});

describe('matrix: a server certificate the kubeconfig cannot verify is rejected', () => {
  const server = new KubeApiTestServer({ tls: true, bookmarkInterval: 0 });
  let dir = '';
  before(async () => {
    await server.start();
    dir = mkdtempSync(join(tmpdir(), 'matrix-tls-'));
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A kubeconfig for the TLS server that carries no CA and does not skip verification. */
  function withoutCa(token: string): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'tls', server: server.url, skipTLSVerify: false }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'ctx', cluster: 'tls', user: 'u' }],
      currentContext: 'ctx',
    });
    return kc;
  }
  /** The same as a kubeconfig file: the CA line removed from the server's own file. */
  function withoutCaFile(token: string): KubeConfig {
    const yaml = server
      .kubeConfigYaml(token)
      .split('\n')
      .filter((line) => !line.includes('certificate-authority-data'))
      .join('\n');
    assert.ok(!yaml.includes('insecure-skip-tls-verify'));
    const file = join(dir, `${token}.yaml`);
    writeFileSync(file, yaml);
    return loadKubeConfig(file);
  }
  const CERT_CODES = [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  ];

  for (const [what, kubeConfigFor] of [
    ['a KubeConfig object', withoutCa],
    ['a kubeconfig file', withoutCaFile],
  ] as const) {
    it(`${what} without the CA: the elector never leads, the error names the certificate and the fix`, async () => {
      const token = `no-ca-${what.includes('file') ? 'file' : 'object'}`;
      server.addToken(token);
      const name = `tls-${token}`;
      const { elector, logger } = kubeElector({
        kubeConfig: kubeConfigFor(token),
        name,
        namespace: 'default',
        identity: 't1',
      });
      elector.start();
      try {
        await waitFor(() => elector.lastError() !== undefined, 5000, 'the certificate error');
        await sleep(TIMING.retryPeriod * 3);
        assert.equal(elector.isLeader(), false);
        assert.equal(elector.status(), 'running');
        const err = elector.lastError();
        assert.ok(err instanceof LockError);
        assert.equal(err.reason, 'Unavailable');
        const code = (err.cause as { code?: string }).code ?? '';
        assert.ok(CERT_CODES.includes(code), `certificate error code: ${code}`);
        assert.equal(
          err.message,
          lockMessages.certificateRejected(target('get', 'default', name), server.url, code),
        );
        // The watch is refused the same way (it is opened after the first attempt).
        await waitFor(
          () => logger.at('warn').some((w) => w.includes('TLS certificate of the API server')),
          5000,
          'the watch to fail on the certificate too',
        );
        assert.equal(
          server.counters().byToken[token],
          undefined,
          'no request got past the TLS handshake',
        );
        assert.equal(server.getObject('leases', 'default', name), undefined);
      } finally {
        await elector.stop();
      }
    });
  }

  it('control: the kubeconfig with the CA verifies the server and the elector leads', async () => {
    const { elector } = kubeElector({
      kubeConfig: server.kubeConfig('with-ca'),
      name: 'tls-with-ca',
      namespace: 'default',
      identity: 't2',
    });
    elector.start();
    try {
      await waitFor(() => elector.isLeader(), 5000, 'leadership over verified TLS');
      assert.ok(server.counters().byToken['with-ca']);
    } finally {
      await elector.stop();
    }
  });

  it('after all of this, process-wide TLS settings are untouched', () => {
    assert.equal(process.env['NODE_TLS_REJECT_UNAUTHORIZED'], undefined);
    assert.notEqual(
      (globalAgent.options as { rejectUnauthorized?: boolean }).rejectUnauthorized,
      false,
    );
  });
});
