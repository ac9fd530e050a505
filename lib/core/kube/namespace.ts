import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { SERVICE_ACCOUNT_DIR } from './kube-config.js';

/** Where the lock's namespace came from (for logs: "namespace default (from kubeconfig)"). */
export type NamespaceSource =
  'option' | 'serviceaccount' | 'POD_NAMESPACE' | 'kubeconfig' | 'default';

export interface ResolvedNamespace {
  namespace: string;
  source: NamespaceSource;
}

/** The pod's namespace file, mounted with the service-account token. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = `${SERVICE_ACCOUNT_DIR}/namespace`;

/** Reads a file as text, or `undefined` when it cannot be read. */
export type TextFileReader = (path: string) => string | undefined;

const readTextFile: TextFileReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * The lock's namespace, first found of: the explicit option, the service-account namespace file
 * (the pod's own namespace, what controller-runtime uses), `POD_NAMESPACE` (downward API), the
 * kubeconfig's current-context namespace, then `'default'`. Empty or blank values are skipped.
 */
export function resolveNamespace(
  explicit?: string,
  kubeConfig?: KubeConfig,
  env: NodeJS.ProcessEnv = process.env,
  readFile: TextFileReader = readTextFile,
): ResolvedNamespace {
  const pick = (value: string | undefined | null) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

  const fromOption = pick(explicit);
  if (fromOption) return { namespace: fromOption, source: 'option' };
  const fromFile = pick(readFile(SERVICE_ACCOUNT_NAMESPACE_FILE));
  if (fromFile) return { namespace: fromFile, source: 'serviceaccount' };
  const fromEnv = pick(env['POD_NAMESPACE']);
  if (fromEnv) return { namespace: fromEnv, source: 'POD_NAMESPACE' };
  const context = kubeConfig?.getContextObject(kubeConfig.getCurrentContext());
  const fromKubeConfig = pick(context?.namespace);
  if (fromKubeConfig) return { namespace: fromKubeConfig, source: 'kubeconfig' };
  return { namespace: 'default', source: 'default' };
}
