import type { User } from '@realstream/protocol';

/**
 * Who is typing. A notice is a hint that can be lost (it is never replayed), so every entry expires
 * after `ttlMs` unless refreshed; a stop notice, the user leaving, or their message arriving ends it.
 */
export class TypingTracker {
  private readonly until = new Map<string, { user: User; until: number }>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly onChange: (users: User[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  notice(user: User, typing: boolean): void {
    if (typing) this.until.set(user.id, { user, until: this.now() + this.ttlMs });
    else if (!this.until.delete(user.id)) return;
    this.changed();
  }

  /** The user stopped typing for a reason other than a notice (left, or sent their message). */
  end(userId: string): void {
    if (this.until.delete(userId)) this.changed();
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.until.size) {
      this.until.clear();
      this.onChange([]);
    }
  }

  get users(): User[] {
    return [...this.until.values()].map((e) => e.user);
  }

  private changed(): void {
    this.schedule();
    this.onChange(this.users);
  }

  /** One timer for the next expiry, however many people type. */
  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.until.size) return;
    const next = Math.min(...[...this.until.values()].map((e) => e.until));
    this.timer = setTimeout(() => this.sweep(), Math.max(0, next - this.now()));
  }

  private sweep(): void {
    this.timer = null;
    const now = this.now();
    let removed = false;
    for (const [id, e] of this.until) {
      if (e.until <= now) {
        this.until.delete(id);
        removed = true;
      }
    }
    this.schedule();
    if (removed) this.onChange(this.users);
  }
}
