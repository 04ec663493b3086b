import { nothing, type CSSResult, type TemplateResult } from 'lit';
import type { ClientStatus, RealstreamClient, ToolCall } from '@realstream/client';
import type { ChatStrings } from './strings.js';

type CardView = typeof import('./tool-card-lazy.js');

/** The card view once loaded, for every chat on the page. */
let view: CardView | undefined;
let loading: Promise<CardView> | undefined;

/**
 * Loads the card view and its styles (a chunk of their own: most chats never show a tool call).
 * A failed load is forgotten, so the next render that needs the cards tries again.
 */
export function loadToolCardView(): Promise<CardView> {
  loading ??= import('./tool-card-lazy.js').then(
    (m) => (view = m),
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

export interface ChatToolCardsHost {
  calls(): readonly ToolCall[];
  status(): ClientStatus;
  client(): RealstreamClient | undefined;
  strings(): ChatStrings;
  /** The element's language for numbers and units (see internal/numbers.ts). */
  locale(): string | undefined;
  fail(err: { code?: string; message?: string }): void;
  /** The cards' view has loaded: adopt its styles and render again. */
  loaded(styles: CSSResult): void;
}

/**
 * The tool calls an assistant reply made, as compact cards under its text: live progress, the
 * outcome, and Approve / Deny for operators when a call waits for one. The card view is loaded
 * the first time a reply has calls; until it arrives (a few milliseconds) the reply shows none.
 */
export class ChatToolCards {
  private source: readonly ToolCall[] | null = null;
  private byMessage = new Map<string, readonly ToolCall[]>();
  /** This chat has adopted the cards' styles. */
  private styled = false;

  constructor(private readonly host: ChatToolCardsHost) {}

  /** The calls of reply `id`, oldest first. The same array while none of them changed. */
  of(id: string): readonly ToolCall[] | undefined {
    const calls = this.host.calls();
    if (calls !== this.source) this.index(calls);
    return this.byMessage.get(id);
  }

  /** What a message's cards depend on, for its guard(): its calls, and who may act on them. */
  deps(id: string): unknown[] {
    const calls = this.of(id);
    const status = this.host.status();
    return calls
      ? [calls, status.user?.role, status.state === 'live', this.styled]
      : [undefined, null, null, null];
  }

  render(id: string): TemplateResult | typeof nothing {
    const calls = this.of(id);
    if (!calls?.length) return nothing;
    if (!view || !this.styled) {
      this.load();
      return nothing;
    }
    const s = this.host.strings();
    const status = this.host.status();
    const ctx = {
      strings: s,
      locale: this.host.locale(),
      user: status.user,
      live: !!this.host.client() && status.state === 'live',
      compact: true,
      decide: (callId: string, approve: boolean) =>
        this.host
          .client()
          ?.decideTool(callId, approve)
          .catch((e) => this.host.fail(e)),
    };
    return view.renderCards(calls, ctx, s.toolCardsLabel);
  }

  private load(): void {
    loadToolCardView().then(
      (v) => {
        if (this.styled) return;
        this.styled = true;
        this.host.loaded(v.toolCardStyles);
      },
      (err: Error) => this.host.fail({ code: 'network', message: `tool cards: ${err.message}` }),
    );
  }

  /**
   * Groups the calls by reply. A reply whose calls are all the same objects as before keeps its
   * old array, so its guard() skips it while another reply's call streams progress.
   */
  private index(calls: readonly ToolCall[]): void {
    const next = new Map<string, ToolCall[]>();
    for (const c of calls) {
      if (!c.messageId) continue;
      const list = next.get(c.messageId);
      if (list) list.push(c);
      else next.set(c.messageId, [c]);
    }
    const out = new Map<string, readonly ToolCall[]>();
    for (const [id, list] of next) {
      const old = this.byMessage.get(id);
      const same = old && old.length === list.length && old.every((c, i) => c === list[i]);
      out.set(id, same ? old : list);
    }
    this.source = calls;
    this.byMessage = out;
  }
}
