#!/usr/bin/env -S node --import tsx
// Writes packages/protocol/src/validators.generated.ts: the validators the browser runs on what the
// server sends, generated from the zod schemas (still the only place the wire format is written)
// so that a page needs no zod. It walks each schema's `_zod.def` rather than its JSON Schema: that
// keeps what JSON Schema cannot say the way zod means it (safe integers, `key in input`, regex
// messages). A kind of schema or check it does not know is an error here, never skipped: the
// generated code must accept exactly what zod accepts. `--check` fails (exit 1) on a stale file,
// and so does every run under CI: `npm run build` there must not quietly repair a stale commit.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import * as protocol from '../src/index.js';

/** What the browser validates: every server frame, and the REST bodies the client reads. */
const ROOTS = {
  ServerFrameSchema: protocol.ServerFrameSchema,
  MessagePageSchema: protocol.MessagePageSchema,
  ErrorBodySchema: protocol.ErrorBodySchema,
};

const output = fileURLToPath(new URL('../src/validators.generated.ts', import.meta.url));

interface Def {
  type: string;
  [key: string]: any;
}
type Schema = { _zod: { def: Def } };

export class UnsupportedSchemaError extends Error {
  override name = 'UnsupportedSchemaError';
}

const isSchema = (v: unknown): v is Schema =>
  typeof v === 'object' && v !== null && '_zod' in v && typeof (v as Schema)._zod?.def === 'object';

/** Each exported schema by its export name, so the generated code reads like the schemas do. */
const exported = new Map<Schema, string>();
for (const [name, value] of Object.entries(protocol))
  if (isSchema(value)) exported.set(value, name);

const checksOf = (def: Def): Def[] => (def.checks ?? []).map((c: Schema) => c._zod.def);
const lit = (v: unknown): string => (v instanceof RegExp ? String(v) : JSON.stringify(v));

function emitter(roots: Record<string, Schema>) {
  const names = new Map(exported);
  for (const [name, schema] of Object.entries(roots)) names.set(schema, name);
  const decls: string[] = [];
  const done = new Set<Schema>();
  const helpers = new Set<string>();
  /** A call of a runtime helper; `args` are code, and trailing undefined ones are left out. */
  const use = (helper: string, args: (string | undefined)[] = []): string => {
    helpers.add(helper);
    const list = [...args];
    while (list.length && list[list.length - 1] === undefined) list.pop();
    return `${helper}(${list.map((a) => a ?? 'undefined').join(', ')})`;
  };

  function unsupported(where: string, what: string): never {
    throw new UnsupportedSchemaError(`${where}: ${what} has no generated counterpart`);
  }

  /** An expression validating `schema`; named schemas become declarations of their own. */
  function expr(schema: Schema, where: string): string {
    const name = names.get(schema);
    if (name) {
      if (!done.has(schema)) {
        done.add(schema);
        const body = build(schema, name);
        decls.push(`${name in roots ? 'export ' : ''}const ${name} = ${body};`);
      }
      return name;
    }
    return build(schema, where);
  }

  function build(schema: Schema, where: string): string {
    const def = schema._zod.def;
    if (def.error) unsupported(where, 'a schema-level error message');
    if (def.coerce) unsupported(where, 'coercion');
    const checks = checksOf(def);
    switch (def.type) {
      case 'unknown':
        helpers.add('unknown');
        return 'unknown';
      case 'boolean':
        helpers.add('boolean');
        return 'boolean';
      case 'string': {
        let min: number | undefined;
        let max: number | undefined;
        let pattern: RegExp | undefined;
        let message: string | undefined;
        for (const c of checks) {
          if (pattern) unsupported(where, 'a string check after its pattern');
          if (c.error && c.check !== 'string_format') unsupported(where, `a message on ${c.check}`);
          if (c.check === 'min_length' && min === undefined) min = c.minimum;
          else if (c.check === 'max_length' && max === undefined) max = c.maximum;
          else if (c.check === 'string_format' && c.format === 'regex') {
            if (/[gy]/.test(c.pattern.flags)) unsupported(where, 'a global or sticky pattern');
            pattern = c.pattern;
            message = c.error?.({});
          } else unsupported(where, `the string check ${c.check}/${c.format ?? ''}`);
        }
        return use('string', [
          min === undefined && max === undefined && !pattern ? undefined : String(min ?? 0),
          max === undefined && !pattern ? undefined : String(max ?? 'Infinity'),
          pattern && String(pattern),
          message === undefined ? undefined : lit(message),
        ]);
      }
      case 'number': {
        if (def.format !== undefined && def.format !== 'safeint')
          unsupported(where, `the number format ${def.format}`);
        let min: number | undefined;
        let max: number | undefined;
        for (const c of checks) {
          if (c.error) unsupported(where, `a message on ${c.check}`);
          if (!c.inclusive) unsupported(where, `an exclusive ${c.check}`);
          if (c.check === 'greater_than' && min === undefined) min = c.value;
          else if (c.check === 'less_than' && max === undefined) max = c.value;
          else unsupported(where, `the number check ${c.check}`);
        }
        const int = def.format === 'safeint';
        const bounded = min !== undefined || max !== undefined;
        return use('number', [
          int || bounded ? String(int) : undefined,
          min === undefined ? (max === undefined ? undefined : '-Infinity') : String(min),
          max === undefined ? undefined : String(max),
        ]);
      }
      case 'literal':
        if (checks.length) unsupported(where, 'checks on a literal');
        return use('oneOf', (def.values as unknown[]).map(lit));
      case 'enum': {
        const values = Object.values(def.entries as Record<string, unknown>);
        if (values.some((v) => typeof v !== 'string')) unsupported(where, 'a numeric enum');
        return use('oneOf', values.map(lit));
      }
      case 'optional':
      case 'nullable': {
        const inner = def.innerType as Schema;
        if (inner._zod.def.type === 'optional') unsupported(where, `optional inside ${def.type}`);
        return use(def.type, [expr(inner, where)]);
      }
      case 'array': {
        let max: number | undefined;
        for (const c of checks) {
          if (c.error || c.check !== 'max_length' || max !== undefined)
            unsupported(where, `the array check ${c.check}`);
          max = c.maximum;
        }
        return use('array', [
          expr(def.element, `${where}[]`),
          max === undefined ? undefined : String(max),
        ]);
      }
      case 'record': {
        const key = (def.keyType as Schema)._zod.def;
        if (key.type !== 'string' || checksOf(key).length || def.mode)
          unsupported(where, 'a record whose keys are not plain strings');
        return use('record', [expr(def.valueType, `${where}{}`)]);
      }
      case 'object': {
        if (def.catchall) unsupported(where, 'an object with a catchall (strict or loose)');
        if (checks.length) unsupported(where, 'checks on an object');
        const fields = Object.entries(def.shape as Record<string, Schema>).map(([key, field]) => {
          if (key === '__proto__') unsupported(where, 'a __proto__ key');
          return `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : lit(key)}: ${expr(field, `${where}.${key}`)}`;
        });
        return use('object', [`{ ${fields.join(', ')} }`]);
      }
      case 'union': {
        const discriminator = def.discriminator as string | undefined;
        if (!discriminator || def.unionFallback)
          unsupported(where, 'a union that is not a plain discriminated union');
        const options = (def.options as Schema[]).flatMap((option) => {
          const tag = option._zod.def.shape?.[discriminator]?._zod.def;
          if (tag?.type !== 'literal')
            unsupported(where, 'an option without a literal discriminator');
          const ref = expr(option, `${where}|${tag.values.join('|')}`);
          return (tag.values as unknown[]).map((value) => `[${lit(value)}, ${ref}]`);
        });
        return use('union', [lit(discriminator), `[${options.join(', ')}]`]);
      }
      default:
        return unsupported(where, `a zod ${def.type}`);
    }
  }

  return { expr, decls, helpers };
}

/**
 * The generated module's text for `roots` (by export name), formatted as `prettier --write` would
 * leave it. Throws {@link UnsupportedSchemaError} for a schema it cannot reproduce exactly.
 */
export async function generate(roots: Record<string, unknown> = ROOTS): Promise<string> {
  for (const [name, schema] of Object.entries(roots))
    if (!isSchema(schema)) throw new TypeError(`${name} is not a zod schema`);
  const e = emitter(roots as Record<string, Schema>);
  for (const [name, schema] of Object.entries(roots)) e.expr(schema as Schema, name);
  const ts = [
    '// Generated by packages/protocol/scripts/generate-validators.ts from the zod schemas. Do not',
    '// edit: change the schemas, then run `npm run build` (or that script).',
    `import { ${[...e.helpers].sort().join(', ')} } from './validate-runtime.js';`,
    '',
    ...e.decls,
    '',
  ].join('\n');
  const options = await prettier.resolveConfig(output);
  return prettier.format(ts, { ...options, filepath: output });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ts = await generate();
  const current = existsSync(output) ? readFileSync(output, 'utf8') : '';
  if (process.argv.includes('--check') || process.env.CI) {
    if (current !== ts) {
      console.error(`${output} is stale: run node --import tsx ${process.argv[1]}`);
      process.exit(1);
    }
  } else if (current !== ts) {
    writeFileSync(output, ts);
    console.log(`validators: wrote ${output} (${(ts.length / 1024).toFixed(1)} KB)`);
  }
}
