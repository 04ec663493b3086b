/**
 * Whether an untrusted JSON Schema may be compiled and run by @cfworker/json-schema without one
 * value stalling the thread that validates it (a workerd room, a viewer's tab). Size in bytes is
 * bounded by the frame cap; this bounds what the bytes can make the validator do:
 *
 * - nesting depth and the number of keywords / subschemas of the schema document;
 * - every `pattern` string and every `patternProperties` key anywhere in it must match in linear
 *   time (see regex-safety.ts for the exact rule), so one string cannot cost seconds;
 * - formats whose own matcher in the library is super-linear, and `uniqueItems` (it compares
 *   every pair of items) without a small `maxItems`;
 * - `$ref` cycles that never step into the value, and fan-out of in-place applicators, with
 *   `$ref`s resolved as the library resolves them (see schema-refs.ts); `$recursiveRef`, whose
 *   handling in the library can loop, is refused.
 *
 * Checks that look at keywords look at every object in the document, not only where the library
 * would evaluate it: a `$ref` can make any object a schema, so nothing escapes by hiding.
 */
import {
  MAX_PATTERN_LENGTH,
  REGEX_CHECK_STEPS,
  REGEX_WORK_PER_CHAR,
  regexProblem,
} from './regex-safety.js';
import { MAX_SCHEMA_CHAIN, MAX_SCHEMA_FANOUT, refHazard } from './schema-refs.js';

export {
  MAX_PATTERN_LENGTH,
  REGEX_WORK_PER_CHAR,
  MAX_SCHEMA_CHAIN,
  MAX_SCHEMA_FANOUT,
  regexProblem,
};

/** JSON nesting of the schema document (`{"properties":{"a":{}}}` is 3). */
export const MAX_SCHEMA_DEPTH = 32;
/** Object members and array elements in the whole schema document. */
export const MAX_SCHEMA_NODES = 2_000;
/** Distinct regular expressions one schema may hold: each is analysed before it is accepted. */
export const MAX_SCHEMA_PATTERNS = 64;
/** What checking all of one schema's regular expressions may cost, in regex-safety.ts steps. */
export const SCHEMA_CHECK_STEPS = 4 * REGEX_CHECK_STEPS;
/** `uniqueItems` compares every pair of items, so it needs a `maxItems` of at most this. */
export const MAX_UNIQUE_ITEMS = 256;
/** Each nested `$id` makes the library walk its subtree once more. */
const MAX_IDS = 4;

/**
 * @cfworker/json-schema 4 formats whose matcher backtracks super-linearly: `url`'s regular
 * expression takes about 1.6 s on a 40 KB string of `a:` pairs.
 */
const SLOW_FORMATS = new Set(['url']);

/** Where in the schema the problem is (a JSON Pointer fragment) and what it is. */
export interface SchemaHazard {
  at: string;
  problem: string;
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const shown = (p: string) => (p.length > 80 ? `${p.slice(0, 60)}…` : p);

/**
 * Null when `schema` is safe to compile and run on untrusted values, else the first problem.
 * Never recurses on the input before its depth is known, and costs a bounded amount of work.
 */
export function schemaHazard(schema: unknown): SchemaHazard | null {
  const patterns: { at: string; source: string }[] = [];
  const found = walk(schema, patterns);
  if (found) return found;
  if (new Set(patterns.map((p) => p.source)).size > MAX_SCHEMA_PATTERNS) {
    return { at: '#', problem: `has more than ${MAX_SCHEMA_PATTERNS} regular expressions` };
  }
  const budget = { steps: SCHEMA_CHECK_STEPS };
  for (const { at, source } of patterns) {
    const problem = regexProblem(source, budget);
    if (problem) return { at, problem: `${shown(source)} ${problem}` };
  }
  return refHazard(schema);
}

/** {@link schemaHazard} as one sentence, e.g. `#/properties/code/pattern: ^(a+)+$ nests…`. */
export function schemaProblem(schema: unknown): string | null {
  const h = schemaHazard(schema);
  return h && `${h.at}: ${h.problem}`;
}

/** The iterative pass: depth, size and per-object keywords; collects the patterns to analyse. */
function walk(schema: unknown, patterns: { at: string; source: string }[]): SchemaHazard | null {
  let nodes = 0;
  let ids = 0;
  const stack: [unknown, string, number][] = [[schema, '#', 1]];
  while (stack.length) {
    const [value, at, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_SCHEMA_DEPTH) {
      return { at, problem: `nests deeper than ${MAX_SCHEMA_DEPTH} levels` };
    }
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [String(i), v])
      : Object.entries(value);
    nodes += entries.length;
    if (nodes > MAX_SCHEMA_NODES) {
      return { at: '#', problem: `has more than ${MAX_SCHEMA_NODES} keywords and subschemas` };
    }
    if (!Array.isArray(value)) {
      const found = keywordHazard(value as Record<string, unknown>, at, patterns);
      if (found) return found;
      const o = value as Record<string, unknown>;
      if (o.$id || o.id) ids++;
      if (ids > MAX_IDS) return { at, problem: `has more than ${MAX_IDS} $id keywords` };
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i];
      if (typeof v === 'object' && v !== null) stack.push([v, `${at}/${escape(k)}`, depth + 1]);
    }
  }
  return null;
}

function keywordHazard(
  s: Record<string, unknown>,
  at: string,
  patterns: { at: string; source: string }[],
): SchemaHazard | null {
  if (typeof s.pattern === 'string') patterns.push({ at: `${at}/pattern`, source: s.pattern });
  const pp = s.patternProperties;
  if (typeof pp === 'object' && pp !== null && !Array.isArray(pp)) {
    for (const key of Object.keys(pp)) {
      patterns.push({ at: `${at}/patternProperties/${escape(key)}`, source: key });
    }
  }
  if (typeof s.format === 'string' && SLOW_FORMATS.has(s.format)) {
    return {
      at: `${at}/format`,
      problem: `format "${s.format}" is matched by a regular expression that can take polynomial time; use "uri"`,
    };
  }
  if (s.uniqueItems === true) {
    const max = s.maxItems;
    if (!(typeof max === 'number' && Number.isInteger(max) && max <= MAX_UNIQUE_ITEMS)) {
      return {
        at: `${at}/uniqueItems`,
        problem: `compares every pair of items: set maxItems to at most ${MAX_UNIQUE_ITEMS} next to it`,
      };
    }
  }
  if (s.$recursiveRef !== undefined) {
    return { at: `${at}/$recursiveRef`, problem: '$recursiveRef is not supported; use $ref' };
  }
  return null;
}
