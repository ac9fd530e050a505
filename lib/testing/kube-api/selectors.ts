/**
 * Field and label selectors as LIST and WATCH accept them (`fieldSelector=metadata.name=x`,
 * `labelSelector=app in (a,b),!legacy`).
 */

import { apiServerMessages as messages } from './kube-api.messages.js';

type Obj = Record<string, unknown>;

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

/** Splits on commas that are not escaped (`\,`) and not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '\\' && i + 1 < selector.length) {
      current += c + selector[++i];
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** k8s `fields.ParseSelector`: `a=b`, `a==b`, `a!=b`, comma-separated, `\` escapes. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  return splitTerms(selector).map((term) => {
    const m = /^((?:[^=!\\]|\\.)+?)\s*(==|=|!=)\s*((?:[^\\]|\\.)*)$/.exec(term);
    if (!m) throw new SelectorError(messages.invalidFieldSelector(selector, term));
    return { field: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]) };
  });
}

export type LabelRequirement =
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: '=' | '!=' | 'in' | 'notin'; values: string[] };

/** k8s `labels.Parse` for the common forms: `=`, `==`, `!=`, `in`, `notin`, `key`, `!key`. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTerms(selector).map((term): LabelRequirement => {
    let m = /^!\s*([^\s=!(),]+)$/.exec(term);
    if (m) return { key: m[1], op: '!' };
    m = /^([^\s=!(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      return { key: m[1], op: m[2] as 'in' | 'notin', values };
    }
    m = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(term);
    if (m) return { key: m[1], op: m[2] === '!=' ? '!=' : '=', values: [m[3]] };
    m = /^([^\s=!(),]+)$/.exec(term);
    if (m) return { key: m[1], op: 'exists' };
    throw new SelectorError(messages.invalidLabelSelector(term));
  });
}

export function matchesLabels(requirements: readonly LabelRequirement[], obj: Obj): boolean {
  if (requirements.length === 0) return true;
  const labels = (((obj.metadata ?? {}) as Obj).labels ?? {}) as Record<string, string>;
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
      case 'in':
        return has && r.values.includes(value);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value);
    }
  });
}
