import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_PATTERN_LENGTH,
  MAX_SCHEMA_DEPTH,
  MAX_SCHEMA_NODES,
  regexProblem,
  schemaHazard,
  schemaProblem,
} from './schema-safety.js';

const withPattern = (pattern: string) => ({
  type: 'object',
  properties: { code: { type: 'string', pattern } },
});

describe('regexProblem refuses patterns that backtrack super-linearly', () => {
  const exponential: [string, RegExp][] = [
    ['^(a+)+$', /nests a repeated group inside a repetition, which can take exponential time/],
    ['(a|a)*$', /alternatives that can match the same text, which can take exponential time/],
    ['(a|aa)+$', /alternatives that can match the same text/],
    ['(.*a){12}', /nests a repeated group/],
    ['^(\\w+\\s?)*$', /nests a repeated group/],
    ['(x+x+)+y', /nests a repeated group/],
    ['^(a?){25}a{25}$', /exponential time|polynomial time/],
    ['^(a*)*b$', /nests a repeated group/],
    ['^((ab)*|a(ba)*b)*$', /exponential time/],
    // Quantifier-free groups repeated by a fixed count still multiply: 2^16 ways.
    ['^(?:a|a){16}$', /alternatives that can match the same text/],
  ];
  for (const [pattern, why] of exponential) {
    it(`refuses ${pattern}`, () => assert.match(regexProblem(pattern) ?? '', why));
  }

  const polynomial = [
    'a*a*a*a*a*b',
    '^\\d*\\.?\\d+$',
    '^[\\s\\S]*x[\\s\\S]*y$',
    // Unanchored, one repetition is enough: the matcher retries from every position, so a run of
    // n letters without an @ costs n^2 (about 14 s for 64 KiB in V8).
    '[a-z]+@',
    '\\s+$',
    '\\uD83D\\uDE00+',
  ];
  for (const pattern of polynomial) {
    it(`refuses ${pattern} (polynomial)`, () => {
      assert.match(regexProblem(pattern) ?? '', /polynomial time/);
    });
  }

  it('refuses backreferences, numbered and named', () => {
    for (const p of ['(a*)\\1', '^(?<x>a+)\\k<x>$']) {
      assert.match(regexProblem(p) ?? '', /backreference/, p);
    }
  });

  it('refuses quantifiers inside lookarounds, ahead and behind', () => {
    for (const p of ['^(?=.*a)b', '(?!a+)b', '(?<=a*)b', '(?<!a?)b']) {
      assert.match(regexProblem(p) ?? '', /quantifier inside a lookaround/, p);
    }
  });

  it(`refuses patterns longer than ${MAX_PATTERN_LENGTH} characters, and invalid ones`, () => {
    assert.match(regexProblem('a'.repeat(MAX_PATTERN_LENGTH + 1)) ?? '', /longer than 512/);
    assert.match(regexProblem('(') ?? '', /not a valid regular expression/);
    // Valid without the u flag only: JSON Schema patterns are compiled with it.
    assert.match(regexProblem('\\-') ?? '', /not a valid regular expression/);
  });

  it('refuses what it cannot explore within its budget, rather than guess', () => {
    assert.match(regexProblem('^.{0,2000}$') ?? '', /too complex to check/);
    assert.match(regexProblem('[^@]{1,64}@[^@]{1,255}') ?? '', /too complex to check/);
  });
});

describe('regexProblem accepts the patterns people write', () => {
  for (const pattern of [
    '^[a-z0-9._-]+@[a-z]+\\.[a-z]{2,}$',
    '^\\d{3}-\\d{4}$',
    '\\d{3}-\\d{4}',
    // A repeated group whose parts cannot trade characters: the space is not in the class.
    '^[A-Z]{2}[0-9]{2}( ?[0-9A-Z]{4})*$',
    "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$",
    '^[^\\r\\n]*$',
    '^\\+?[0-9 ]+$',
    '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    '^(?:[a-z0-9-]+\\.)+[a-z]{2,}$',
    '^[a-z][a-z0-9_.-]{0,63}$',
    '^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$',
    '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})$',
    '^(?<year>\\d{4})-(?<month>\\d{2})$',
    '^#?([a-f0-9]{6}|[a-f0-9]{3})$',
    '^(?:(?!--)[a-z-])+$',
    '^\\p{L}[\\p{L}\\p{N} ]*$',
    '^[\\u{1F600}-\\u{1F64F}]+$',
    '[\\]\\\\-]x',
    'abc',
    '^https?://',
  ]) {
    it(`accepts ${pattern}`, () => assert.equal(regexProblem(pattern), null));
  }
});

describe('schemaHazard', () => {
  it('names the pattern and where it is', () => {
    assert.equal(
      schemaProblem(withPattern('^(a+)+$')),
      '#/properties/code/pattern: ^(a+)+$ nests a repeated group inside a repetition, which can take exponential time',
    );
    assert.equal(schemaProblem(withPattern('^[A-Z]{3}$')), null);
  });

  it('checks patternProperties keys, escaping them in the pointer', () => {
    const h = schemaHazard({ patternProperties: { '^a/(b|b)*$': { type: 'string' } } });
    assert.equal(h?.at, '#/patternProperties/^a~1(b|b)*$');
    assert.match(h?.problem ?? '', /^\^a\/\(b\|b\)\*\$ repeats alternatives/);
  });

  it('checks patterns anywhere, since a $ref can make any object a schema', () => {
    const h = schemaHazard({ $ref: '#/x-hidden', 'x-hidden': { pattern: '(a+)+' } });
    assert.equal(h?.at, '#/x-hidden/pattern');
  });

  it('refuses a 5,000-deep schema without recursing', () => {
    let s: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 5000; i++) s = { type: 'object', properties: { a: s } };
    assert.match(
      schemaProblem(s) ?? '',
      new RegExp(`nests deeper than ${MAX_SCHEMA_DEPTH} levels`),
    );
    let ok: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 10; i++) ok = { type: 'object', properties: { a: ok } };
    assert.equal(schemaProblem(ok), null);
  });

  it('refuses a schema with 10,000 properties', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [`p${i}`, { type: 'string' }]),
    );
    assert.equal(
      schemaProblem({ type: 'object', properties }),
      `#: has more than ${MAX_SCHEMA_NODES} keywords and subschemas`,
    );
  });

  it('refuses more distinct regular expressions than it will analyse', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 80 }, (_, i) => [`p${i}`, { pattern: `^x${i}$` }]),
    );
    assert.match(schemaProblem({ properties }) ?? '', /more than 64 regular expressions/);
  });

  it('refuses $ref cycles that never step into the value', () => {
    for (const s of [
      { $ref: '#' },
      { properties: { a: { $ref: '#/properties/a' } } },
      {
        $defs: { a: { allOf: [{ $ref: '#/$defs/b' }] }, b: { not: { $ref: '#/$defs/a' } } },
        $ref: '#/$defs/a',
      },
    ]) {
      assert.match(schemaProblem(s) ?? '', /\$ref cycle that never steps into the value/);
    }
  });

  it('refuses in-place fan-out that doubles with each level of the value', () => {
    const s = { type: 'array', anyOf: [{ items: { $ref: '#' } }, { items: { $ref: '#' } }] };
    assert.match(schemaProblem(s) ?? '', /more than 128 times/);
    // Twenty $defs that each reference the next twice: 2^20 evaluations of one number.
    const $defs: Record<string, unknown> = { d20: { type: 'number' } };
    for (let i = 0; i < 20; i++)
      $defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
    assert.match(schemaProblem({ $defs, $ref: '#/$defs/d0' }) ?? '', /more than 128 times/);
  });

  it('accepts recursive schemas that step into the value once per level', () => {
    const json = {
      anyOf: [
        { type: ['string', 'number', 'boolean', 'null'] },
        { type: 'array', items: { $ref: '#' } },
        { type: 'object', additionalProperties: { $ref: '#' } },
      ],
    };
    assert.equal(schemaProblem(json), null);
    assert.equal(
      schemaProblem({
        type: 'object',
        properties: { children: { type: 'array', items: { $ref: '#' } } },
      }),
      null,
    );
  });

  it('leaves unresolvable $refs to the validator, which refuses them itself', () => {
    assert.equal(schemaProblem({ $ref: '#/$defs/missing' }), null);
    assert.equal(
      schemaProblem({ properties: { a: { $ref: 'https://example.com/x.json' } } }),
      null,
    );
  });

  it('refuses the slow url format, unbounded uniqueItems and $recursiveRef', () => {
    assert.match(schemaProblem({ format: 'url' }) ?? '', /#\/format: format "url"/);
    assert.match(schemaProblem({ uniqueItems: true }) ?? '', /#\/uniqueItems: .*maxItems/);
    assert.equal(schemaProblem({ uniqueItems: true, maxItems: 50 }), null);
    assert.match(schemaProblem({ $recursiveRef: '#' }) ?? '', /\$recursiveRef is not supported/);
  });

  it('accepts boolean and empty schemas, and ignores non-objects', () => {
    assert.equal(schemaProblem({}), null);
    assert.equal(schemaProblem(true), null);
    assert.equal(schemaProblem({ not: false, properties: { a: true } }), null);
  });
});
