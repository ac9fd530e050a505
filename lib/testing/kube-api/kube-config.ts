/**
 * Kubeconfigs for the test server: as a `KubeConfig` object for in-process clients and as a file
 * body for child processes and kubectl.
 */
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeConfigTarget {
  url: string;
  token: string;
  /** Present when the server speaks TLS: trusted through certificate-authority-data. */
  caPem: string | undefined;
  namespace: string | undefined;
}

const CLUSTER = 'kube-api-test-server';

function names(token: string): { user: string; context: string } {
  return { user: `kube-api-test-server-${token}`, context: `kube-api-test-server-${token}` };
}

export function buildKubeConfig(target: KubeConfigTarget): KubeConfig {
  const { user, context } = names(target.token);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      target.caPem
        ? {
            name: CLUSTER,
            server: target.url,
            skipTLSVerify: false,
            caData: Buffer.from(target.caPem).toString('base64'),
          }
        : // client-node refuses http:// unless this is set; only ever for the plain-http test server.
          { name: CLUSTER, server: target.url, skipTLSVerify: true },
    ],
    users: [{ name: user, token: target.token }],
    contexts: [
      {
        name: context,
        cluster: CLUSTER,
        user,
        ...(target.namespace ? { namespace: target.namespace } : {}),
      },
    ],
    currentContext: context,
  });
  return kc;
}

// JSON strings are valid YAML double-quoted scalars, so quoting with JSON.stringify is safe.
const q = (s: string): string => JSON.stringify(s);

export function buildKubeConfigYaml(target: KubeConfigTarget): string {
  const { user, context } = names(target.token);
  const cluster = target.caPem
    ? `    certificate-authority-data: ${q(Buffer.from(target.caPem).toString('base64'))}`
    : '    insecure-skip-tls-verify: true';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(CLUSTER)}`,
    '  cluster:',
    `    server: ${q(target.url)}`,
    cluster,
    'users:',
    `- name: ${q(user)}`,
    '  user:',
    `    token: ${q(target.token)}`,
    'contexts:',
    `- name: ${q(context)}`,
    '  context:',
    `    cluster: ${q(CLUSTER)}`,
    `    user: ${q(user)}`,
    ...(target.namespace ? [`    namespace: ${q(target.namespace)}`] : []),
    `current-context: ${q(context)}`,
    '',
  ].join('\n');
}
