/**
 * Differential test of the generated validators against zod: for every server frame (every room
 * event inside an `event` frame too) and the REST bodies the client reads, a seeded corpus of
 * valid values built from the zod definitions, and the same values mutated (wrong types, missing
 * and extra keys, out-of-range numbers, too-long strings, wrong discriminators, nesting). The
 * generated side must accept exactly when `safeParse` succeeds, return the same value (same keys
 * in the same order), and otherwise name the path and message of zod's first issue.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as z from 'zod/mini';
import {
  ClientFrameSchema,
  ErrorBodySchema,
  EventFrameSchema,
  MessagePageSchema,
  RoomEventSchema,
  ServerFrameSchema,
} from './index.js';
import { checkErrorBody, checkMessagePage, parseServerFrame } from './validate.js';
import { generate, UnsupportedSchemaError } from '../scripts/generate-validators.js';

type Schema = { _zod: { def: Record<string, any> } };
const defOf = (s: Schema) => s._zod.def;
const checks = (s: Schema): Record<string, any>[] =>
  (defOf(s).checks ?? []).map((c: Schema) => defOf(c));

/** Valid values of `schema`, read off its zod definition (independently of the generator). */
function valid(schema: Schema): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'unknown':
      return fc.jsonValue({ maxDepth: 2 });
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...def.values);
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries));
    case 'nullable':
      return fc.option(valid(def.innerType), { nil: null, freq: 3 });
    case 'optional':
      return valid(def.innerType);
    case 'string': {
      const min = checks(schema).find((c) => c.check === 'min_length')?.minimum ?? 0;
      const max = checks(schema).find((c) => c.check === 'max_length')?.maximum ?? Infinity;
      const pattern = checks(schema).find((c) => c.format === 'regex')?.pattern as RegExp;
      if (pattern)
        return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max);
      const some = fc.string({ minLength: min, maxLength: Math.min(max, min + 12) });
      return Number.isFinite(max) ? fc.oneof(some, fc.constant('é'.repeat(max))) : some;
    }
    case 'number': {
      const min = checks(schema).find((c) => c.check === 'greater_than')?.value;
      const max = checks(schema).find((c) => c.check === 'less_than')?.value;
      const edges = [min, max].filter((v) => v !== undefined);
      if (def.format === 'safeint') {
        const lo = min ?? Number.MIN_SAFE_INTEGER;
        const hi = max ?? Number.MAX_SAFE_INTEGER;
        return fc.oneof(
          fc.integer({ min: Math.max(lo, -1000), max: Math.min(hi, 1e6) }),
          fc.constantFrom(lo, hi, ...edges),
        );
      }
      return fc.oneof(
        fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
        ...(edges.length ? [fc.constantFrom(...edges)] : []),
      );
    }
    case 'array': {
      const max = checks(schema).find((c) => c.check === 'max_length')?.maximum ?? 3;
      return fc.array(valid(def.element), { maxLength: Math.min(max, 3) });
    }
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      });
    case 'object': {
      const shape = def.shape as Record<string, Schema>;
      const model = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, valid(v)]));
      const requiredKeys = Object.keys(shape).filter((k) => defOf(shape[k]).type !== 'optional');
      return fc.record(model, { requiredKeys });
    }
    case 'union':
      return fc.oneof(...(def.options as Schema[]).map(valid));
    default:
      throw new Error(`the test has no generator for a zod ${def.type}`);
  }
}

const TYPES = [
  ...(ServerFrameSchema.def.options as Schema[]),
  ...(ClientFrameSchema.def.options as Schema[]),
  ...(RoomEventSchema.def.options as Schema[]),
].map((o) => defOf(defOf(o).shape.type).values[0] as string);

/** Values that break one rule or another wherever they land, and some that are fine in places. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -0.5,
    100.5,
    600_001,
    1e300,
    -1e300,
    2 ** 53,
    -(2 ** 53),
    Number.MAX_SAFE_INTEGER,
    '',
    'x',
    'bad id!',
    'Weather.Now',
    'a'.repeat(33),
    'a'.repeat(65),
    'a'.repeat(129),
    'a'.repeat(2001),
    'a'.repeat(8001),
    [],
    {},
    [[[[]]]],
    { a: { b: { c: [{}] } } },
    ...TYPES,
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

type Node = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every property and item of a JSON value, parents before children. */
function nodes(value: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(value))
    value.forEach((item, i) => {
      out.push({ parent: value, key: i });
      nodes(item, out);
    });
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) {
      out.push({ parent: value as Record<string, unknown>, key });
      nodes(item, out);
    }
  return out;
}

const setOwn = (o: object, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'toString', 'type', 'id', 'seq', 'text'];

type Mutation = [kind: number, at: number, value: unknown, key: number];
const mutation: fc.Arbitrary<Mutation> = fc.tuple(fc.nat(3), fc.nat(), hostile, fc.nat());

/** `value` (a fresh JSON copy) with each mutation applied where its index lands. */
function mutate(value: unknown, mutations: Mutation[]): unknown {
  let root = JSON.parse(JSON.stringify(value)) as unknown;
  for (const [kind, at, shared, key] of mutations) {
    // A copy: the hostile constants ([] and {}) are one instance each, and a later mutation that
    // writes into an inserted one would change the constant for every run after it (until one
    // holds itself, and cannot be sent at all).
    const replacement =
      shared === undefined ? shared : (JSON.parse(JSON.stringify(shared)) as unknown);
    const all = nodes(root);
    if (!all.length) {
      root = replacement;
      continue;
    }
    const { parent, key: k } = all[at % all.length];
    if (kind === 0) setOwn(parent, String(k), replacement);
    else if (kind === 1) {
      if (Array.isArray(parent)) parent.splice(Number(k), 1);
      else delete parent[k as string];
    } else if (kind === 2) {
      const objects = [root, ...all.map((n) => (n.parent as never)[n.key])].filter(
        (v): v is object => typeof v === 'object' && v !== null && !Array.isArray(v),
      );
      if (objects.length)
        setOwn(objects[at % objects.length], EXTRA_KEYS[key % EXTRA_KEYS.length], replacement);
    } else {
      // A wrong discriminator: another frame's or event's type, anywhere a `type` is.
      const typed = all.filter((n) => n.key === 'type');
      const target = typed.length ? typed[at % typed.length] : all[at % all.length];
      setOwn(target.parent, String(target.key), TYPES[key % TYPES.length]);
    }
  }
  return root;
}

/** zod's first issue, as describeIssues words it. */
function firstIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.length ? issue.path.join('.') : '(frame)'}: ${issue.message}`;
}

type Generated = { ok: true; value: unknown } | { ok: false; message: string };

/** The generated side agrees with zod on `value`; returns whether zod accepted it. */
function agree(schema: z.ZodMiniType, generated: (raw: string) => Generated, value: unknown) {
  const raw = JSON.stringify(value);
  const expected = schema.safeParse(JSON.parse(raw));
  const actual = generated(raw);
  assert.equal(actual.ok, expected.success, `${raw}\nzod: ${expected.error?.message ?? 'ok'}`);
  if (actual.ok && expected.success) {
    assert.deepStrictEqual(actual.value, expected.data, raw);
    assert.equal(JSON.stringify(actual.value), JSON.stringify(expected.data), raw);
  } else if (!actual.ok && !expected.success) {
    assert.equal(actual.message, firstIssue(expected.error), raw);
  }
  return expected.success;
}

const frame = (raw: string): Generated => parseServerFrame(raw);
const body =
  (checker: (v: unknown) => Generated) =>
  (raw: string): Generated =>
    checker(JSON.parse(raw));

/** Runs the valid and the mutated corpus of one schema and counts what zod accepted. */
function differential(
  name: string,
  arbitrary: fc.Arbitrary<unknown>,
  schema: z.ZodMiniType,
  generated: (raw: string) => Generated,
  seed: number,
) {
  it(`${name}: valid values are accepted and parsed as zod parses them`, () => {
    fc.assert(
      fc.property(arbitrary, (v) => {
        assert.ok(agree(schema, generated, v), 'the corpus must be valid');
      }),
      { seed, numRuns: 300 },
    );
  });
  it(`${name}: mutated values are refused (or accepted) exactly as zod does`, (t) => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(arbitrary, fc.array(mutation, { minLength: 1, maxLength: 3 }), (v, m) => {
        if (agree(schema, generated, mutate(v, m))) accepted++;
        else refused++;
      }),
      { seed: seed + 1, numRuns: 1000 },
    );
    t.diagnostic(`zod accepted ${accepted} and refused ${refused} of the mutants`);
    // A corpus that zod always refuses (or always takes) would prove little.
    assert.ok(refused > 500, `${name}: only ${refused} of 1000 mutants refused`);
    assert.ok(accepted > 0 || refused === 1000, `${name}: accepted ${accepted}`);
  });
}

describe('generated validators agree with zod', () => {
  let seed = 20261202;
  for (const option of ServerFrameSchema.def.options as Schema[]) {
    const type = defOf(defOf(option).shape.type).values[0];
    if (type === 'event') continue; // below, once per room event
    differential(`${type} frame`, valid(option), ServerFrameSchema, frame, (seed += 10));
  }
  for (const event of RoomEventSchema.def.options as Schema[]) {
    const type = defOf(defOf(event).shape.type).values[0];
    const arbitrary = fc.record({
      type: fc.constant('event'),
      seq: valid(defOf(EventFrameSchema).shape.seq),
      at: fc.double({ noNaN: true, noDefaultInfinity: true }),
      event: valid(event),
    });
    differential(`event ${type}`, arbitrary, ServerFrameSchema, frame, (seed += 10));
  }
  differential(
    'message page',
    valid(MessagePageSchema as Schema),
    MessagePageSchema,
    body(checkMessagePage),
    (seed += 10),
  );
  differential(
    'error body',
    valid(ErrorBodySchema as Schema),
    ErrorBodySchema,
    body(checkErrorBody),
    (seed += 10),
  );

  it('text that is not JSON is bad_json, as before', () => {
    const result = parseServerFrame('{"type":');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.code, 'bad_json');
  });
});

describe('the generator', () => {
  it('the committed validators.generated.ts is what the schemas generate', async () => {
    const committed = readFileSync(new URL('./validators.generated.ts', import.meta.url), 'utf8');
    assert.equal(
      committed,
      await generate(),
      'stale: run node --import tsx packages/protocol/scripts/generate-validators.ts',
    );
  });

  it('refuses a schema it cannot reproduce instead of skipping its checks', async () => {
    const cases = {
      email: z.string().check(z.email()),
      strict: z.strictObject({ a: z.string() }),
      refine: z.number().check(z.refine((n) => n % 2 === 0)),
      exclusive: z.number().check(z.gt(0)),
      union: z.union([z.string(), z.number()]),
      message: z.string().check(z.minLength(1, 'say something')),
    };
    for (const [name, schema] of Object.entries(cases))
      await assert.rejects(generate({ [`${name}Schema`]: schema }), UnsupportedSchemaError, name);
  });
});
