import type { Tool, ToolCall } from '@realstream/client';

/**
 * The stories' tools: a small catalogue with real JSON Schemas, what each reports while it runs
 * and what it answers. Deterministic (a fixed clock, no randomness): a story looks the same on
 * every run.
 */

/** The clock the stories show (the same as scripted-client's T0). */
export const TOOLS_T0 = Date.UTC(2026, 10, 24, 9, 30);

export const ENDED: readonly string[] = ['done', 'error', 'timeout', 'cancelled', 'denied'];

/** time.now, math.evaluate, text.stats (builtin), crm.lookup (webhook), browser.geolocation (client). */
export function demoTools(): Tool[] {
  return [
    {
      name: 'browser.geolocation',
      title: 'Browser location',
      description:
        "Reads the position of the browser that registered this tool (with the user's permission).",
      kind: 'client',
      enabled: true,
      available: false,
      timeoutMs: 15_000,
      requiresApproval: false,
      minRole: 'member',
      inputSchema: {
        type: 'object',
        properties: {
          highAccuracy: {
            type: 'boolean',
            title: 'High accuracy',
            description: 'Use GPS when available (slower, more battery).',
            default: false,
          },
        },
        additionalProperties: false,
      },
    },
    {
      name: 'crm.lookup',
      title: 'CRM lookup',
      description:
        'Finds a customer in the CRM by email or customer id and returns their plan, owner and open tickets.',
      kind: 'webhook',
      enabled: true,
      available: true,
      timeoutMs: 10_000,
      requiresApproval: true,
      minRole: 'member',
      inputSchema: {
        type: 'object',
        properties: {
          email: { type: 'string', format: 'email', title: 'Email' },
          customerId: {
            type: 'string',
            title: 'Customer id',
            pattern: '^C-[0-9]{5}$',
            description: 'Like C-10442.',
          },
          fields: {
            type: 'array',
            title: 'Fields',
            items: { enum: ['plan', 'owner', 'openTickets', 'lastContact'] },
            uniqueItems: true,
            default: ['plan', 'owner'],
          },
        },
        additionalProperties: false,
      },
    },
    {
      name: 'math.evaluate',
      title: 'Calculator',
      description: 'Evaluates an arithmetic expression with + - * / ^ and parentheses.',
      kind: 'builtin',
      enabled: true,
      available: true,
      timeoutMs: 2_000,
      requiresApproval: false,
      minRole: 'viewer',
      inputSchema: {
        type: 'object',
        properties: {
          expression: {
            type: 'string',
            title: 'Expression',
            minLength: 1,
            maxLength: 200,
            examples: ['(2 + 3) * 7'],
          },
          precision: {
            type: 'integer',
            title: 'Decimal places',
            minimum: 0,
            maximum: 12,
            default: 4,
          },
        },
        required: ['expression'],
        additionalProperties: false,
      },
    },
    {
      name: 'text.stats',
      title: 'Text statistics',
      description: 'Counts characters, words, sentences and lines of a text.',
      kind: 'builtin',
      enabled: false,
      available: true,
      timeoutMs: 5_000,
      requiresApproval: false,
      minRole: 'member',
      inputSchema: {
        type: 'object',
        properties: {
          text: { type: 'string', title: 'Text', minLength: 1, maxLength: 20_000 },
        },
        required: ['text'],
        additionalProperties: false,
      },
    },
    {
      name: 'time.now',
      title: 'Current time',
      description: 'The current date and time in a time zone.',
      kind: 'builtin',
      enabled: true,
      available: true,
      timeoutMs: 1_000,
      requiresApproval: false,
      minRole: 'viewer',
      inputSchema: {
        type: 'object',
        properties: {
          timezone: {
            type: 'string',
            title: 'Time zone',
            description: 'An IANA zone name.',
            enum: ['UTC', 'Europe/London', 'America/New_York', 'Asia/Tokyo'],
            default: 'UTC',
          },
        },
        additionalProperties: false,
      },
    },
  ];
}

let n = 0;
/** A call as the room would show it; `by` defaults to the assistant. */
export function storyCall(name: string, args: unknown, extra: Partial<ToolCall> = {}): ToolCall {
  n++;
  const startedAt = TOOLS_T0 + n * 61_000;
  return {
    callId: `story-call-${n}`,
    name,
    args,
    caller: { kind: 'assistant', id: 'assistant', name: 'Assistant' },
    status: 'done',
    progressText: '',
    startedAt,
    ...(extra.status && !ENDED.includes(extra.status) ? {} : { endedAt: startedAt + 420 }),
    ...extra,
  };
}

export type Outcome = { result?: unknown; error?: { code: string; message: string } };

/** What each demo tool reports while it runs, then what it answers. */
export function script(
  name: string,
  args: Record<string, unknown>,
): { steps: string[]; end: Outcome } {
  switch (name) {
    case 'time.now': {
      const timezone = String(args.timezone ?? 'UTC');
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: timezone,
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(TOOLS_T0);
      return {
        steps: ['Reading the clock'],
        end: { result: { iso: new Date(TOOLS_T0).toISOString(), timezone, local } },
      };
    }
    case 'math.evaluate': {
      const steps = ['Parsing the expression', 'Evaluating'];
      try {
        const value = evaluate(String(args.expression ?? ''));
        const precision = typeof args.precision === 'number' ? args.precision : 4;
        return { steps, end: { result: { value: Number(value.toFixed(precision)) } } };
      } catch (e) {
        return { steps, end: { error: { code: 'tool_failed', message: (e as Error).message } } };
      }
    }
    case 'text.stats': {
      const text = String(args.text ?? '');
      return {
        steps: ['Splitting words', 'Counting sentences'],
        end: {
          result: {
            characters: text.length,
            words: text.split(/\s+/).filter(Boolean).length,
            sentences: text.split(/[.!?]+/).filter((s) => s.trim()).length,
            lines: text.split('\n').length,
          },
        },
      };
    }
    case 'crm.lookup':
      return {
        steps: ['POST https://crm.example.com/hooks/lookup', 'HTTP 200 in 182 ms'],
        end: {
          result: {
            customerId: String(args.customerId ?? 'C-10442'),
            name: 'Northwind Traders',
            plan: 'Business',
            owner: 'Ada Lovelace',
            openTickets: 2,
          },
        },
      };
    default:
      return { steps: [], end: { result: null } };
  }
}

/** + - * / ^ and parentheses over decimal numbers: a recursive-descent parser, no eval(). */
export function evaluate(src: string): number {
  let i = 0;
  const peek = () => src.slice(i).match(/^\s*(\d+(?:\.\d+)?|[-+*/^()])/)?.[1];
  const take = () => {
    const m = src.slice(i).match(/^\s*(\d+(?:\.\d+)?|[-+*/^()])/);
    if (!m) throw new Error(`Unexpected "${src.slice(i).trim()[0] ?? 'end'}" at ${i + 1}`);
    i += m[0].length;
    return m[1];
  };
  const atom = (): number => {
    const t = take();
    if (t === '(') {
      const v = sum();
      if (take() !== ')') throw new Error('Missing ")"');
      return v;
    }
    if (t === '-') return -atom();
    const v = Number(t);
    if (Number.isNaN(v)) throw new Error(`Unexpected "${t}" at ${i}`);
    return v;
  };
  const power = (): number => {
    const base = atom();
    return peek() === '^' ? (take(), base ** power()) : base;
  };
  const product = (): number => {
    let v = power();
    while (peek() === '*' || peek() === '/') {
      const op = take();
      const r = power();
      if (op === '/' && r === 0) throw new Error('Division by zero');
      v = op === '*' ? v * r : v / r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = take() === '+' ? v + product() : v - product();
    return v;
  };
  const v = sum();
  if (src.slice(i).trim()) throw new Error(`Unexpected "${src.slice(i).trim()[0]}" at ${i + 1}`);
  return v;
}
