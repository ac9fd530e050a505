import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigMessages } from '../messages.js';

/** Where a pod finds its service-account token (client-go's in-cluster config reads the same). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What `loadKubeConfig` looks at; injectable so tests need no real files or environment. */
export interface KubeConfigSources {
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default fs.existsSync */
  fileExists?: (path: string) => boolean;
  /** @default os.homedir() (falls back to $HOME) */
  homeDir?: () => string | undefined;
  /** Makes an empty KubeConfig; tests may return one whose loaders are observable. */
  create?: () => KubeConfig;
}

/**
 * The KubeConfig the locks talk through.
 * - a `KubeConfig` instance is used as is;
 * - a string is the path of a kubeconfig file;
 * - unset: the in-cluster config when `KUBERNETES_SERVICE_HOST` is set and the service-account
 *   token exists, else the file(s) in `KUBECONFIG`, else `~/.kube/config`.
 *
 * Unlike client-node's `loadFromDefault()`, it never falls back to `http://localhost:8080`:
 * when nothing is found it throws an error listing what was tried and how to fix it.
 * TLS settings are taken from the kubeconfig as written; nothing here relaxes verification.
 */
export function loadKubeConfig(
  input?: KubeConfig | string,
  sources: KubeConfigSources = {},
): KubeConfig {
  if (input instanceof KubeConfig) return input;
  const env = sources.env ?? process.env;
  const fileExists = sources.fileExists ?? existsSync;
  const create = sources.create ?? (() => new KubeConfig());

  if (typeof input === 'string') {
    if (input.trim() === '') throw new Error(kubeConfigMessages.emptyPath());
    return loadFiles([input], 'the kubeConfig option', fileExists, create);
  }

  const tried: string[] = [];
  const tokenPath = `${SERVICE_ACCOUNT_DIR}/token`;
  if (!env['KUBERNETES_SERVICE_HOST'])
    tried.push('in-cluster config (KUBERNETES_SERVICE_HOST is not set)');
  else if (!fileExists(tokenPath))
    tried.push(
      `in-cluster config (KUBERNETES_SERVICE_HOST is set but ${tokenPath} does not exist)`,
    );
  else {
    const kc = create();
    kc.loadFromCluster();
    return kc;
  }

  const kubeconfigEnv = env['KUBECONFIG'];
  if (kubeconfigEnv) {
    const files = kubeconfigEnv.split(delimiter).filter((f) => f !== '');
    const present = files.filter((f) => fileExists(f));
    if (present.length > 0) return loadFiles(present, 'KUBECONFIG', fileExists, create);
    tried.push(`KUBECONFIG=${JSON.stringify(kubeconfigEnv)} (no such file)`);
  } else tried.push('KUBECONFIG (not set)');

  const home = (sources.homeDir ?? defaultHomeDir)();
  if (home) {
    const file = join(home, '.kube', 'config');
    if (fileExists(file)) return loadFiles([file], '~/.kube/config', fileExists, create);
    tried.push(`${file} (does not exist)`);
  } else tried.push('~/.kube/config (no home directory)');

  throw new Error(kubeConfigMessages.notFound(tried));
}

function defaultHomeDir(): string | undefined {
  try {
    return homedir() || process.env['HOME'];
  } catch {
    return process.env['HOME'];
  }
}

/** Loads the first file and merges the others, as kubectl does with KUBECONFIG=a:b. */
function loadFiles(
  files: readonly string[],
  origin: string,
  fileExists: (path: string) => boolean,
  create: () => KubeConfig,
): KubeConfig {
  let result: KubeConfig | undefined;
  for (const file of files) {
    if (!fileExists(file)) throw new Error(kubeConfigMessages.fileMissing(file, origin));
    const kc = create();
    try {
      kc.loadFromFile(file);
    } catch (err) {
      // No `cause`: the parser's error quotes the offending lines, which may hold a token, and
      // Node prints causes with an uncaught error (util.inspect follows the chain).
      // oxlint-disable-next-line preserve-caught-error -- deliberately dropped, see above
      throw new Error(kubeConfigMessages.fileInvalid(file, origin, describeLoadError(err)));
    }
    if (result) result.mergeConfig(kc, true);
    else result = kc;
  }
  const kc = result as KubeConfig;
  if (!kc.getCurrentCluster())
    throw new Error(
      kubeConfigMessages.noCurrentCluster(
        `${origin} (${files.join(', ')})`,
        kc.getCurrentContext(),
      ),
    );
  return kc;
}

/**
 * A YAML error's message quotes the offending lines, which may hold a token; only its kind and
 * position are shown.
 */
function describeLoadError(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: string;
    code?: string;
    mark?: { line?: number; column?: number };
  };
  if (e.code) return e.code;
  if (e.mark && typeof e.mark.line === 'number')
    return `${e.name ?? 'parse error'} at line ${e.mark.line + 1}`;
  return e.name ?? 'unknown error';
}
