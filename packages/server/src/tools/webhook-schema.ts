import { Validator } from '@cfworker/json-schema';
import { schemaProblem, type JsonSchema } from '@realstream/protocol';

/**
 * The schema, or the problem with it. First whether it is safe to run at all (depth, size,
 * regular expressions that backtrack, `$ref` cycles: see the protocol's schema-safety.ts),
 * before anything here recurses into it. @cfworker/json-schema does not check a schema's own
 * shape (`{"type": 5}` builds fine and then rejects everything), so the common keywords are
 * checked next; a probe validation surfaces unresolvable `$ref`s.
 */
export function checkSchema(value: unknown): JsonSchema | string {
  if (!isObject(value)) return 'expected a JSON Schema object';
  const unsafe = schemaProblem(value);
  if (unsafe) return unsafe;
  const problem = shapeProblem(value, '#');
  if (problem) return problem;
  try {
    const validator = new Validator(value, '2020-12');
    for (const probe of [{}, null, [], '', 0]) validator.validate(probe);
  } catch (err) {
    return `does not compile: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
  return value;
}

const TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];
const ONE = [
  'additionalProperties',
  'propertyNames',
  'items',
  'contains',
  'not',
  'if',
  'then',
  'else',
];
const ONE_MORE = ['unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const NUMBER = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const COUNT = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];

function shapeProblem(schema: unknown, at: string): string | undefined {
  if (typeof schema === 'boolean') return undefined;
  if (!isObject(schema)) return `${at}: a schema must be an object or boolean`;
  const s = schema;
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  if (!types.every((t) => TYPES.includes(t as string))) return `${at}/type: unknown type`;
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every(isString))) {
    return `${at}/required: expected an array of strings`;
  }
  if (s.enum !== undefined && !Array.isArray(s.enum)) return `${at}/enum: expected an array`;
  if (s.$ref !== undefined && !isString(s.$ref)) return `${at}/$ref: expected a string`;
  for (const k of NUMBER) {
    if (s[k] !== undefined && typeof s[k] !== 'number') return `${at}/${k}: expected a number`;
  }
  for (const k of [...COUNT, 'minContains', 'maxContains']) {
    const v = s[k];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) {
      return `${at}/${k}: expected a non-negative integer`;
    }
  }
  for (const pattern of [
    s.pattern,
    ...Object.keys(isObject(s.patternProperties) ? s.patternProperties : {}),
  ]) {
    if (pattern === undefined) continue;
    try {
      new RegExp(String(pattern), 'u');
    } catch {
      return `${at}: pattern ${JSON.stringify(pattern)} is not a valid regular expression`;
    }
  }
  for (const k of [...ONE, ...ONE_MORE]) {
    const p = s[k] === undefined ? undefined : shapeProblem(s[k], `${at}/${k}`);
    if (p) return p;
  }
  for (const k of MAP) {
    if (s[k] === undefined) continue;
    if (!isObject(s[k])) return `${at}/${k}: expected an object of schemas`;
    for (const [name, sub] of Object.entries(s[k])) {
      const p = shapeProblem(sub, `${at}/${k}/${name}`);
      if (p) return p;
    }
  }
  for (const k of LIST) {
    if (s[k] === undefined) continue;
    if (!Array.isArray(s[k])) return `${at}/${k}: expected an array of schemas`;
    for (const [i, sub] of (s[k] as unknown[]).entries()) {
      const p = shapeProblem(sub, `${at}/${k}/${i}`);
      if (p) return p;
    }
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}
