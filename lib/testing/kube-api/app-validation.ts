/**
 * The API server's validation for the kinds an app's manifests hold (Deployment, Service, Role,
 * RoleBinding), reduced to the rules a hand-written manifest breaks most often, with the API
 * server's field paths and texts. ServiceAccounts need only ObjectMeta validation.
 */
import {
  duplicate,
  type FieldError,
  invalid,
  isDns1123Label,
  notSupported,
  required,
} from './field-error.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const stringMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(obj(v))) out[k] = str(value);
  return out;
};

// ---- apps/v1 Deployment ---------------------------------------------------------------------

function validateContainers(containers: unknown[], path: string): FieldError[] {
  if (containers.length === 0) return [required(path)];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((raw, i) => {
    const c = obj(raw);
    const name = str(c.name);
    const at = `${path}[${i}]`;
    if (!name) errors.push(required(`${at}.name`));
    else {
      for (const msg of isDns1123Label(name)) errors.push(invalid(`${at}.name`, name, msg));
      if (seen.has(name)) errors.push(duplicate(`${at}.name`, name));
      seen.add(name);
    }
    if (!str(c.image)) errors.push(required(`${at}.image`));
    list(c.ports).forEach((p, j) => {
      const port = obj(p).containerPort;
      if (typeof port !== 'number' || port < 1 || port > 65535) {
        errors.push(
          invalid(
            `${at}.ports[${j}].containerPort`,
            port ?? 0,
            'must be between 1 and 65535, inclusive',
          ),
        );
      }
    });
  });
  return errors;
}

function labelsMatch(selector: Obj, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(stringMap(selector.matchLabels))) {
    if (labels[k] !== v) return false;
  }
  for (const raw of list(selector.matchExpressions)) {
    const e = obj(raw);
    const key = str(e.key);
    const values = list(e.values).map(str);
    const has = key in labels;
    const ok =
      e.operator === 'In'
        ? has && values.includes(labels[key])
        : e.operator === 'NotIn'
          ? !has || !values.includes(labels[key])
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

export function validateDeployment(o: Obj): FieldError[] {
  const spec = obj(o.spec);
  const errors: FieldError[] = [];
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    errors.push(invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  const template = obj(spec.template);
  const templateLabels = stringMap(obj(template.metadata).labels);
  if (spec.selector === undefined || spec.selector === null) {
    errors.push(required('spec.selector'));
  } else {
    const selector = obj(spec.selector);
    if (
      Object.keys(obj(selector.matchLabels)).length === 0 &&
      list(selector.matchExpressions).length === 0
    ) {
      errors.push(invalid('spec.selector', selector, 'empty selector is invalid for deployment'));
    } else if (!labelsMatch(selector, templateLabels)) {
      errors.push(
        invalid(
          'spec.template.metadata.labels',
          templateLabels,
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  errors.push(
    ...validateContainers(list(obj(template.spec).containers), 'spec.template.spec.containers'),
  );
  return errors;
}

export function validateDeploymentUpdate(o: Obj, old: Obj): FieldError[] {
  const errors = validateDeployment(o);
  const selector = obj(o.spec).selector;
  if (JSON.stringify(selector ?? null) !== JSON.stringify(obj(old.spec).selector ?? null)) {
    errors.push(invalid('spec.selector', selector ?? null, 'field is immutable'));
  }
  return errors;
}

// ---- core/v1 Service ------------------------------------------------------------------------

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

export function validateService(o: Obj): FieldError[] {
  const spec = obj(o.spec);
  const errors: FieldError[] = [];
  const type = str(spec.type) || 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) errors.push(notSupported('spec.type', type, SERVICE_TYPES));
  const ports = list(spec.ports);
  if (ports.length === 0 && type !== 'ExternalName' && str(spec.clusterIP) !== 'None') {
    errors.push(required('spec.ports'));
  }
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const p = obj(raw);
    const at = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && !name) errors.push(required(`${at}.name`));
    if (name) {
      for (const msg of isDns1123Label(name)) errors.push(invalid(`${at}.name`, name, msg));
      if (names.has(name)) errors.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) {
      errors.push(invalid(`${at}.port`, p.port ?? 0, PORT_RANGE));
    }
    if (p.protocol !== undefined && !PROTOCOLS.includes(str(p.protocol))) {
      errors.push(notSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
    }
    const target = p.targetPort;
    if (typeof target === 'number' && (target < 1 || target > 65535)) {
      errors.push(invalid(`${at}.targetPort`, target, PORT_RANGE));
    }
  });
  return errors;
}

// ---- rbac.authorization.k8s.io/v1 Role and RoleBinding -------------------------------------

export function validateRole(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  list(o.rules).forEach((raw, i) => {
    const rule = obj(raw);
    const at = `rules[${i}]`;
    if (list(rule.verbs).length === 0) {
      errors.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    }
    if (list(rule.nonResourceURLs).length > 0) {
      errors.push(
        invalid(
          `${at}.nonResourceURLs`,
          rule.nonResourceURLs,
          'namespaced rules cannot apply to non-resource URLs',
        ),
      );
    }
    if (list(rule.apiGroups).length === 0) {
      errors.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    }
    if (list(rule.resources).length === 0) {
      errors.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
    }
  });
  return errors;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

export function validateRoleBinding(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const ref = obj(o.roleRef);
  if (str(ref.apiGroup) !== RBAC_GROUP) {
    errors.push(notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  }
  const kind = str(ref.kind);
  if (kind !== 'Role' && kind !== 'ClusterRole') {
    errors.push(notSupported('roleRef.kind', kind, ['Role', 'ClusterRole']));
  }
  if (!str(ref.name)) errors.push(required('roleRef.name'));
  list(o.subjects).forEach((raw, i) => {
    const s = obj(raw);
    const at = `subjects[${i}]`;
    if (!str(s.name)) errors.push(required(`${at}.name`));
    const subjectKind = str(s.kind);
    if (!SUBJECT_KINDS.includes(subjectKind)) {
      errors.push(notSupported(`${at}.kind`, subjectKind, SUBJECT_KINDS));
    } else if (subjectKind === 'ServiceAccount' && str(s.apiGroup) !== '') {
      errors.push(notSupported(`${at}.apiGroup`, str(s.apiGroup), ['']));
    } else if (subjectKind !== 'ServiceAccount' && str(s.apiGroup) !== RBAC_GROUP) {
      errors.push(notSupported(`${at}.apiGroup`, str(s.apiGroup), [RBAC_GROUP]));
    }
  });
  return errors;
}

export function validateRoleBindingUpdate(o: Obj, old: Obj): FieldError[] {
  const errors = validateRoleBinding(o);
  if (JSON.stringify(o.roleRef ?? null) !== JSON.stringify(old.roleRef ?? null)) {
    errors.push(invalid('roleRef', o.roleRef ?? null, 'cannot change roleRef'));
  }
  return errors;
}
