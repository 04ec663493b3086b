/**
 * `math.evaluate`: a small calculator. workerd forbids `eval` and `new Function`, and an LLM's
 * arithmetic is not to be trusted, so expressions go through this tokenizer and recursive-descent
 * parser. Positions in errors are 0-based offsets into the expression.
 */
import { ToolFailure, type ServerTool } from '../types.js';
import { CONSTANTS, FUNCTIONS, suggest } from './math-functions.js';

export const MAX_EXPRESSION_LENGTH = 1000;
export const MAX_DEPTH = 100;

type Token =
  | { kind: 'num'; value: number; pos: number; text: string }
  | { kind: 'name'; name: string; pos: number; text: string }
  | { kind: 'op'; op: string; pos: number; text: string }
  | { kind: 'end'; pos: number; text: '' };

type Node =
  | { kind: 'num'; value: number }
  | { kind: 'neg'; arg: Node }
  | { kind: 'bin'; op: string; left: Node; right: Node; pos: number }
  | { kind: 'call'; name: string; args: Node[]; pos: number; len: number };

/** The message, then the expression (a window of it when long) with a caret under the culprit. */
function fail(expr: string, message: string, position: number, length = 1): never {
  const from = Math.max(0, position - 30);
  const to = Math.min(expr.length, position + 30);
  const excerpt =
    (from > 0 ? '…' : '') +
    expr.slice(from, to).replace(/\s/g, ' ') +
    (to < expr.length ? '…' : '');
  const caret = ' '.repeat(position - from + (from > 0 ? 1 : 0)) + '^'.repeat(Math.max(1, length));
  const details = length > 1 ? { position, length } : { position };
  throw new ToolFailure('invalid_expression', `${message}\n  ${excerpt}\n  ${caret}`, details);
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'end of expression';
  return t.kind === 'num'
    ? `number '${t.text}'`
    : t.kind === 'name'
      ? `name '${t.text}'`
      : `'${t.text}'`;
}

// Typographic operators people paste from documents, and `**` from programming languages.
const OPERATOR_ALIASES: Record<string, string> = { '−': '-', '×': '*', '÷': '/', '**': '^' };
const NUMBER = /^(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?/;

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num) {
      // An exponent or separator with no digits after it, or a second dot, is a typo, not two tokens.
      const tail = /^[\w.]*/.exec(rest.slice(num[0].length))![0];
      if (/^[eE_]/.test(tail) || /^\.\d/.test(tail) || /^\d/.test(tail)) {
        fail(
          expr,
          `malformed number '${num[0] + tail}' at position ${i}`,
          i,
          num[0].length + tail.length,
        );
      }
      const value = Number(num[0].replace(/_/g, ''));
      if (!Number.isFinite(value))
        fail(expr, `number too large at position ${i}`, i, num[0].length);
      tokens.push({ kind: 'num', value, pos: i, text: num[0] });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', name: name[0].toLowerCase(), pos: i, text: name[0] });
      i += name[0].length;
      continue;
    }
    const op = rest.startsWith('**') ? '**' : rest[0];
    if (!'+-*/%^(),'.includes(op) && !(op in OPERATOR_ALIASES)) {
      const ch = String.fromCodePoint(rest.codePointAt(0)!);
      fail(expr, `unexpected character '${ch}' at position ${i}`, i);
    }
    tokens.push({ kind: 'op', op: OPERATOR_ALIASES[op] ?? op, pos: i, text: op });
    i += op.length;
  }
  tokens.push({ kind: 'end', pos: expr.length, text: '' });
  return tokens;
}

/** Grammar: sum := product (('+'|'-') product)*; product := unary (('*'|'/'|'%') unary)*;
 * unary := ('+'|'-') unary | power; power := primary ('^' unary)?  (so -2^2 = -4, 2^-1 = 0.5,
 * and 2^3^2 = 2^9); primary := number | constant | name '(' args ')' | '(' sum ')'. */
function parse(expr: string, tokens: Token[]): Node {
  let at = 0;
  let depth = 0;
  const peek = () => tokens[at];
  const isOp = (...ops: string[]) => {
    const t = tokens[at];
    return t.kind === 'op' && ops.includes(t.op);
  };
  const unexpected = (t: Token, hint = ''): never =>
    fail(expr, `unexpected ${describe(t)} at position ${t.pos}${hint}`, t.pos, t.text.length);

  function sum(): Node {
    let left = product();
    while (isOp('+', '-')) {
      const t = tokens[at++] as Token & { kind: 'op' };
      left = { kind: 'bin', op: t.op, left, right: product(), pos: t.pos };
    }
    return left;
  }

  function product(): Node {
    let left = unary();
    while (isOp('*', '/', '%')) {
      const t = tokens[at++] as Token & { kind: 'op' };
      left = { kind: 'bin', op: t.op, left, right: unary(), pos: t.pos };
    }
    return left;
  }

  // Every operand passes through here, so counting here bounds the recursion however it nests.
  function unary(): Node {
    const t = peek();
    if (++depth > MAX_DEPTH) {
      fail(
        expr,
        `expression is nested too deeply (over ${MAX_DEPTH} levels) at position ${t.pos}`,
        t.pos,
      );
    }
    let node: Node;
    if (isOp('+', '-')) {
      at++;
      const arg = unary();
      node = t.kind === 'op' && t.op === '-' ? { kind: 'neg', arg } : arg;
    } else {
      node = primary();
      if (isOp('^')) {
        const op = tokens[at++];
        node = { kind: 'bin', op: '^', left: node, right: unary(), pos: op.pos };
      }
    }
    depth--;
    return node;
  }

  function primary(): Node {
    const t = tokens[at++];
    if (t.kind === 'num') return { kind: 'num', value: t.value };
    if (t.kind === 'op' && t.op === '(') {
      const inner = sum();
      close(t, "expected ')' or an operator");
      return inner;
    }
    if (t.kind === 'name') {
      // hasOwn, not `in` or a bare lookup: 'constructor' and '__proto__' are on every object.
      if (Object.hasOwn(CONSTANTS, t.name)) {
        if (isOp('('))
          fail(expr, `'${t.text}' is a constant, not a function`, t.pos, t.text.length);
        return { kind: 'num', value: CONSTANTS[t.name] };
      }
      const f = Object.hasOwn(FUNCTIONS, t.name) ? FUNCTIONS[t.name] : undefined;
      if (!f)
        fail(
          expr,
          `unknown name '${t.text}' at position ${t.pos}${suggest(t.name)}`,
          t.pos,
          t.text.length,
        );
      const open = peek();
      if (!isOp('(')) {
        fail(
          expr,
          `function '${t.text}' needs its arguments in parentheses, e.g. ${t.name}(…)`,
          t.pos,
          t.text.length,
        );
      }
      at++;
      const args: Node[] = [];
      if (!isOp(')')) {
        args.push(sum());
        while (isOp(',')) {
          at++;
          args.push(sum());
        }
      }
      const end = close(open, "expected ',' or ')'");
      const len = end - t.pos + 1;
      if (args.length < f.min || args.length > f.max) {
        const wanted =
          f.max === Infinity
            ? `at least ${f.min}`
            : f.min === f.max
              ? `${f.min}`
              : `${f.min} or ${f.max}`;
        const plural = (f.max === Infinity ? f.min : f.max) === 1 ? 'argument' : 'arguments';
        fail(expr, `${t.name}() takes ${wanted} ${plural}, got ${args.length}`, t.pos, len);
      }
      return { kind: 'call', name: t.name, args, pos: t.pos, len };
    }
    return unexpected(t, t.kind === 'end' ? '' : ": expected a number, a name or '('");
  }

  /** Consumes the ')' matching `open`; returns its position. */
  function close(open: Token, hint: string): number {
    const t = peek();
    if (isOp(')')) return tokens[at++].pos;
    if (t.kind === 'end') fail(expr, `missing ')' to close the '(' at position ${open.pos}`, t.pos);
    return unexpected(t, `: ${hint}`);
  }

  const root = sum();
  const t = peek();
  if (t.kind !== 'end') {
    unexpected(
      t,
      isOp(')') ? " (no matching '(')" : ': expected an operator or the end of the expression',
    );
  }
  return root;
}

const BINARY: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '^': (a, b) => a ** b,
};

const fmt = (x: number) => String(Number(x.toPrecision(6)));

function evalNode(expr: string, node: Node): number {
  switch (node.kind) {
    case 'num':
      return node.value;
    case 'neg':
      return -evalNode(expr, node.arg);
    case 'bin': {
      const a = evalNode(expr, node.left);
      const b = evalNode(expr, node.right);
      const zeroDivisor = b === 0 && (node.op === '/' || node.op === '%');
      if (zeroDivisor || (node.op === '^' && a === 0 && b < 0)) {
        fail(expr, `division by zero at position ${node.pos}`, node.pos);
      }
      const r = BINARY[node.op](a, b);
      return finite(expr, r, `${fmt(a)} ${node.op} ${fmt(b)}`, node.pos, 1);
    }
    case 'call': {
      const args = node.args.map((a) => evalNode(expr, a));
      if (node.name === 'mod' && args[1] === 0)
        fail(expr, 'division by zero in mod()', node.pos, node.len);
      if (
        node.name === 'round' &&
        args.length > 1 &&
        !(Number.isInteger(args[1]) && Math.abs(args[1]) <= 15)
      ) {
        fail(expr, 'round(x, digits) takes whole digits from -15 to 15', node.pos, node.len);
      }
      const r = FUNCTIONS[node.name].fn(...args);
      return finite(expr, r, `${node.name}(${args.map(fmt).join(', ')})`, node.pos, node.len);
    }
  }
}

function finite(expr: string, r: number, what: string, pos: number, len: number): number {
  if (Number.isNaN(r))
    fail(expr, `${what} is not a real number (argument out of domain)`, pos, len);
  if (!Number.isFinite(r)) {
    const inf = r > 0 ? 'Infinity' : '-Infinity';
    fail(expr, `${what} is ${inf}: the result overflows or is out of the domain`, pos, len);
  }
  return r;
}

/** Evaluates an arithmetic expression; throws `ToolFailure('invalid_expression')` with a position. */
export function evaluate(expr: string): number {
  if (expr.length > MAX_EXPRESSION_LENGTH) {
    fail(
      expr,
      `expression is longer than ${MAX_EXPRESSION_LENGTH} characters`,
      MAX_EXPRESSION_LENGTH,
    );
  }
  if (expr.trim() === '') fail(expr, 'empty expression', 0);
  const r = evalNode(expr, parse(expr, tokenize(expr)));
  return r === 0 ? 0 : r; // no -0 in results
}

export const mathEvaluate: ServerTool = {
  name: 'math.evaluate',
  title: 'Calculator',
  description:
    'Evaluates an arithmetic expression exactly as written and returns the number. Supports + - * / % ' +
    '(remainder) and ^ (power, right associative, binds tighter than unary minus: -2^2 = -4), parentheses, ' +
    'constants pi, e, tau and functions sqrt cbrt abs sign sin cos tan asin acos atan atan2 sinh cosh tanh ' +
    'exp ln log (base 10, or log(x, base)) log2 log10 floor ceil round (round(x, digits)) trunc min max ' +
    'hypot pow mod (floored). Angles are in radians. Use it instead of doing arithmetic in your head.',
  inputSchema: {
    type: 'object',
    properties: {
      expression: {
        type: 'string',
        description:
          'The expression, e.g. "(1.5e3 + 2^10) / sqrt(2)". Numbers may use _ as a digit separator.',
        minLength: 1,
        maxLength: MAX_EXPRESSION_LENGTH,
      },
    },
    required: ['expression'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: {
      expression: { type: 'string', description: 'The expression as given.' },
      result: { type: 'number', description: 'The value, rounded to 15 significant digits.' },
    },
    required: ['expression', 'result'],
    additionalProperties: false,
  },
  timeoutMs: 1000,
  requiresApproval: false,
  minRole: 'member',
  enabledByDefault: true,
  async run(args) {
    const { expression } = args as { expression: string };
    // 15 digits hides binary noise (0.1 + 0.2 = 0.3) and is still all a double reliably holds.
    const result = Number(evaluate(expression).toPrecision(15));
    return { expression, result };
  },
};
