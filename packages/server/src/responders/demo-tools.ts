/**
 * Offline tool use for the demo responder, so the tools of the product demo work with no model:
 * spot a question `time.now` or `math.evaluate` can answer, ask for the call, then word its
 * result. Pattern matching, not understanding; anything else gets the plain demo reply.
 */
import type { ContextMessage, ToolCall, ToolResultMessage } from './types.js';

/** The first round of a tool reply: a sentence to stream, then the call to ask for. */
export interface DemoToolPlan {
  lead: string;
  name: string;
  /** JSON text, as a model writes it. */
  arguments: string;
}

/** Enough cities to show the time zone argument off; anything else is asked in UTC. */
const CITY_ZONES: [RegExp, string][] = [
  [/\b(tokyo|japan)\b/, 'Asia/Tokyo'],
  [/\bseoul\b/, 'Asia/Seoul'],
  [/\b(beijing|shanghai|china)\b/, 'Asia/Shanghai'],
  [/\bhong kong\b/, 'Asia/Hong_Kong'],
  [/\bsingapore\b/, 'Asia/Singapore'],
  [/\b(mumbai|delhi|bangalore|india)\b/, 'Asia/Kolkata'],
  [/\bdubai\b/, 'Asia/Dubai'],
  [/\bmoscow\b/, 'Europe/Moscow'],
  [/\b(berlin|germany)\b/, 'Europe/Berlin'],
  [/\b(paris|france)\b/, 'Europe/Paris'],
  [/\b(madrid|spain)\b/, 'Europe/Madrid'],
  [/\b(rome|italy)\b/, 'Europe/Rome'],
  [/\bamsterdam\b/, 'Europe/Amsterdam'],
  [/\b(london|uk|england)\b/, 'Europe/London'],
  [/\b(new york|nyc|boston|washington)\b/, 'America/New_York'],
  [/\btoronto\b/, 'America/Toronto'],
  [/\bchicago\b/, 'America/Chicago'],
  [/\bdenver\b/, 'America/Denver'],
  [/\b(san francisco|los angeles|seattle|california)\b/, 'America/Los_Angeles'],
  [/\b(s[ãa]o paulo|brazil)\b/, 'America/Sao_Paulo'],
  [/\b(sydney|melbourne|australia)\b/, 'Australia/Sydney'],
  [/\bauckland\b/, 'Pacific/Auckland'],
];

const TIME_QUESTIONS = [
  /\bwhat(?:'s|’s| is)? the time\b/i,
  /\bwhat time\b/i,
  /\btime is it\b/i,
  /\b(?:current|local) time\b/i,
  /\btime (?:in|at|for) \S/i,
];

/** What math.evaluate reads besides numbers and operators (see tools/builtins/math.ts). */
const MATH_WORDS = new Set(
  (
    'pi e tau sqrt cbrt abs sign sin cos tan asin acos atan atan2 sinh cosh tanh exp ln log log2 ' +
    'log10 floor ceil round trunc min max hypot pow mod'
  ).split(' '),
);

/** Number, word, operator, bracket or comma, space, or anything else (which ends a span). */
const TOKEN = /(\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?)|([a-z][a-z0-9]*)|([-+*/%^×÷])|([(),])|(\s+)|./giy;

/**
 * The longest span of `text` that reads as arithmetic ("what is 12*(3+4)?" -> "12*(3+4)"), or null.
 * A span needs an operator between two operands or a function call, so "2 cats" and "-5" are not
 * calculations; a comma ends a span unless it separates a function's arguments.
 */
export function findExpression(text: string): string | null {
  let best: string | null = null;
  let span: string[] = [];
  let depth = 0;
  const close = () => {
    const expression = cleanSpan(span);
    if (expression && expression.length > (best?.length ?? 0)) best = expression;
    span = [];
    depth = 0;
  };
  for (const [token, num, word, op, punct, space] of text.matchAll(TOKEN)) {
    const breaks =
      (word !== undefined && !MATH_WORDS.has(word.toLowerCase())) ||
      (punct === ',' && depth === 0) ||
      (!num && !word && !op && !punct && !space);
    if (breaks) {
      close();
      continue;
    }
    if (punct === '(') depth++;
    if (punct === ')') depth--;
    span.push(token === '×' ? '*' : token === '÷' ? '/' : token);
  }
  close();
  return best;
}

function cleanSpan(span: string[]): string | null {
  const t = [...span];
  const balance = () => t.reduce((n, s) => n + (s === '(' ? 1 : s === ')' ? -1 : 0), 0);
  // Ends that cannot belong to an expression: spaces, a dangling operator or comma, and unmatched
  // brackets of the sentence around it, as in "(that is 2+2)".
  for (;;) {
    while (t.length && !t[0].trim()) t.shift();
    while (t.length && !t[t.length - 1].trim()) t.pop();
    if (!t.length) return null;
    const last = t[t.length - 1];
    if (/^[+*/%^,)]$/.test(t[0])) t.shift();
    else if (/^[-+*/%^,(]$/.test(last)) t.pop();
    else if (last === ')' && balance() < 0) t.pop();
    else if (t[0] === '(' && balance() > 0) t.shift();
    else break;
  }
  let depth = 0;
  for (const s of t) if ((depth += s === '(' ? 1 : s === ')' ? -1 : 0) < 0) return null;
  if (depth !== 0) return null;
  const solid = t.filter((s) => s.trim());
  const operand = (s: string | undefined) => !!s && (/^[\d.a-z_]/i.test(s) || s === ')');
  const binary = solid.some((s, i) => /^[-+*/%^]$/.test(s) && operand(solid[i - 1]));
  const call = solid.some((s, i) => /^[a-z]/i.test(s) && solid[i + 1] === '(');
  if (!binary && !call) return null;
  const expression = t.join('');
  // A date is not a subtraction.
  return /^\d{4}-\d{1,2}-\d{1,2}$/.test(expression) ? null : expression;
}

/** The IANA zone a time question names: one written out, a known city, else UTC. */
export function guessTimeZone(text: string): string {
  for (const [zone] of text.matchAll(/\b[A-Z][A-Za-z]+(?:\/[A-Z][A-Za-z_+-]+)+\b/g)) {
    if (isTimeZone(zone)) return zone;
  }
  const lower = text.toLowerCase();
  let found: { at: number; zone: string } | null = null;
  for (const [pattern, zone] of CITY_ZONES) {
    const at = lower.search(pattern);
    if (at >= 0 && (!found || at < found.at)) found = { at, zone };
  }
  return found?.zone ?? 'UTC';
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The tool call a demo reply to `text` makes, if one of `tools` fits the question. */
export function planToolCall(text: string, tools: ReadonlySet<string>): DemoToolPlan | null {
  if (tools.has('math.evaluate')) {
    const expression = findExpression(text);
    if (expression) {
      const args = JSON.stringify({ expression });
      return { lead: 'Let me calculate that.', name: 'math.evaluate', arguments: args };
    }
  }
  if (tools.has('time.now') && TIME_QUESTIONS.some((q) => q.test(text))) {
    const args = JSON.stringify({ timeZone: guessTimeZone(text) });
    return { lead: 'Let me check the clock.', name: 'time.now', arguments: args };
  }
  return null;
}

/**
 * The second round: a reply wording the results that end `messages` (the calls a first round asked
 * for), or null when the conversation does not end in tool results.
 */
export function toolResultReply(messages: readonly ContextMessage[]): string | null {
  const results: ToolResultMessage[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== 'tool') break;
    results.unshift(m);
  }
  if (!results.length) return null;
  const calls = new Map<string, ToolCall>();
  for (const m of messages) {
    if (m.role === 'assistant') for (const call of m.toolCalls ?? []) calls.set(call.id, call);
  }
  return results.map((r) => describeResult(r, parse(calls.get(r.callId)?.arguments))).join('\n\n');
}

function describeResult(result: ToolResultMessage, args: any): string {
  const value = parse(result.content);
  if (result.isError) {
    const error = value?.error;
    const message = typeof error?.message === 'string' ? error.message : result.content;
    const code = typeof error?.code === 'string' ? ` (\`${error.code}\`)` : '';
    const what =
      result.name === 'math.evaluate'
        ? `I could not calculate \`${args?.expression ?? '?'}\``
        : result.name === 'time.now'
          ? 'I could not read the clock'
          : `The \`${result.name}\` tool failed`;
    // Calculator errors point at the culprit with a caret under the expression: keep the lines.
    return message.includes('\n')
      ? `${what}${code}:\n\n\`\`\`\n${message}\n\`\`\``
      : `${what}${code}: ${message}`;
  }
  if (result.name === 'math.evaluate' && value?.result !== undefined) {
    const expression = String(value.expression ?? args?.expression ?? '');
    // Escaped, or the `*` of 12*(3+4) would close the bold early.
    return `**${escapeMarkdown(expression)} = ${value.result}**`;
  }
  if (result.name === 'time.now') {
    const said = describeTime(value, typeof args?.timeZone === 'string' ? args.timeZone : 'UTC');
    if (said) return said;
  }
  const json = JSON.stringify(value, null, 2);
  return `The \`${result.name}\` tool returned:\n\n\`\`\`json\n${json}\n\`\`\``;
}

/** Keys a clock result may carry its instant under; only unambiguous ones (UTC offset or epoch). */
const INSTANT_KEYS = ['iso', 'utc', 'now', 'instant', 'dateTime', 'datetime', 'epochMs', 'unixMs'];

/** "It is 16:04 in Asia/Tokyo (Wednesday).", worded here so any clock result shape reads alike. */
function describeTime(value: any, asked: string): string | null {
  const candidates = [value, ...INSTANT_KEYS.map((k) => value?.[k])];
  const instant = candidates
    .map((v) =>
      typeof v === 'number'
        ? new Date(v)
        : typeof v === 'string' && /(Z|[+-]\d\d:?\d\d)$/.test(v)
          ? new Date(v)
          : null,
    )
    .find((d) => d && !Number.isNaN(d.getTime()));
  if (!instant) return null;
  const named = typeof value?.timeZone === 'string' ? value.timeZone : asked;
  const zone = isTimeZone(named) ? named : 'UTC';
  const format = (o: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, ...o }).format(instant);
  const time = format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `It is ${time} in ${zone} (${format({ weekday: 'long' })}).`;
}

function parse(text: string | undefined): any {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return text;
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, '\\$&');
}
