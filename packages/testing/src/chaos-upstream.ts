/**
 * The chaos run's model: a local server speaking OpenAI's Chat Completions stream byte for byte (the
 * fake upstream the responder tests use), answering each prompt `chaos reply #K: N chars` with a
 * known text of exactly N characters. So reply lengths are chosen per reply, from a kilobyte to past
 * a mebibyte, and the run knows every character each reply should have.
 */
import {
  FakeUpstream,
  openAiStream,
  type Received,
  type Script,
} from '../../server/src/responders/fake-upstream.js';

export const replyPrompt = (k: number, chars: number) => `chaos reply #${k}: ${chars} chars`;
const PROMPT = /chaos reply #(\d+): (\d+) chars/;

/** Words of every width a UTF-16 text can hold: ASCII, Latin-1, CJK, and a surrogate pair. */
const WORDS = ['stream', 'resume', 'offset', 'durable', 'café', 'naïve', '—', '流', '🙂', 'seq'];

/** Reply K's text: N UTF-16 units, deterministic, markdown-ish, never ending in half a pair. */
export function replyText(k: number, chars: number): string {
  const parts: string[] = [];
  let n = 0;
  for (let line = 0; n < chars; line++) {
    let s = `${line % 12 === 0 ? '\n### ' : ''}[${k}:${n}] `;
    for (let w = 0; w < 8; w++) s += WORDS[(k + line * 7 + w * 3) % WORDS.length] + ' ';
    s += '\n';
    parts.push(s);
    n += s.length;
  }
  let text = parts.join('').slice(0, chars);
  if (isHigh(text.charCodeAt(text.length - 1))) text = text.slice(0, -1) + 'x';
  return text;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Cuts `text` into pieces of about `size` units, never through a surrogate pair. */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    let end = Math.min(text.length, i + size);
    if (end < text.length && isHigh(text.charCodeAt(end - 1))) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

/** Pause between two writes of a stream. */
const GAP_MS = 25;

/**
 * How fast reply text comes: a short reply at a model's pace, a long one at up to ~100 KB/s, so a
 * 1.5 MiB reply takes ~16 s and is all but certain to meet a restart.
 */
export function pace(chars: number): { pieceChars: number; gapMs: number } {
  const perSecond = Math.min(100_000, Math.max(2_000, chars / 6));
  return { pieceChars: Math.max(8, Math.round((perSecond * GAP_MS) / 1000)), gapMs: GAP_MS };
}

/** The prompt a request answers: the last user turn (the message being answered). */
function asked(req: Received): { k: number; chars: number } | null {
  const turns: { role?: string; content?: unknown }[] = req.body?.messages ?? [];
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i].role !== 'user') continue;
    const m = PROMPT.exec(String(turns[i].content));
    return m ? { k: Number(m[1]), chars: Number(m[2]) } : null;
  }
  return null;
}

export function scriptFor(req: Received): Script {
  const want = asked(req);
  if (!want) return { body: openAiStream(['ok']) };
  const { pieceChars, gapMs } = pace(want.chars);
  return { body: openAiStream(pieces(replyText(want.k, want.chars), pieceChars)), gapMs };
}

export async function startChaosUpstream(): Promise<FakeUpstream> {
  return (await FakeUpstream.start()).handle(scriptFor);
}
