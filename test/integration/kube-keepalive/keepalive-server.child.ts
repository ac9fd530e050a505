/**
 * A TLS KubeApiTestServer in its own process, so the test process's only TCP sockets are
 * client ones (the server's accepted sockets would count as active handles otherwise).
 * Prints one JSON line `{ url, kubeConfigYaml }`, then runs until its stdin closes (the parent
 * ended or died) and stops.
 */
import { KubeApiTestServer } from '../../../lib/testing/kube-api-test-server.js';

const server = new KubeApiTestServer({ tls: true, bookmarkInterval: 0 });
await server.start();
process.stdout.write(
  `${JSON.stringify({ url: server.url, kubeConfigYaml: server.kubeConfigYaml('admin') })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => void server.stop());
process.stdin.on('error', () => void server.stop());
