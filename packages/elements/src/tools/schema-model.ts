/**
 * The pure half of the schema form: how a JSON Schema (2020-12) maps to fields, and how field
 * edits become the arguments object. No DOM, no Lit, so tests and other consoles can reuse it.
 */

/** A JSON Schema document; the same shape as `JsonSchema` in @realstream/protocol. */
export type JsonSchema = Record<string, unknown>;
/** Where a field sits in the value: property names and array indexes. */
export type Path = readonly (string | number)[];

export type FieldKind =
  | 'string'
  | 'text'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'const'
  | 'array'
  | 'object'
  | 'variants'
  | 'json';

export interface FieldModel {
  kind: FieldKind;
  /** The schema with `$ref` resolved. */
  schema: JsonSchema;
  /** The type without `null`, when there is exactly one. */
  type?: string;
  /** `type: [x, 'null']`, `anyOf: [x, {type: 'null'}]` or `null` among the enum values. */
  nullable: boolean;
  /** Enum values (null excluded: an empty choice stands for it). */
  options?: unknown[];
  /** Option labels, from `oneOf: [{const, title}, ...]`. */
  labels?: string[];
  /** oneOf / anyOf branches, resolved. */
  variants?: JsonSchema[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const asSchema = (v: unknown): JsonSchema => (isObject(v) ? v : {});

/** JSON Pointer decoding of one `#/a/b` segment (RFC 6901 plus URI fragment escapes). */
const unescape = (s: string) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * Follows local `$ref`s (`#/$defs/x`, any `#/...` pointer). In 2020-12 keywords next to `$ref`
 * apply too, so they are merged over the target; `title` and `description` at the use site win.
 * A cycle or a remote ref stops the walk and leaves what was found so far.
 */
export function resolve(root: JsonSchema, schema: unknown, depth = 0): JsonSchema {
  const s = asSchema(schema);
  const ref = s.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#') || depth > 32) return s;
  let target: unknown = root;
  for (const seg of ref.slice(1).split('/').slice(1)) {
    target = isObject(target) ? target[unescape(seg)] : undefined;
  }
  if (!isObject(target)) return s;
  const { $ref: _ignored, ...rest } = s;
  return { ...resolve(root, target, depth + 1), ...rest };
}

const typesOf = (s: JsonSchema): string[] => {
  if (Array.isArray(s.type)) return s.type.filter((t): t is string => typeof t === 'string');
  if (typeof s.type === 'string') return [s.type];
  if (isObject(s.properties)) return ['object'];
  if (s.items !== undefined) return ['array'];
  return [];
};

const isNullSchema = (s: JsonSchema) => s.type === 'null' || (s.const === null && !s.type);

/** Classifies a schema into the control that edits it. */
export function describe(root: JsonSchema, raw: unknown): FieldModel {
  const schema = resolve(root, raw);
  const types = typesOf(schema);
  const nullable = types.includes('null');
  const model = (kind: FieldKind, extra: Partial<FieldModel> = {}): FieldModel => ({
    kind,
    schema,
    nullable,
    ...extra,
  });
  if ('const' in schema) return model('const');
  if (Array.isArray(schema.enum)) {
    const options = schema.enum.filter((v) => v !== null);
    return model('enum', { options, nullable: nullable || options.length < schema.enum.length });
  }
  const branches = Array.isArray(schema.oneOf) ? schema.oneOf : schema.anyOf;
  if (Array.isArray(branches)) {
    const variants = branches.map((b) => resolve(root, b));
    const rest = variants.filter((v) => !isNullSchema(v));
    const { oneOf: _o, anyOf: _a, ...outer } = schema;
    // `anyOf: [X, {type: 'null'}]` is how generators spell "nullable X": edit X, allow null.
    if (rest.length === 1 && variants.length === 2) {
      return { ...describe(root, { ...rest[0], ...outer }), nullable: true };
    }
    // `oneOf` of titled consts is an enum with labels.
    if (rest.length > 0 && rest.every((v) => 'const' in v)) {
      const labels = rest.map((v) => (typeof v.title === 'string' ? v.title : String(v.const)));
      const options = rest.map((v) => v.const);
      return model('enum', { options, labels, nullable: rest.length < variants.length });
    }
    const simple = rest.every((v) => !['json', 'variants'].includes(describe(root, v).kind));
    return simple && rest.length > 0
      ? model('variants', { variants: rest, nullable: rest.length < variants.length })
      : model('json');
  }
  const real = types.filter((t) => t !== 'null');
  if (real.length !== 1) return model('json');
  const type = real[0];
  switch (type) {
    case 'string': {
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
      const long = schema.format === 'textarea' || (max ?? 0) > 200 || !!schema['x-multiline'];
      return model(long ? 'text' : 'string', { type });
    }
    case 'number':
    case 'integer':
    case 'boolean':
      return model(type, { type });
    case 'array':
      // Tuples (prefixItems) have no list editor: edit them as JSON.
      return Array.isArray(schema.items) || schema.prefixItems !== undefined
        ? model('json', { type })
        : model('array', { type });
    case 'object':
      // A free-form map (no properties) has no fixed fields to show: edit it as JSON.
      return isObject(schema.properties) ? model('object', { type }) : model('json', { type });
    default:
      return model('json', { type });
  }
}

export const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export const requiredOf = (schema: JsonSchema): string[] =>
  Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === 'string') : [];

/**
 * The value a field starts with: its `default` or `const`; a required object, array or boolean
 * starts built (so the user sees minItems rows and an unchecked box means false); anything else
 * starts absent so an untouched optional field is not sent.
 */
export function initial(root: JsonSchema, raw: unknown, required: boolean): unknown {
  const m = describe(root, raw);
  const s = m.schema;
  if ('default' in s) return clone(s.default);
  if (m.kind === 'const') return clone(s.const);
  if (m.kind === 'object') {
    const req = requiredOf(s);
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(asSchema(s.properties))) {
      const v = initial(root, sub, req.includes(key));
      if (v !== undefined) out[key] = v;
    }
    return required || Object.keys(out).length > 0 ? out : undefined;
  }
  if (m.kind === 'array' && required) {
    const min = typeof s.minItems === 'number' ? s.minItems : 0;
    return Array.from({ length: min }, () => itemInitial(root, s.items));
  }
  if (m.kind === 'boolean' && required) return false;
  if (m.nullable && required) return null;
  return undefined;
}

/** A new array row: built like a required field, so an object row shows its fields. */
export function itemInitial(root: JsonSchema, items: unknown): unknown {
  const m = describe(root, items);
  const v = initial(root, items, true);
  if (v !== undefined) return v;
  return m.kind === 'string' || m.kind === 'text' ? '' : null;
}

export function getAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const seg of path) v = isObject(v) || Array.isArray(v) ? (v as never)[seg] : undefined;
  return v;
}

/**
 * An immutable update; `undefined` deletes an object key, so an emptied optional field is omitted
 * rather than sent as "". Missing parents are created as objects or arrays by the next segment.
 */
export function setAt(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const arr = Array.isArray(value) ? [...value] : [];
    arr[head] = setAt(arr[head], rest, next);
    return arr;
  }
  const obj: Record<string, unknown> = isObject(value) ? { ...value } : {};
  const child = setAt(obj[head], rest, next);
  if (child === undefined) delete obj[head];
  else obj[head] = child;
  return obj;
}

/** The same JSON Pointer fragment the validator reports in `instanceLocation`. */
export function pointer(path: Path): string {
  const enc = (s: string) =>
    encodeURI(s.replace(/~/g, '~0').replace(/\//g, '~1')).replace(/#/g, '%23');
  return '#' + path.map((seg) => '/' + enc(String(seg))).join('');
}

/** A DOM id for a field that survives any property name. */
export function fieldId(path: Path): string {
  return (
    'f' +
    path
      .map((seg) => '-' + String(seg).replace(/[^a-zA-Z0-9_]/g, (c) => `.${c.codePointAt(0)}.`))
      .join('')
  );
}

/**
 * What is sent: optional nested objects left empty or as their defaults are dropped (a user who
 * never filled an optional group did not mean it with its required fields missing), array holes
 * become null so the validator flags them at their index.
 */
export function clean(root: JsonSchema, raw: unknown, value: unknown): unknown {
  const m = describe(root, raw);
  if (Array.isArray(value)) {
    return value.map((v) => (v === undefined ? null : clean(root, m.schema.items, v)));
  }
  if (!isObject(value)) return value;
  const props = m.kind === 'object' ? asSchema(m.schema.properties) : {};
  const req = requiredOf(m.schema);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const c = key in props ? clean(root, props[key], v) : v;
    if (!req.includes(key) && isObject(c) && describe(root, props[key]).kind === 'object') {
      const untouched = JSON.stringify(c) === JSON.stringify(initial(root, props[key], true));
      if (Object.keys(c).length === 0 || untouched) continue;
    }
    out[key] = c;
  }
  return out;
}

/** Input type, inputmode and placeholder for a string `format`. */
export function formatHints(format: unknown): {
  type: string;
  inputmode?: string;
  placeholder?: string;
} {
  switch (format) {
    case 'date':
      return { type: 'date' };
    // Native time and datetime-local inputs cannot carry the offset that JSON Schema's `time`
    // and `date-time` require (RFC 3339), so these are typed, with an example.
    case 'time':
      return { type: 'text', placeholder: '09:30:00Z' };
    case 'date-time':
      return { type: 'text', placeholder: '2026-01-31T09:30:00Z' };
    case 'email':
      return { type: 'email', inputmode: 'email', placeholder: 'name@example.com' };
    case 'uri':
    case 'url':
      return { type: 'url', inputmode: 'url', placeholder: 'https://' };
    default:
      return { type: 'text' };
  }
}

/** Which oneOf/anyOf branch a value belongs to, by its JSON type; the first when unknown. */
export function variantIndex(root: JsonSchema, variants: JsonSchema[], value: unknown): number {
  const typeOf = (v: unknown) =>
    Array.isArray(v)
      ? 'array'
      : v === null
        ? 'null'
        : typeof v === 'number' && Number.isInteger(v)
          ? 'integer'
          : typeof v;
  const t = typeOf(value);
  const i = variants.findIndex((v) => {
    const m = describe(root, v);
    if (m.kind === 'const') return JSON.stringify(m.schema.const) === JSON.stringify(value);
    if (m.kind === 'object' && t === 'object') {
      // Tagged unions: a `const` property (`kind: 'email'`) tells the branches apart.
      return Object.entries(asSchema(m.schema.properties)).every(([k, p]) => {
        const r = resolve(root, p);
        return !('const' in r) || JSON.stringify(r.const) === JSON.stringify(getAt(value, [k]));
      });
    }
    if (m.kind === 'enum')
      return m.options!.some((o) => JSON.stringify(o) === JSON.stringify(value));
    return m.type === t || (m.type === 'number' && t === 'integer');
  });
  return Math.max(0, i);
}
