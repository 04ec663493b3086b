import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@cfworker/json-schema';
import { ToolFailure, type ToolRunContext } from '../types.js';
import { evaluate, mathEvaluate, MAX_DEPTH } from './math.js';

/** Asserts `expr` fails with a caret under `position` and a message matching `message`. */
function fails(expr: string, position: number, message: RegExp, length?: number) {
  assert.throws(
    () => evaluate(expr),
    (err: unknown) => {
      assert.ok(err instanceof ToolFailure, `${expr}: ${String(err)}`);
      assert.equal(err.code, 'invalid_expression');
      assert.match(err.message, message, expr);
      assert.equal(err.details?.position, position, `${expr}: position`);
      if (length !== undefined) assert.equal(err.details?.length, length, `${expr}: length`);
      // The caret line points at the culprit under the echoed expression (short inputs: no window).
      if (expr.length < 30) {
        const [, echoed, caret] = err.message.split('\n');
        assert.equal(echoed, `  ${expr.replace(/\s/g, ' ')}`);
        assert.equal(caret.indexOf('^'), position + 2, `${expr}: caret`);
      }
      return true;
    },
  );
}

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≈ ${expected}`);

describe('evaluate: numbers', () => {
  it('reads integers, decimals, a leading dot, exponents and _ separators', () => {
    assert.equal(evaluate('42'), 42);
    assert.equal(evaluate('3.25'), 3.25);
    assert.equal(evaluate('.5'), 0.5);
    assert.equal(evaluate('1.5e-3'), 0.0015);
    assert.equal(evaluate('2E3'), 2000);
    assert.equal(evaluate('1e+2'), 100);
    assert.equal(evaluate('1_000_000'), 1e6);
    assert.equal(evaluate('1_000.000_5'), 1000.0005);
    assert.equal(evaluate('  7\t'), 7);
  });

  it('rejects malformed numbers where they start', () => {
    fails('1 + 2e', 4, /malformed number '2e' at position 4/, 2);
    fails('1__0', 0, /malformed number/);
    fails('10_', 0, /malformed number/);
    fails('1.2.3', 0, /malformed number '1.2.3'/, 5);
    fails('1e999', 0, /number too large/);
  });
});

describe('evaluate: operators', () => {
  it('gives * / % precedence over + -', () => {
    assert.equal(evaluate('1 + 2 * 3'), 7);
    assert.equal(evaluate('10 - 6 / 2'), 7);
    assert.equal(evaluate('2 + 7 % 4'), 5);
    assert.equal(evaluate('(1 + 2) * 3'), 9);
  });

  it('associates + - * / % to the left', () => {
    assert.equal(evaluate('10 - 3 - 2'), 5);
    assert.equal(evaluate('100 / 10 / 5'), 2);
    assert.equal(evaluate('2 * 3 % 4'), 2);
    assert.equal(evaluate('17 % 5 % 3'), 2);
  });

  it('associates ^ to the right and binds it tighter than unary minus', () => {
    assert.equal(evaluate('2^3^2'), 512);
    assert.equal(evaluate('-2^2'), -4);
    assert.equal(evaluate('(-2)^2'), 4);
    assert.equal(evaluate('2^-1'), 0.5);
    assert.equal(evaluate('2^-2^2'), 1 / 16);
    assert.equal(evaluate('2 * 3^2'), 18);
    assert.equal(evaluate('2**10'), 1024);
  });

  it('takes unary plus and minus, repeated', () => {
    assert.equal(evaluate('-3'), -3);
    assert.equal(evaluate('+3'), 3);
    assert.equal(evaluate('--3'), 3);
    assert.equal(evaluate('-+-3'), 3);
    assert.equal(evaluate('4 - -3'), 7);
    assert.equal(evaluate('2 * -3'), -6);
  });

  it('keeps % as the remainder with the sign of the dividend', () => {
    assert.equal(evaluate('-7 % 3'), -1);
    assert.equal(evaluate('7.5 % 2'), 1.5);
  });

  it('accepts typographic operators', () => {
    assert.equal(evaluate('6 × 7 − 2 ÷ 2'), 41);
  });

  it('never returns -0', () => {
    assert.ok(Object.is(evaluate('-0'), 0));
    assert.ok(Object.is(evaluate('0 * -1'), 0));
  });
});

describe('evaluate: functions and constants', () => {
  it('computes every function', () => {
    const cases: [string, number][] = [
      ['sqrt(16)', 4],
      ['cbrt(-27)', -3],
      ['abs(-2.5)', 2.5],
      ['sign(-9)', -1],
      ['sin(pi / 2)', 1],
      ['cos(0)', 1],
      ['tan(pi / 4)', 1],
      ['asin(1)', Math.PI / 2],
      ['acos(1)', 0],
      ['atan(1)', Math.PI / 4],
      ['atan2(1, 1)', Math.PI / 4],
      ['sinh(0)', 0],
      ['cosh(0)', 1],
      ['tanh(0)', 0],
      ['exp(1)', Math.E],
      ['ln(e^3)', 3],
      ['log(1000)', 3],
      ['log(8, 2)', 3],
      ['log(81, 3)', 4],
      ['log2(1024)', 10],
      ['log10(0.01)', -2],
      ['floor(-1.5)', -2],
      ['ceil(1.2)', 2],
      ['round(2.5)', 3],
      ['round(-2.5)', -3],
      ['round(2.675, 2)', 2.68],
      ['round(1234.5, -2)', 1200],
      ['trunc(-1.7)', -1],
      ['min(3, 1, 2)', 1],
      ['max(3, 1, 2)', 3],
      ['max(5)', 5],
      ['hypot(3, 4)', 5],
      ['hypot(2, 3, 6)', 7],
      ['pow(2, 10)', 1024],
      ['mod(-7, 3)', 2],
      ['mod(7, -3)', -2],
    ];
    for (const [expr, expected] of cases) close(evaluate(expr), expected);
  });

  it('knows pi, e and tau, in any case', () => {
    assert.equal(evaluate('pi'), Math.PI);
    assert.equal(evaluate('PI'), Math.PI);
    assert.equal(evaluate('e'), Math.E);
    assert.equal(evaluate('Tau'), 2 * Math.PI);
    assert.equal(evaluate('SQRT(4)'), 2);
  });

  it('nests calls and expressions as arguments', () => {
    assert.equal(evaluate('max(1, min(8, 2 + 3), sqrt(9))'), 5);
    assert.equal(evaluate('2 * (3 + sqrt(16)) ^ 2'), 98);
  });
});

describe('evaluate: errors point at the culprit', () => {
  it('empty expression', () => {
    fails('', 0, /^empty expression/);
    fails('   ', 0, /^empty expression/);
  });

  it('unexpected tokens, with what was expected', () => {
    fails('1 + 2 )', 6, /unexpected '\)' at position 6 \(no matching '\('\)/);
    fails('1 + * 2', 4, /unexpected '\*' at position 4: expected a number, a name or '\('/);
    fails('1 +', 3, /unexpected end of expression at position 3/);
    fails('()', 1, /unexpected '\)' at position 1/);
    fails('max(1,)', 6, /unexpected '\)' at position 6/);
  });

  it('trailing input', () => {
    fails('1 2', 2, /unexpected number '2' at position 2: expected an operator or the end/);
    fails('2 pi', 2, /unexpected name 'pi' at position 2/, 2);
  });

  it('unknown characters and names, with a suggestion when one is close', () => {
    fails('1 + $', 4, /unexpected character '\$' at position 4/);
    fails('sqr(4)', 0, /unknown name 'sqr' at position 0: did you mean 'sqrt'\?/, 3);
    fails('2 * Pie', 4, /unknown name 'Pie' at position 4: did you mean 'pi'\?/, 3);
    fails('1 + zzzzzz', 4, /unknown name 'zzzzzz' at position 4$/m);
    fails('constructor', 0, /unknown name 'constructor'/);
    fails('__proto__(1)', 0, /unknown name '__proto__'/);
    fails('toString(1)', 0, /unknown name 'toString'/);
  });

  it('misused functions and constants', () => {
    fails('sqrt 4', 0, /function 'sqrt' needs its arguments in parentheses/);
    fails('pi(2)', 0, /'pi' is a constant, not a function/);
  });

  it('wrong argument counts, spanning the whole call', () => {
    fails('1 + sqrt(1, 2)', 4, /sqrt\(\) takes 1 argument, got 2/, 10);
    fails('atan2(1)', 0, /atan2\(\) takes 2 arguments, got 1/, 8);
    fails('log()', 0, /log\(\) takes 1 or 2 arguments, got 0/, 5);
    fails('max()', 0, /max\(\) takes at least 1 argument, got 0/, 5);
    fails('round(1, 0.5)', 0, /round\(x, digits\) takes whole digits/);
  });

  it("missing ')', naming the '(' it would close", () => {
    fails('(1 + 2', 6, /missing '\)' to close the '\(' at position 0/);
    fails('2 * sqrt(4', 10, /missing '\)' to close the '\(' at position 8/);
    fails('(1 2)', 3, /unexpected number '2' at position 3: expected '\)' or an operator/);
    fails('max(1 2)', 6, /expected ',' or '\)'/);
  });

  it('division by zero, at the operator', () => {
    fails('1 / 0', 2, /division by zero at position 2/);
    fails('5 % (2 - 2)', 2, /division by zero/);
    fails('0 ^ -1', 2, /division by zero/);
    fails('mod(1, 0)', 0, /division by zero in mod\(\)/);
  });

  it('results that are not finite real numbers', () => {
    fails('sqrt(-1)', 0, /sqrt\(-1\) is not a real number/, 8);
    fails('1 + log(0)', 4, /log\(0\) is -Infinity/, 6);
    fails('ln(-1)', 0, /not a real number/);
    fails('asin(2)', 0, /not a real number/);
    fails('log(8, 1)', 0, /not a real number/);
    fails('(-8) ^ (1/3)', 5, /-8 \^ 0.333333 is not a real number/);
    fails('10 ^ 400', 3, /10 \^ 400 is Infinity: the result overflows/);
    fails('exp(1000)', 0, /exp\(1000\) is Infinity/);
    fails('1e308 * 10', 6, /is Infinity/);
  });

  it('reports parse errors before evaluation errors', () => {
    fails('1 / 0 +', 7, /unexpected end of expression/);
  });

  it('limits length and nesting depth', () => {
    fails('1+'.repeat(500) + '1', 1000, /longer than 1000 characters/);
    const deep = '('.repeat(MAX_DEPTH) + '1' + ')'.repeat(MAX_DEPTH);
    assert.throws(() => evaluate(deep), /nested too deeply \(over 100 levels\)/);
    assert.equal(evaluate('('.repeat(MAX_DEPTH - 1) + '1' + ')'.repeat(MAX_DEPTH - 1)), 1);
    assert.throws(() => evaluate('-'.repeat(200) + '1'), /nested too deeply/);
    assert.throws(() => evaluate('2^'.repeat(200) + '1'), /nested too deeply/);
  });

  it('shows a window of a long expression with the caret in place', () => {
    const expr = '1 + '.repeat(40) + '$';
    assert.throws(
      () => evaluate(expr),
      (err: ToolFailure) => {
        const [, echoed, caret] = err.message.split('\n');
        assert.equal(err.details?.position, 160);
        assert.ok(echoed.startsWith('  …'));
        assert.equal(echoed[caret.indexOf('^')], '$');
        return true;
      },
    );
  });
});

describe('math.evaluate tool', () => {
  const ctx = {} as ToolRunContext;

  it('rounds the result to 15 significant digits and echoes the expression', async () => {
    const out = await mathEvaluate.run({ expression: '0.1 + 0.2' }, ctx);
    assert.deepEqual(out, { expression: '0.1 + 0.2', result: 0.3 });
    assert.deepEqual(await mathEvaluate.run({ expression: '1/3' }, ctx), {
      expression: '1/3',
      result: 0.333333333333333,
    });
  });

  it('has schemas that accept good input and output and refuse bad input', async () => {
    const input = new Validator(mathEvaluate.inputSchema as object, '2020-12', false);
    const output = new Validator(mathEvaluate.outputSchema as object, '2020-12', false);
    assert.ok(input.validate({ expression: '1+1' }).valid);
    assert.ok(!input.validate({}).valid);
    assert.ok(!input.validate({ expression: '' }).valid);
    assert.ok(!input.validate({ expression: '1', extra: true }).valid);
    assert.ok(!input.validate({ expression: 'x'.repeat(1001) }).valid);
    assert.ok(output.validate(await mathEvaluate.run({ expression: 'tau' }, ctx)).valid);
  });

  it('fails with invalid_expression and a position', async () => {
    await assert.rejects(mathEvaluate.run({ expression: '1 +' }, ctx), {
      name: 'ToolFailure',
      code: 'invalid_expression',
      details: { position: 3 },
    });
  });
});
