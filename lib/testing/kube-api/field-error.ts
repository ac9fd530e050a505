/**
 * apimachinery's `field.Error`, rendered exactly as the API server renders it in 422 bodies
 * (`<field>: <Type>[: <value>][: <detail>]`), plus the validators the served resources need.
 */

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueDuplicate';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueDuplicate: 'Duplicate value',
};

/** Types whose rendering never shows the bad value (apimachinery `ErrorBody`). */
const VALUELESS: ReadonlySet<FieldErrorType> = new Set([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
]);

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly value: unknown,
    readonly detail: string,
  ) {}

  /** The error without its field: what a Status cause carries as `message`. */
  body(): string {
    let text = TYPE_TEXT[this.type];
    if (!VALUELESS.has(this.type)) text += `: ${renderValue(this.value)}`;
    if (this.detail) text += `: ${this.detail}`;
    return text;
  }

  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

// apimachinery >= 0.34: strings quoted like Go's %q, integers plain, anything else as JSON.
function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === undefined || value === null) return 'null';
  return JSON.stringify(value);
}

export const required = (field: string, detail = ''): FieldError =>
  new FieldError('FieldValueRequired', field, undefined, detail);
export const invalid = (field: string, value: unknown, detail: string): FieldError =>
  new FieldError('FieldValueInvalid', field, value, detail);
export const duplicate = (field: string, value: unknown): FieldError =>
  new FieldError('FieldValueDuplicate', field, value, '');
export const forbidden = (field: string, detail: string): FieldError =>
  new FieldError('FieldValueForbidden', field, undefined, detail);
export const notSupported = (field: string, value: unknown, supported: string[]): FieldError =>
  new FieldError(
    'FieldValueNotSupported',
    field,
    value,
    `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  );

/** `field.ErrorList.ToAggregate().Error()`: one error as is, several as `[a, b]`, de-duplicated. */
export function aggregate(errors: readonly FieldError[]): string {
  const texts = [...new Set(errors.map((e) => e.toString()))];
  return texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
}

// ---- apimachinery pkg/util/validation -------------------------------------------------------

const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);

// Go's RegexError, including its doubled space before " or " when there are several examples.
function regexError(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`;
  let text = `${message} (e.g. `;
  examples.forEach((example, i) => {
    if (i > 0) text += ' or ';
    text += `'${example}', `;
  });
  return `${text}regex used for validation is '${format}')`;
}

const maxLenError = (n: number): string => `must be no more than ${n} characters`;

export function isDns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errors.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return errors;
}

const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

export function isQualifiedName(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...isDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME_RE.test(name)) {
    errors.push(
      `name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return errors;
}

export function isValidLabelValue(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) {
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errors;
}

type Meta = Record<string, unknown>;

/**
 * ObjectMeta validation on create (apimachinery `ValidateObjectMeta` with `NameIsDNSSubdomain`):
 * name or generateName, name format, labels and annotation keys.
 */
export function validateObjectMetaCreate(
  meta: Meta,
  nameRule: (name: string) => string[] = isDns1123Subdomain,
): FieldError[] {
  const errors: FieldError[] = [];
  const generateName = typeof meta.generateName === 'string' ? meta.generateName : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (generateName) {
    // Validated with the prefix form: a trailing '-' is fine there.
    const prefix = generateName.endsWith('-') ? `${generateName}a` : generateName;
    for (const m of nameRule(prefix)) {
      errors.push(invalid('metadata.generateName', generateName, m));
    }
  }
  if (!name) errors.push(required('metadata.name', 'name or generateName is required'));
  else for (const m of nameRule(name)) errors.push(invalid('metadata.name', name, m));
  errors.push(...validateLabelsAndAnnotations(meta));
  return errors;
}

/** ObjectMeta validation on update: immutable fields, then the same label/annotation rules. */
export function validateObjectMetaUpdate(meta: Meta, old: Meta): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['name', 'namespace', 'uid'] as const) {
    if ((meta[key] ?? '') !== (old[key] ?? '')) {
      errors.push(invalid(`metadata.${key}`, meta[key] ?? '', 'field is immutable'));
    }
  }
  errors.push(...validateLabelsAndAnnotations(meta));
  return errors;
}

function validateLabelsAndAnnotations(meta: Meta): FieldError[] {
  const errors: FieldError[] = [];
  const labels = meta.labels;
  if (labels && typeof labels === 'object') {
    for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
      for (const m of isQualifiedName(key)) errors.push(invalid('metadata.labels', key, m));
      const text = typeof value === 'string' ? value : '';
      for (const m of isValidLabelValue(text)) errors.push(invalid('metadata.labels', text, m));
    }
  }
  const annotations = meta.annotations;
  if (annotations && typeof annotations === 'object') {
    for (const key of Object.keys(annotations as Record<string, unknown>)) {
      for (const m of isQualifiedName(key.toLowerCase())) {
        errors.push(invalid('metadata.annotations', key, m));
      }
    }
  }
  return errors;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);

export function isDns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    errors.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
        'my-name',
        '123-abc',
      ),
    );
  }
  return errors;
}

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);

/** apimachinery `IsDNS1035Label`: Service names. */
export function isDns1035Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push(maxLenError(63));
  if (!DNS1035_LABEL_RE.test(value)) {
    errors.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL_FMT,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errors;
}

const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_MAP_KEY_RE = new RegExp(`^${CONFIG_MAP_KEY_FMT}$`);

export function isConfigMapKey(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push(maxLenError(253));
  if (!CONFIG_MAP_KEY_RE.test(value)) {
    errors.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_MAP_KEY_FMT,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  }
  if (value === '.') errors.push("must not be '.'");
  else if (value === '..') errors.push("must not be '..'");
  else if (value.startsWith('..')) errors.push("must not start with '..'");
  return errors;
}

/** apimachinery `IsValidPathSegmentName`: what the storage key function refuses as a name. */
export function pathSegmentErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errors: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errors.push(`may not contain '${bad}'`);
  return errors;
}
