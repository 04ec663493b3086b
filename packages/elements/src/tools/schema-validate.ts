import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import {
  MAX_JSON_DEPTH,
  exceedsDepth,
  schemaHazard,
  type SchemaHazard,
} from '@realstream/protocol';
import { asSchema, pointer, resolve, type JsonSchema } from './schema-model.js';
import type { SchemaFormStrings } from './schema-strings.js';

/** One problem, at a JSON Pointer fragment (`#/items/0/name`) into the arguments. */
export interface FieldError {
  pointer: string;
  message: string;
}

// Errors that only say "something below failed"; the specific error below is reported instead.
const WRAPPERS = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  '$ref',
  '$recursiveRef',
  '$dynamicRef',
  'allOf',
  'if',
  'then',
  'else',
  'dependentSchemas',
]);

const validators = new WeakMap<JsonSchema, Validator>();
const hazards = new WeakMap<JsonSchema, SchemaHazard | null>();

/** Arguments sit one level inside the `tool.invoke` frame, whose depth the room bounds. */
export const MAX_ARGS_DEPTH = MAX_JSON_DEPTH - 1;

/**
 * Whether the validator may be compiled for `schema` at all: the same check the server runs on
 * schemas browsers register (a pattern that backtracks exponentially would freeze this tab on
 * the next keystroke). Deployment schemas are trusted, but a wrong one must not freeze a viewer.
 */
function hazardOf(schema: JsonSchema): SchemaHazard | null {
  let h = hazards.get(schema);
  if (h === undefined) hazards.set(schema, (h = schemaHazard(schema)));
  return h;
}

/** The field a schema location is under: `#/properties/a/properties/b/pattern` is field `#/a/b`. */
function fieldOf(at: string): string {
  const segs = at.split('/').slice(1);
  const path: string[] = [];
  for (let i = 0; i + 1 < segs.length && segs[i] === 'properties'; i += 2) {
    path.push(segs[i + 1].replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return pointer(path);
}

/** A JSON string token; raw control characters are not allowed inside one, hence the range. */
// eslint-disable-next-line no-control-regex
const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/;

/**
 * Validates with @cfworker/json-schema, draft 2020-12, all errors (no short circuit): the same
 * library and draft as the server, so the form never accepts what the server would refuse. A
 * schema the safety check refuses is never compiled: its one error, at the field the problem is
 * under, keeps the form from submitting; a value nested deeper than a call may be is refused
 * before the validator recurses into it.
 */
export function validateValue(
  schema: JsonSchema,
  value: unknown,
  strings: SchemaFormStrings,
): FieldError[] {
  const hazard = hazardOf(schema);
  if (hazard) {
    const problem = `${hazard.at}: ${hazard.problem}`;
    return [{ pointer: fieldOf(hazard.at), message: strings.unsafeSchema(problem) }];
  }
  if (exceedsDepth(value, MAX_ARGS_DEPTH)) {
    return [{ pointer: '#', message: strings.tooDeep(MAX_ARGS_DEPTH) }];
  }
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = new Validator(schema as Schema, '2020-12', false)));
  const out: FieldError[] = [];
  const seen = new Set<string>();
  let units: OutputUnit[];
  try {
    units = v.validate(value).errors;
  } catch (err) {
    // A schema the validator cannot use (an unresolvable remote $ref) must not break the form;
    // the server would refuse the call too, so say so instead of submitting.
    return [{ pointer: '#', message: (err as Error).message.split('\n')[0] }];
  }
  const drop = branchNoise(units);
  for (const u of units) {
    if (WRAPPERS.has(u.keyword) || drop.has(u)) continue;
    const e = toFieldError(u, strings, schema);
    if (seen.has(e.pointer)) continue;
    seen.add(e.pointer);
    out.push(e);
  }
  return out;
}

const num = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
const str = (text: string, re: RegExp) => re.exec(text)?.[1] ?? '';

/**
 * Inside oneOf/anyOf every losing branch reports errors. When exactly one branch has the value's
 * shape (right type, right tag), its errors are the useful ones ("too short"
 * rather than "matches no shape"); otherwise only the branch keyword's own error is kept.
 */
function branchNoise(units: OutputUnit[]): Set<OutputUnit> {
  const drop = new Set<OutputUnit>();
  for (const b of units.filter((u) => u.keyword === 'anyOf' || u.keyword === 'oneOf')) {
    const prefix = b.keywordLocation + '/';
    const inside = units.filter((u) => u.keywordLocation.startsWith(prefix));
    const byBranch = new Map<string, OutputUnit[]>();
    for (const u of inside) {
      const idx = u.keywordLocation.slice(prefix.length).split('/')[0];
      byBranch.set(idx, [...(byBranch.get(idx) ?? []), u]);
    }
    // A wrong type, or a wrong tag (a const property like `kind: 'email'`), rules a branch out.
    const child = (loc: string) =>
      loc.startsWith(b.instanceLocation + '/') &&
      !loc.slice(b.instanceLocation.length + 1).includes('/');
    const shaped = [...byBranch.values()].filter(
      (list) =>
        !list.some(
          (u) =>
            (['type', 'const', 'enum'].includes(u.keyword) &&
              u.instanceLocation === b.instanceLocation) ||
            (u.keyword === 'const' && child(u.instanceLocation)),
        ),
    );
    if (shaped.length === 1) {
      drop.add(b);
      for (const u of inside) if (!shaped[0].includes(u)) drop.add(u);
    } else for (const u of inside) drop.add(u);
  }
  return drop;
}

/** The value of the failing keyword, following `$ref` hops in the keyword location. */
function keywordValue(root: JsonSchema, keywordLocation: string): unknown {
  const segs = keywordLocation.split('/').slice(1);
  let cur: unknown = root;
  for (const [i, raw] of segs.entries()) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (seg === '$ref') cur = resolve(root, cur);
    else if (i === segs.length - 1) return asSchema(cur)[seg];
    else cur = (cur as Record<string, unknown> | undefined)?.[seg];
  }
  return undefined;
}

/** Turns the validator's sentence into a short one, located at the field it is about. */
export function toFieldError(u: OutputUnit, s: SchemaFormStrings, root: JsonSchema): FieldError {
  const at = (message: string, pointer = u.instanceLocation) => ({ pointer, message });
  const e = u.error;
  switch (u.keyword) {
    case 'required': {
      // Reported on the object; the person needs it on the missing field.
      const key = str(e, /property "(.*)"\.$/);
      const enc = encodeURI(key.replace(/~/g, '~0').replace(/\//g, '~1')).replace(/#/g, '%23');
      return at(s.requiredError, `${u.instanceLocation}/${enc}`);
    }
    case 'type':
      return at(s.typeError(str(e, /Expected "([^"]*)/)));
    case 'minLength':
      return at(s.tooShort(num(e, /< (\d+)\)/)));
    case 'maxLength':
      return at(s.tooLong(num(e, /> (\d+)\)/)));
    case 'pattern':
      return at(s.pattern(String(keywordValue(root, u.keywordLocation) ?? '')));
    case 'format':
      return at(s.format(str(e, /format "(.*)"/)));
    case 'minimum':
      return e.includes('or equal')
        ? at(s.exclusiveMin(str(e, / ([-\d.e+]+)\.$/)))
        : at(s.min(str(e, / ([-\d.e+]+)\.$/)));
    case 'maximum':
      return e.includes('or equal')
        ? at(s.exclusiveMax(str(e, / ([-\d.e+]+)\.$/)))
        : at(s.max(str(e, / ([-\d.e+]+)\.$/)));
    case 'exclusiveMinimum':
      return at(s.exclusiveMin(str(e, / ([-\d.e+]+)\.$/)));
    case 'exclusiveMaximum':
      return at(s.exclusiveMax(str(e, / ([-\d.e+]+)\.$/)));
    case 'multipleOf':
      return at(s.multipleOf(str(e, /multiple of ([-\d.e+]+)\.$/)));
    case 'minItems':
      return at(s.minItems(num(e, /< (\d+)\)/)));
    case 'maxItems':
      return at(s.maxItems(num(e, /> (\d+)\)/)));
    case 'uniqueItems':
      return at(s.uniqueItems);
    case 'enum':
    case 'const':
      return at(s.choice);
    case 'anyOf':
    case 'oneOf':
      return at(s.variant);
    case 'false':
      return at(s.notAllowed);
    default:
      return at(e);
  }
}

/**
 * Where JSON text stops being JSON: the offset of the first character no JSON document can have
 * there, or the length when it ends early. V8's messages do not always say where, and a person
 * fixing the text needs the line and column.
 */
export function jsonErrorAt(text: string): number {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const lit = (re: RegExp) => {
    const m = re.exec(text.slice(i));
    if (!m) throw i;
    i += m[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') throw i;
        lit(JSON_STRING);
        ws();
        if (text[i++] !== ':') throw i - 1;
        value();
        ws();
        const d = text[i++];
        if (d === '}') return;
        if (d !== ',') throw i - 1;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        const d = text[i++];
        if (d === ']') return;
        if (d !== ',') throw i - 1;
      }
    }
    if (c === '"') return lit(JSON_STRING);
    if (c === '-' || /\d/.test(c ?? '')) return lit(/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/);
    lit(/^(?:true|false|null)\b/);
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}

export function parseJson(
  text: string,
  s: SchemaFormStrings,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    // JSON.parse does not recurse; what reads the value after it (the validator, the form) does.
    const value: unknown = JSON.parse(text);
    if (exceedsDepth(value, MAX_ARGS_DEPTH))
      return { ok: false, message: s.tooDeep(MAX_ARGS_DEPTH) };
    return { ok: true, value };
  } catch {
    const at = Math.max(0, jsonErrorAt(text));
    const before = text.slice(0, at).split('\n');
    const found = at < text.length ? JSON.stringify(text[at]) : '';
    return { ok: false, message: s.jsonSyntax(before.length, before.at(-1)!.length + 1, found) };
  }
}
