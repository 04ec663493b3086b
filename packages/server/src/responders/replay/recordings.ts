/**
 * Test helper (node only): provider responses recorded byte for byte from each provider's
 * documentation (the `.http` files beside this one: status line, headers, a blank line, then the
 * body exactly as sent), and the ways a network may cut them into writes.
 */
import { readFileSync } from 'node:fs';
import type { Script, Step } from '../fake-upstream.js';

/** The answer most recordings give. */
export const RECORDED_TEXT = 'Rooms keep every event in order — even émojis 🎉 and 中文.';
/** What the reasoning recordings think before they give RECORDED_TEXT. */
export const RECORDED_THOUGHT =
  'The user asks about rooms. Rooms are ordered logs; I should mention ordering and Unicode.';

export interface Recording {
  name: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function recording(name: string): Recording {
  const raw = readFileSync(new URL(`./${name}.http`, import.meta.url), 'utf8');
  const split = raw.indexOf('\n\n');
  const [statusLine, ...headerLines] = raw.slice(0, split).split('\n');
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine ?? '')?.[1]);
  if (!Number.isInteger(status)) throw new Error(`${name}.http: no status line`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { name, status, headers, body: raw.slice(split + 2) };
}

export const isEventStream = (r: Recording) =>
  (r.headers['content-type'] ?? '').startsWith('text/event-stream');

/** A way of delivering a body: the writes it becomes. Only the first two apply to JSON bodies. */
export interface SplitPattern {
  name: string;
  sseOnly: boolean;
  writes(body: string): Step[];
}

const encoder = new TextEncoder();

/** The body's SSE events (each with its blank line). */
function events(body: string): string[] {
  return body.split(/(?<=\n\n)/).filter(Boolean);
}

export const SPLIT_PATTERNS: SplitPattern[] = [
  { name: 'in one write', sseOnly: false, writes: (body) => [body] },
  {
    // Three bytes at a time cuts through every multi-byte character somewhere.
    name: 'UTF-8 cut mid-character',
    sseOnly: false,
    writes: (body) => {
      const bytes = encoder.encode(body);
      const out: Step[] = [];
      for (let i = 0; i < bytes.length; i += 3) out.push(bytes.subarray(i, i + 3));
      return out;
    },
  },
  {
    // Each event in five writes, cut wherever the bytes fall.
    name: 'one event over many writes',
    sseOnly: true,
    writes: (body) =>
      events(body).flatMap((event) => {
        const bytes = encoder.encode(event);
        const size = Math.max(1, Math.ceil(bytes.length / 5));
        const parts: Step[] = [];
        for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
        return parts;
      }),
  },
  {
    // CRLF line ends, every write ending between the CR and its LF.
    name: 'CRLF split across writes',
    sseOnly: true,
    writes: (body) => body.replace(/\n/g, '\r\n').split(/(?<=\r)(?=\n)/),
  },
  {
    name: 'comments between and inside events',
    sseOnly: true,
    writes: (body) => [': connected\n\n', ...events(body).map((e) => `: keep-alive\n\n:\n${e}`)],
  },
  {
    // The same JSON, pretty-printed over several `data:` lines of one event.
    name: 'multi-line data',
    sseOnly: true,
    writes: (body) =>
      events(body).map((event) =>
        event.replace(/^data: (\{.*\})$/m, (_, json: string) =>
          JSON.stringify(JSON.parse(json), null, 1)
            .split('\n')
            .map((line) => `data: ${line}`)
            .join('\n'),
        ),
      ),
  },
];

/** The recording as a fake upstream plays it, delivered the way `pattern` says. */
export function script(rec: Recording, pattern: SplitPattern): Script {
  const body = pattern.sseOnly && !isEventStream(rec) ? [rec.body] : pattern.writes(rec.body);
  return { status: rec.status, headers: { 'content-type': rec.headers['content-type']! }, body };
}

/**
 * The script with `ms` of pauses spread over the writes between the one that completes `from`
 * and the one that completes `until`: a model that thinks that long, however the bytes are cut.
 */
export function slowBetween(s: Script, from: string, until: string, ms: number): Script {
  const decoder = new TextDecoder();
  let seen = '';
  let start = -1;
  let end = -1;
  for (const [i, step] of s.body.entries()) {
    if (typeof step === 'string') seen += step;
    else if (step instanceof Uint8Array) seen += decoder.decode(step, { stream: true });
    if (start < 0 && seen.includes(from)) start = i;
    if (seen.includes(until)) {
      end = i;
      break;
    }
  }
  if (start < 0 || end < start) throw new Error(`no "${from}" before "${until}" in the script`);
  // Even when one write holds both: the pause then follows it, and the timing still applies.
  const span = Math.max(1, end - start);
  const pauses = Math.min(8, span);
  const at = new Set(
    Array.from({ length: pauses }, (_, k) => start + Math.floor((k * span) / pauses)),
  );
  const body = s.body.flatMap((step, i) => (at.has(i) ? [step, { wait: ms / pauses }] : [step]));
  return { ...s, body };
}
