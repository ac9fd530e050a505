/**
 * Bearer-token authentication and RBAC authorization with Kubernetes `PolicyRule` semantics:
 * a request is allowed when one rule matches its verb, API group, resource, namespace and name.
 * Rules with `resourceNames` only match requests that carry a name (so never a create or an
 * unfiltered list); a list/watch filtered by `metadata.name=<x>` carries `<x>`, as in kube-apiserver.
 */
import type { TestPolicyRule, TestTokenOptions } from '../kube-api-test-server.types.js';
import { testServerMessages } from './kube-api.messages.js';

export interface AuthenticatedUser {
  token: string;
  user: string;
  /** undefined = full access. */
  rules: TestPolicyRule[] | undefined;
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  /** '' = cluster scope. */
  namespace: string;
  name: string;
}

const matchesValue = (allowed: readonly string[], value: string): boolean =>
  allowed.includes('*') || allowed.includes(value);

function matchesResource(rule: TestPolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return rule.resources.some(
    (r) =>
      r === '*' ||
      r === combined ||
      (subresource !== '' && (r === `*/${subresource}` || r === `${resource}/*`)),
  );
}

export function ruleAllows(rule: TestPolicyRule, a: ResourceAttributes): boolean {
  if (!matchesValue(rule.verbs, a.verb)) return false;
  if (!matchesValue(rule.apiGroups, a.group)) return false;
  if (!matchesResource(rule, a.resource, a.subresource)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) {
    if (a.name === '' || !rule.resourceNames.includes(a.name)) return false;
  }
  if (rule.namespaces) {
    if (a.namespace === '' || !matchesValue(rule.namespaces, a.namespace)) return false;
  }
  return true;
}

export function rulesAllow(
  rules: readonly TestPolicyRule[] | undefined,
  a: ResourceAttributes,
): boolean {
  return rules === undefined || rules.some((rule) => ruleAllows(rule, a));
}

function checkRules(rules: TestPolicyRule[] | undefined): TestPolicyRule[] | undefined {
  if (rules === undefined) return undefined;
  if (!Array.isArray(rules)) {
    throw new TypeError(testServerMessages.badRules(rules));
  }
  for (const rule of rules) {
    for (const key of ['apiGroups', 'resources', 'verbs'] as const) {
      if (!Array.isArray(rule?.[key])) {
        throw new TypeError(testServerMessages.badRule(key, rule));
      }
    }
  }
  // Copied so a caller mutating its array later does not change the server's policy silently.
  return rules.map((r) => ({
    ...r,
    apiGroups: [...r.apiGroups],
    resources: [...r.resources],
    verbs: [...r.verbs],
    resourceNames: r.resourceNames ? [...r.resourceNames] : undefined,
    namespaces: r.namespaces ? [...r.namespaces] : undefined,
  }));
}

export class RbacAuthorizer {
  private readonly tokens = new Map<string, AuthenticatedUser>();

  add(token: string, options: TestTokenOptions = {}): void {
    if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
      throw new TypeError(testServerMessages.badToken(token));
    }
    this.tokens.set(token, {
      token,
      user: options.user ?? `system:serviceaccount:default:${token}`,
      rules: checkRules(options.rules),
    });
  }

  remove(token: string): void {
    this.tokens.delete(token);
  }

  has(token: string): boolean {
    return this.tokens.has(token);
  }

  setRules(token: string, rules: TestPolicyRule[] | undefined): void {
    const existing = this.tokens.get(token);
    if (!existing) this.add(token, { rules });
    else existing.rules = checkRules(rules);
  }

  authenticate(token: string): AuthenticatedUser | undefined {
    return this.tokens.get(token);
  }
}
