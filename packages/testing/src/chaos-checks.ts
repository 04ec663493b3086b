/**
 * The chaos run's end-of-run checks on the room's history (read after a final kill -9, so it is what
 * storage holds): transcripts against it, acknowledged sends in it, replies against the model's text.
 */
import type { Message, MessagePage } from '@realstream/protocol';
import type { TestServer } from './harness.js';
import { replyText } from './chaos-upstream.js';

/** Every message of the room, oldest first, paged through the HTTP API. */
export async function fullHistory(server: TestServer, room: string): Promise<Message[]> {
  const out: Message[] = [];
  let before: number | null = null;
  for (;;) {
    const res: Response = await fetch(
      `${server.roomUrl(room)}/messages?limit=200${before ? `&before=${before}` : ''}`,
    );
    if (!res.ok) throw new Error(`GET messages: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as MessagePage;
    out.unshift(...page.messages);
    if (page.nextBefore === null) return out;
    before = page.nextBefore;
  }
}

/** The message with seq `seq`, or null: a history page of one that ends just after it. */
export async function messageAt(
  server: TestServer,
  room: string,
  seq: number,
): Promise<Message | null> {
  const res = await fetch(`${server.roomUrl(room)}/messages?limit=1&before=${seq + 1}`);
  if (!res.ok) return null;
  const [m] = ((await res.json()) as MessagePage).messages;
  return m?.seq === seq ? m : null;
}

const canonical = (m: Message) => JSON.stringify([m.id, m.seq, m.author.id, m.status, m.text]);

/**
 * Each client's transcript must equal the history byte for byte, and every acknowledged send be in
 * it once: `lost` counts acknowledged sends missing from the history and messages missing from a
 * transcript, `duplicated` ids present twice.
 */
export function compareTranscripts(
  history: readonly Message[],
  transcripts: readonly (readonly Message[])[],
  sentIds: readonly string[],
): { lost: number; duplicated: number; mismatched: number; details: string[] } {
  const details: string[] = [];
  const historyIds = new Set(history.map((m) => m.id));
  let lost = sentIds.filter((id) => !historyIds.has(id)).length;
  let duplicated = history.length - historyIds.size;
  let mismatched = 0;
  const expected = history.map(canonical);
  for (const [i, mine] of transcripts.entries()) {
    const ids = new Set(mine.map((m) => m.id));
    duplicated += mine.length - ids.size;
    lost += [...historyIds].filter((id) => !ids.has(id)).length;
    const got = mine.map(canonical);
    if (got.length !== expected.length || got.some((g, k) => g !== expected[k])) {
      mismatched++;
      const k = got.findIndex((g, j) => g !== expected[j]);
      details.push(
        `client-${i} differs at #${k}: got ${got[k]?.slice(0, 160)} want ${expected[k]?.slice(0, 160)}`,
      );
    }
  }
  return { lost, duplicated, mismatched, details };
}

/** What a reply was asked for, by the id of the user message that asked. */
export type Asked = ReadonlyMap<string, { k: number; chars: number }>;

/**
 * Every reply holds a prefix of what the model sent, all of it when complete, and none is left
 * streaming once the room has restarted with nothing generating.
 */
export function checkReplies(
  history: readonly Message[],
  asked: Asked,
): { complete: number; longestComplete: number; unanswered: string[]; details: string[] } {
  const details: string[] = [];
  const stillStreaming = history.filter((m) => m.status === 'streaming').map((m) => m.id);
  if (stillStreaming.length) {
    details.push(`streaming after the last restart, with nothing generating: ${stillStreaming}`);
  }
  const answered = new Set(history.map((m) => m.replyTo));
  const unanswered = [...asked.keys()].filter((id) => !answered.has(id));
  let complete = 0;
  let longestComplete = 0;
  for (const m of history) {
    const ask = m.replyTo ? asked.get(m.replyTo) : undefined;
    if (!ask || m.author.kind !== 'assistant') continue;
    const want = replyText(ask.k, ask.chars);
    if (m.status === 'complete') {
      complete++;
      longestComplete = Math.max(longestComplete, m.text.length);
    }
    if (m.status === 'complete' ? m.text !== want : !want.startsWith(m.text)) {
      details.push(
        `reply #${ask.k} (${m.id}) is ${m.status} with ${m.text.length} of ${ask.chars} chars, not the model's text`,
      );
    }
  }
  return { complete, longestComplete, unanswered, details };
}
