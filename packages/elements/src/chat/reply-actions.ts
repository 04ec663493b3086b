import type { ClientMessage, ClientStatus, User } from '@realstream/client';

/**
 * The reply a reader may ask to have answered again: the room's latest assistant reply, once it
 * has ended, for a member or operator on a live link (the server enforces the same rules).
 */
export function retryableReply(
  messages: readonly ClientMessage[],
  status: ClientStatus,
): string | null {
  const role = status.user?.role;
  if ((role !== 'member' && role !== 'operator') || status.state !== 'live') return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].author.kind !== 'assistant') continue;
    return messages[i].status === 'streaming' ? null : messages[i].id;
  }
  return null;
}

/** Who watches each streaming reply, without the reader (who knows they are watching). */
export function otherWatchers(
  watchers: ReadonlyMap<string, readonly User[]>,
  me: string | undefined,
): ReadonlyMap<string, readonly User[]> {
  const out = new Map<string, readonly User[]>();
  for (const [id, users] of watchers) {
    const others = users.filter((u) => u.id !== me);
    if (others.length) out.set(id, others);
  }
  return out;
}
