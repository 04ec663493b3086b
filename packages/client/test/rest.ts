/** The server's side of the story, read over REST, to compare with what a client shows. */
import type { Message } from '@realstream/protocol';
import type { TestServer } from '@realstream/testing/harness';

export async function restMessages(
  server: TestServer,
  room: string,
  token?: string,
): Promise<Message[]> {
  const res = await fetch(`${server.roomUrl(room)}/messages?limit=200`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new Error(`GET messages: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { messages: Message[] }).messages;
}

export async function postMessage(
  server: TestServer,
  room: string,
  text: string,
  token?: string,
): Promise<void> {
  const res = await fetch(`${server.roomUrl(room)}/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ text, reply: false }),
  });
  if (!res.ok) throw new Error(`POST messages: ${res.status} ${await res.text()}`);
}

/**
 * Messages as JSON, without `updatedAt`: the server stamps it with its own clock when it stores a
 * completion, while the event carries the time it was logged, a millisecond apart at times.
 * Everything else, the text above all, must match byte for byte.
 */
export function wire(messages: readonly Message[]): string[] {
  return messages.map(({ updatedAt: _updatedAt, ...m }) => JSON.stringify(canonical(m)));
}

/** Same content, same bytes: keys sorted at every depth (key order is not content). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, canonical(o[k])]),
  );
}
