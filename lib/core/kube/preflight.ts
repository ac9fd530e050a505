import { hostname as osHostname } from 'node:os';
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { LockError } from '../errors.js';
import type { LeaderElectionLogger } from '../logger.js';
import type { LockType } from '../locks/lock-factory.types.js';
import { preflightMessages, type KubeRequestTarget } from '../messages.js';
import type { NamespaceSource } from './namespace.js';
import { kubeCall, kubeRequestContext } from './request-options.js';

/** One permission the election uses, and what the API server said about it. */
export interface PermissionCheck extends KubeRequestTarget {
  /** What the library does with it, for the log. */
  purpose: string;
  /** `false`: the election still works without it, degraded (no watch, no events). */
  required: boolean;
  /** The review's verdict; `undefined` when the review could not be made. */
  allowed?: boolean;
  /** The authorizer's reason, when it gave one. */
  reason?: string;
}

/** Outcome of {@link runPreflight}. It never blocks or fails the election. */
export interface PreflightResult {
  /**
   * `ok`: every permission is granted. `missing`: at least one is denied (logged once, with the
   * Role rules to add). `skipped`: the reviews could not be made (the reason is in `skippedReason`).
   */
  status: 'ok' | 'missing' | 'skipped';
  namespace: string;
  namespaceSource: NamespaceSource;
  checks: PermissionCheck[];
  missing: PermissionCheck[];
  /** YAML list items of Role rules granting `missing`; `''` when nothing is missing. */
  roleRules: string;
  skippedReason?: string;
  /** Set when the identity looks shared by several processes; also logged as a warning. */
  identityWarning?: string;
}

/** Options of {@link runPreflight}. */
export interface PreflightOptions {
  kubeConfig: KubeConfig;
  /** The lock's namespace and where it came from (see `resolveNamespace`). */
  namespace: string;
  namespaceSource: NamespaceSource;
  /** The lock object's name. */
  name: string;
  /** @default 'leases' */
  lockType?: LockType;
  /** This replica's identity, as the elector will use it. */
  identity: string;
  /** Whether Events are recorded on the lock object. @default true */
  recordEvents?: boolean;
  /**
   * Whether the elector watches the lock object (then `watch` on it is checked). Pass `false`
   * when watching is off or the lock cannot watch. @default true
   */
  watch?: boolean;
  /** @default silentLogger (nothing is printed) */
  logger?: LeaderElectionLogger;
  /** Reads POD_NAME and KUBERNETES_SERVICE_HOST. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @default os.hostname() */
  hostname?: string;
  /** Upper bound for all reviews together, in ms. @default 5000 */
  timeout?: number;
  /** Aborts the reviews (e.g. on shutdown); the result is then `skipped`. */
  signal?: AbortSignal;
}

/** A rule of a Kubernetes Role, as the preflight suggests it. */
export interface SuggestedRoleRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

const DEFAULT_TIMEOUT_MS = 5000;

const LEASES = { group: 'coordination.k8s.io', resource: 'leases' } as const;
const CONFIGMAPS = { group: '', resource: 'configmaps' } as const;
const ENDPOINTS = { group: '', resource: 'endpoints' } as const;

/** The objects each lock type reads and writes. */
/** Lock types whose lock can watch its object (the MultiLock cannot: it is polled). */
const WATCHING_LOCK_TYPES: readonly LockType[] = ['leases', 'configmaps', 'endpoints'];

const LOCK_RESOURCES: Record<LockType, readonly { group: string; resource: string }[]> = {
  leases: [LEASES],
  configmaps: [CONFIGMAPS],
  endpoints: [ENDPOINTS],
  configmapsleases: [CONFIGMAPS, LEASES],
  endpointsleases: [ENDPOINTS, LEASES],
};

/**
 * The permissions an election needs, in the order they are reported: on each lock resource
 * create (no name: RBAC cannot restrict create by name), get and update on the named object,
 * watch on the named object when watching (single-object locks only: the migration MultiLocks
 * are polled), and create on Events when recording them. The event recorder only ever POSTs, so `patch` on events is not asked for.
 */
export function requiredPermissions(options: {
  lockType?: LockType;
  name: string;
  namespace: string;
  recordEvents?: boolean;
  watch?: boolean;
}): Omit<PermissionCheck, 'allowed' | 'reason'>[] {
  const { name, namespace } = options;
  const lockType = options.lockType ?? 'leases';
  const resources = LOCK_RESOURCES[lockType];
  if (!resources) return [];
  const watches = options.watch !== false && WATCHING_LOCK_TYPES.includes(lockType);
  const checks: Omit<PermissionCheck, 'allowed' | 'reason'>[] = [];
  for (const { group, resource } of resources) {
    const target = (verb: KubeRequestTarget['verb'], named: boolean): KubeRequestTarget => ({
      verb,
      group,
      resource,
      namespace,
      ...(named ? { name } : {}),
    });
    for (const [verb, named] of [
      ['create', false],
      ['get', true],
      ['update', true],
    ] as const) {
      const t = target(verb, named);
      checks.push({ ...t, required: true, purpose: preflightMessages.purpose(t) });
    }
    if (watches) {
      const t = target('watch', true);
      checks.push({ ...t, required: false, purpose: preflightMessages.purpose(t) });
    }
  }
  if (options.recordEvents !== false) {
    const t: KubeRequestTarget = { verb: 'create', group: '', resource: 'events', namespace };
    checks.push({ ...t, required: false, purpose: preflightMessages.purpose(t) });
  }
  return checks;
}

/**
 * Role rules granting `permissions`: one rule per resource and name restriction, verbs merged,
 * in first-seen order. `create` never gets `resourceNames` (RBAC cannot restrict it by name).
 */
export function roleRulesFor(permissions: readonly KubeRequestTarget[]): SuggestedRoleRule[] {
  const rules = new Map<string, SuggestedRoleRule>();
  for (const p of permissions) {
    const named = p.name !== undefined && p.verb !== 'create' && p.verb !== 'list';
    const key = `${p.group}\u0000${p.resource}\u0000${named ? p.name : ''}`;
    let rule = rules.get(key);
    if (!rule) {
      rule = {
        apiGroups: [p.group],
        resources: [p.resource],
        ...(named ? { resourceNames: [p.name!] } : {}),
        verbs: [],
      };
      rules.set(key, rule);
    }
    if (!rule.verbs.includes(p.verb)) rule.verbs.push(p.verb);
  }
  return [...rules.values()];
}

/** The rules as the YAML list items of a Role's `rules:` (two-space indent, flow lists). */
export function roleRulesYaml(rules: readonly SuggestedRoleRule[]): string {
  const list = (values: readonly string[]) =>
    `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
  return rules
    .map(
      (r) =>
        `- apiGroups: ${list(r.apiGroups)}\n` +
        `  resources: ${list(r.resources)}\n` +
        (r.resourceNames ? `  resourceNames: ${list(r.resourceNames)}\n` : '') +
        `  verbs: ${list(r.verbs)}`,
    )
    .join('\n');
}

// Kubernetes' random pod-name suffix alphabet (no vowels, no 0/1/3): `-x7k2q` in `app-x7k2q`.
const KUBE_RANDOM_SUFFIX = /-[bcdfghjklmnpqrstvwxz2456789]{5}$/;
const UUID_OR_HEX_SUFFIX =
  /[_-](?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{8,})$/i;
const MIXED_ALNUM_SUFFIX = /[_-](?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{8,}$/i;

/**
 * Why `identity` looks shared by several processes, or `undefined` when it looks unique:
 * - it is the bare hostname and `POD_NAME` is unset (processes on one host, or containers that
 *   share a hostname, would all use it);
 * - it ends in no random-looking suffix (a UUID or long hex, Kubernetes' 5-character pod-name
 *   suffix, or 8+ mixed letters and digits), so a restarted or duplicated process reuses it and
 *   client-go's rules let it take the lease back at once.
 */
export function identityWarning(
  identity: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  hostname: string = osHostname(),
): string | undefined {
  const podName = env['POD_NAME']?.trim();
  if (!podName && identity === hostname.trim())
    return preflightMessages.identityIsHostname(identity);
  if (
    KUBE_RANDOM_SUFFIX.test(identity) ||
    UUID_OR_HEX_SUFFIX.test(identity) ||
    MIXED_ALNUM_SUFFIX.test(identity)
  )
    return undefined;
  return preflightMessages.identityWithoutSuffix(identity);
}

/**
 * Startup checks that explain problems before they bite, without ever blocking the election:
 *
 * 1. logs the lock's namespace and where it came from;
 * 2. warns when the identity looks shared by several processes (see {@link identityWarning});
 * 3. asks the API server, with one SelfSubjectAccessReview per permission (run in parallel), whether
 *    these credentials may do what the lock needs (see {@link requiredPermissions}), and logs ONE
 *    warning naming everything that is missing and the Role rules to add.
 *
 * It never throws. When the reviews cannot be made (SelfSubjectAccessReview forbidden, API
 * unreachable, timeout) it logs why the check was skipped and resolves with `status: 'skipped'`.
 */
export async function runPreflight(options: PreflightOptions): Promise<PreflightResult> {
  const logger = options.logger;
  const env = options.env ?? process.env;
  const result: PreflightResult = {
    status: 'skipped',
    namespace: options.namespace,
    namespaceSource: options.namespaceSource,
    checks: [],
    missing: [],
    roleRules: '',
  };
  const lockType = options.lockType ?? 'leases';
  const lockName = `${options.namespace}/${options.name}`;

  try {
    const context = safely(() => options.kubeConfig.getCurrentContext()) ?? '';
    const inCluster = Boolean(env['KUBERNETES_SERVICE_HOST']);
    const namespaceLine = preflightMessages.namespace(
      lockType,
      lockName,
      options.namespaceSource,
      context,
    );
    if (options.namespaceSource === 'default' && inCluster) logger?.warn(namespaceLine);
    else logger?.log(namespaceLine);

    result.identityWarning = identityWarning(
      options.identity,
      env,
      options.hostname ?? osHostname(),
    );
    if (result.identityWarning) logger?.warn(result.identityWarning);

    const planned = requiredPermissions({
      lockType,
      name: options.name,
      namespace: options.namespace,
      recordEvents: options.recordEvents,
      watch: options.watch,
    });
    const reviewed = await review(options, planned);
    result.checks = reviewed.checks;
    result.missing = reviewed.checks.filter((c) => c.allowed === false);
    const unknown = reviewed.checks.filter((c) => c.allowed === undefined);

    if (result.missing.length > 0) {
      result.status = 'missing';
      result.roleRules = roleRulesYaml(roleRulesFor(result.missing));
      logger?.warn(
        preflightMessages.missingPermissions(
          lockName,
          result.missing,
          result.roleRules,
          unknown.length,
        ),
      );
    } else if (unknown.length > 0) {
      result.status = 'skipped';
      result.skippedReason = reviewed.failure?.message ?? 'no answer';
      const line = preflightMessages.skipped(lockName, result.skippedReason);
      const reason = reviewed.failure?.reason;
      if (reason === 'Unauthorized') logger?.warn(line);
      else if (reason === 'Forbidden') logger?.log(line);
      else logger?.debug?.(line);
    } else {
      result.status = 'ok';
      logger?.debug?.(preflightMessages.passed(lockName, result.checks.length));
    }
  } catch (err) {
    // A bug here must not cost the application its election.
    result.status = 'skipped';
    result.skippedReason = err instanceof Error ? err.message : String(err);
    logger?.debug?.(preflightMessages.skipped(lockName, result.skippedReason));
  }
  return result;
}

interface ReviewFailure {
  reason: LockError['reason'];
  message: string;
}

async function review(
  options: PreflightOptions,
  planned: Omit<PermissionCheck, 'allowed' | 'reason'>[],
): Promise<{ checks: PermissionCheck[]; failure?: ReviewFailure }> {
  const api = options.kubeConfig.makeApiClient(AuthorizationV1Api);
  const context = kubeRequestContext(options.kubeConfig);
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new Error('preflight timeout')),
    options.timeout ?? DEFAULT_TIMEOUT_MS,
  );
  const signal = options.signal
    ? AbortSignal.any([timeout.signal, options.signal])
    : timeout.signal;
  let failure: ReviewFailure | undefined;
  const ssarTarget: KubeRequestTarget = {
    verb: 'create',
    group: 'authorization.k8s.io',
    resource: 'selfsubjectaccessreviews',
    namespace: '',
  };
  try {
    const checks = await Promise.all(
      planned.map(async (check): Promise<PermissionCheck> => {
        try {
          const answer = await kubeCall(
            (requestOptions) =>
              api.createSelfSubjectAccessReview(
                {
                  body: {
                    apiVersion: 'authorization.k8s.io/v1',
                    kind: 'SelfSubjectAccessReview',
                    spec: {
                      resourceAttributes: {
                        namespace: check.namespace,
                        verb: check.verb,
                        group: check.group,
                        resource: check.resource,
                        ...(check.name !== undefined ? { name: check.name } : {}),
                      },
                    },
                  },
                },
                requestOptions,
              ),
            ssarTarget,
            context,
            signal,
          );
          const status = answer?.status;
          if (typeof status?.allowed !== 'boolean') {
            failure ??= { reason: 'Unknown', message: preflightMessages.noVerdict() };
            return { ...check };
          }
          const reason = status.reason || status.evaluationError || undefined;
          return { ...check, allowed: status.allowed, ...(reason ? { reason } : {}) };
        } catch (err) {
          failure ??= describeFailure(err, context.server);
          return { ...check };
        }
      }),
    );
    return { checks, ...(failure ? { failure } : {}) };
  } finally {
    clearTimeout(timer);
  }
}

function describeFailure(err: unknown, server: string): ReviewFailure {
  if (!(err instanceof LockError)) {
    return {
      reason: 'Unknown',
      message: preflightMessages.reviewFailed('Unknown', undefined, server),
    };
  }
  return {
    reason: err.reason,
    message: preflightMessages.reviewFailed(err.reason, err.statusCode, server),
  };
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
