import type { User } from '@realstream/protocol';

/**
 * Who is watching which streaming reply: each connection watches at most one. Ephemeral like
 * typing: nothing is stored or replayed, and a reply's watchers are dropped when it ends.
 */
export class Watchers {
  private readonly byConn = new Map<string, { messageId: string; user: User }>();

  /**
   * Sets what `connId` watches. Returns the reply ids whose watcher list changed (at most two: the
   * one left and the one joined).
   */
  set(connId: string, user: User, messageId: string | null): string[] {
    const before = this.byConn.get(connId)?.messageId ?? null;
    if (before === messageId) return [];
    if (messageId === null) this.byConn.delete(connId);
    else this.byConn.set(connId, { messageId, user });
    return [before, messageId].filter((id): id is string => id !== null);
  }

  /** The connection left: returns the reply it was watching, if any. */
  remove(connId: string): string | null {
    const entry = this.byConn.get(connId);
    this.byConn.delete(connId);
    return entry?.messageId ?? null;
  }

  /** The reply ended: nobody watches it any more (clients drop it on their own). */
  ended(messageId: string): void {
    for (const [connId, entry] of this.byConn) {
      if (entry.messageId === messageId) this.byConn.delete(connId);
    }
  }

  /** The people watching `messageId`, once each however many tabs they have open. */
  users(messageId: string): User[] {
    const users = new Map<string, User>();
    for (const entry of this.byConn.values()) {
      if (entry.messageId === messageId) users.set(entry.user.id, entry.user);
    }
    return [...users.values()];
  }

  /** Replies someone is watching now. */
  watched(): string[] {
    return [...new Set([...this.byConn.values()].map((e) => e.messageId))];
  }
}
