/**
 * How much work one value can cost @cfworker/json-schema under a schema, from the shape of the
 * schema alone: `$ref` cycles that never step into the value recurse forever (a RangeError on
 * any input), and in-place applicators multiply (`anyOf` of two `$ref`s to the same recursive
 * schema visits a 25-deep value 2^25 times). `$ref`s are resolved as that library resolves them
 * (its base URI, `$id`, `$anchor`, JSON pointers), so an edge it follows is an edge counted here.
 */
import { MAX_JSON_DEPTH } from './json-depth.js';

/** Validator evaluations one value (at any depth) may cost: more is a fan-out, not a schema. */
export const MAX_SCHEMA_FANOUT = 128;
/** Nested validator calls the deepest value may need; cfworker's stack ends near 550. */
export const MAX_SCHEMA_CHAIN = 200;

// The keyword tables of @cfworker/json-schema 4's dereference().
const IGNORED = new Set([
  'id',
  '$id',
  '$ref',
  '$schema',
  '$anchor',
  '$vocabulary',
  '$comment',
  'default',
  'enum',
  'const',
  'required',
  'dependentRequired',
  'type',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'multipleOf',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
]);
const ARRAY_KEYWORDS = new Set(['prefixItems', 'items', 'allOf', 'anyOf', 'oneOf']);
const MAP_KEYWORDS = new Set([
  '$defs',
  'definitions',
  'properties',
  'patternProperties',
  'dependentSchemas',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isSchema = (v: unknown): v is Json | boolean => isObject(v) || typeof v === 'boolean';

// The base URI the library resolves against: the page in a browser, a fixed URL elsewhere; read
// once at load, as the library does.
const INITIAL_BASE = /* @__PURE__ */ initialBase();
function initialBase(): URL {
  const loc = (globalThis as { location?: { origin: string; pathname: string; search: string } })
    .location;
  return loc && loc.origin !== 'null'
    ? new URL(loc.origin + loc.pathname + loc.search)
    : new URL('https://github.com/cfworker');
}

const encodePointer = (p: string) =>
  encodeURI(p.replace(/~/g, '~0').replace(/\//g, '~1')).replace(/#/g, '%23');

function normaliseFragment(fragment: string): string {
  let out = '';
  for (let i = 0; i < fragment.length;) {
    const enc = fragment.slice(i, i + 3);
    if (fragment[i] === '%' && /^%[0-9A-Fa-f]{2}$/.test(enc)) {
      const dec = String.fromCharCode(parseInt(enc.slice(1), 16));
      out += /^[A-Za-z0-9._~-]$/.test(dec) ? dec : enc.toUpperCase();
      i += 3;
      continue;
    }
    const cp = String.fromCodePoint(fragment.codePointAt(i)!);
    out += /^[A-Za-z0-9._~!$&'()*+,;=:@/?-]$/.test(cp) ? cp : encodeURIComponent(cp);
    i += cp.length;
  }
  return out;
}

function resolveURI(ref: unknown, base: URL): URL {
  const url = new URL(String(ref), base.href);
  url.hash = url.hash ? normaliseFragment(url.hash.slice(1)) : '';
  return url;
}

interface Lookup {
  byUri: Map<string, unknown>;
  /** Each schema's `$ref`, resolved against the base in force where it was first met. */
  refOf: Map<Json, string>;
  pointerOf: Map<unknown, string>;
}

/** The library's dereference(), step for step (the caller has bounded depth and `$id`s). */
function dereference(schema: unknown, lk: Lookup, base: URL, pointer: string, outer = true): void {
  if (isObject(schema)) {
    const id = schema.$id || schema.id;
    if (id) {
      const url = resolveURI(id, base);
      if (url.hash.length > 1) lk.byUri.set(url.href, schema);
      else {
        url.hash = '';
        if (pointer === '') base = url;
        else dereference(schema, lk, base, '', false);
      }
    }
  } else if (schema !== true && schema !== false) return;
  const uri = base.href + (pointer ? '#' + pointer : '');
  if (!lk.byUri.has(uri)) lk.byUri.set(uri, schema);
  // Messages name the pointer from the document's root, not from a nested `$id`.
  if (outer) lk.pointerOf.set(schema, '#' + pointer);
  if (!isObject(schema)) return;
  if (schema.$ref && !lk.refOf.has(schema))
    lk.refOf.set(schema, resolveURI(schema.$ref, base).href);
  if (schema.$anchor) lk.byUri.set(resolveURI('#' + String(schema.$anchor), base).href, schema);
  for (const key in schema) {
    if (IGNORED.has(key)) continue;
    const at = `${pointer}/${encodePointer(key)}`;
    const sub = schema[key];
    if (Array.isArray(sub)) {
      if (ARRAY_KEYWORDS.has(key))
        sub.forEach((s, i) => dereference(s, lk, base, `${at}/${i}`, outer));
    } else if (MAP_KEYWORDS.has(key) && isObject(sub)) {
      for (const k in sub) dereference(sub[k], lk, base, `${at}/${encodePointer(k)}`, outer);
    } else dereference(sub, lk, base, at, outer);
  }
}

interface Edges {
  /** Evaluated at the same value: $ref, allOf/anyOf/oneOf, not, if/then/else, dependentSchemas. */
  here: number[];
  /** At one property's value: one of `properties` (the largest counts), plus all of `also`. */
  props: number[];
  propsAlso: number[];
  /** At one item: one of prefixItems / tuple items, plus all of items, contains... */
  items: number[];
  itemsAlso: number[];
}

/** Null when the schema's evaluation is bounded as above, else the pointer and the problem. */
export function refHazard(root: unknown): { at: string; problem: string } | null {
  const lk: Lookup = { byUri: new Map(), refOf: new Map(), pointerOf: new Map() };
  try {
    dereference(root, lk, INITIAL_BASE, '');
  } catch {
    return { at: '#', problem: 'has an $id or $ref that is not a valid URI' };
  }
  const ids = new Map<unknown, number>();
  const nodes: unknown[] = [];
  const edges: Edges[] = [];
  const id = (s: unknown) => {
    let i = ids.get(s);
    if (i === undefined) {
      i = nodes.length;
      ids.set(s, i);
      nodes.push(s);
    }
    return i;
  };
  id(root);
  for (let n = 0; n < nodes.length; n++) {
    const s = nodes[n];
    const e: Edges = { here: [], props: [], propsAlso: [], items: [], itemsAlso: [] };
    edges.push(e);
    if (!isObject(s)) continue;
    const one = (list: number[], v: unknown) => isSchema(v) && list.push(id(v));
    const all = (list: number[], v: unknown) => Array.isArray(v) && v.forEach((x) => one(list, x));
    const values = (list: number[], v: unknown) =>
      isObject(v) && Object.values(v).forEach((x) => one(list, x));
    const ref = lk.refOf.get(s);
    // An unresolvable $ref makes the library throw when it gets there: no work beyond.
    if (ref !== undefined && lk.byUri.has(ref)) one(e.here, lk.byUri.get(ref));
    for (const k of ['allOf', 'anyOf', 'oneOf']) all(e.here, s[k]);
    for (const k of ['not', 'if', 'then', 'else']) one(e.here, s[k]);
    values(e.here, s.dependentSchemas);
    values(e.here, s.dependencies); // arrays in it are property lists, not schemas
    values(e.props, s.properties);
    values(e.propsAlso, s.patternProperties);
    for (const k of ['additionalProperties', 'unevaluatedProperties', 'propertyNames']) {
      one(e.propsAlso, s[k]);
    }
    all(e.items, s.prefixItems);
    if (Array.isArray(s.items)) all(e.items, s.items);
    else one(e.itemsAlso, s.items);
    for (const k of ['additionalItems', 'unevaluatedItems', 'contains']) one(e.itemsAlso, s[k]);
  }
  const order = inPlaceOrder(edges);
  if (typeof order === 'number') {
    return {
      at: lk.pointerOf.get(nodes[order]) ?? '#',
      problem:
        'has a $ref cycle that never steps into the value, so validating anything recurses forever',
    };
  }
  const sat = (x: number) => Math.min(x, 1e9);
  const sum = (list: number[], of: number[]) => list.reduce((t, x) => t + of[x], 0);
  let visits = nodes.map(() => 0);
  let chain = nodes.map(() => 0);
  let fanout = 0;
  for (let depth = 0; depth <= MAX_JSON_DEPTH; depth++) {
    // Evaluations of one value at this depth below each node, split by the parent's kind: the
    // parent is an object or an array, so in-place branches add up within one side only.
    const asObject = nodes.map(() => 0);
    const asArray = nodes.map(() => 0);
    const v = nodes.map(() => 0);
    const c = nodes.map(() => 0);
    for (const n of order) {
      const e = edges[n];
      let deeper = 0;
      if (depth === 0) v[n] = sat(1 + sum(e.here, v));
      else {
        const largest = (list: number[]) => list.reduce((m, x) => Math.max(m, visits[x]), 0);
        asObject[n] = sat(largest(e.props) + sum(e.propsAlso, visits) + sum(e.here, asObject));
        asArray[n] = sat(largest(e.items) + sum(e.itemsAlso, visits) + sum(e.here, asArray));
        v[n] = Math.max(asObject[n], asArray[n]);
        for (const x of [...e.props, ...e.propsAlso, ...e.items, ...e.itemsAlso]) {
          deeper = Math.max(deeper, chain[x]);
        }
      }
      c[n] = 1 + Math.max(deeper, ...e.here.map((x) => c[x]));
    }
    [visits, chain] = [v, c];
    fanout = Math.max(fanout, visits[0]);
    if (fanout > MAX_SCHEMA_FANOUT) {
      return {
        at: '#',
        problem: `can make the validator evaluate one value more than ${MAX_SCHEMA_FANOUT} times (anyOf, oneOf, allOf or $ref fanning out)`,
      };
    }
  }
  if (chain[0] > MAX_SCHEMA_CHAIN) {
    return {
      at: '#',
      problem: `can make the validator recurse more than ${MAX_SCHEMA_CHAIN} calls deep`,
    };
  }
  return null;
}

/**
 * The nodes in an order where every in-place target comes before its source, or the index of a
 * node on an in-place cycle. Iterative: a chain of 2,000 `$ref`s must not overflow us either.
 */
function inPlaceOrder(edges: Edges[]): number[] | number {
  const state = edges.map(() => 0); // 0 new, 1 on the path, 2 done
  const order: number[] = [];
  for (let start = 0; start < edges.length; start++) {
    if (state[start]) continue;
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [n, i] = top;
      if (i < edges[n].here.length) {
        top[1]++;
        const m = edges[n].here[i];
        if (state[m] === 1) return m;
        if (state[m] === 0) {
          state[m] = 1;
          stack.push([m, 0]);
        }
      } else {
        state[n] = 2;
        order.push(n);
        stack.pop();
      }
    }
  }
  return order;
}
