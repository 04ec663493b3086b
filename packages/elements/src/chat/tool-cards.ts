import { html, nothing, type TemplateResult } from 'lit';
import type { ClientStatus, RealstreamClient, ToolCall } from '@realstream/client';
import { renderToolCard } from '../tools/tool-card-view.js';
import type { ChatStrings } from './strings.js';

export interface ChatToolCardsHost {
  calls(): readonly ToolCall[];
  status(): ClientStatus;
  client(): RealstreamClient | undefined;
  strings(): ChatStrings;
  /** The element's language for numbers and units (see internal/numbers.ts). */
  locale(): string | undefined;
  fail(err: { code?: string; message?: string }): void;
}

/**
 * The tool calls an assistant reply made, as compact cards under its text: live progress, the
 * outcome, and Approve / Deny for operators when a call waits for one.
 */
export class ChatToolCards {
  private source: readonly ToolCall[] | null = null;
  private byMessage = new Map<string, readonly ToolCall[]>();

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
    return calls ? [calls, status.user?.role, status.state === 'live'] : [undefined, null, null];
  }

  render(id: string): TemplateResult | typeof nothing {
    const calls = this.of(id);
    if (!calls?.length) return nothing;
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
    return html`<ul class="message__tools" role="list" aria-label=${s.toolCardsLabel}>
      ${calls.map((c) => html`<li>${renderToolCard(c, ctx)}</li>`)}
    </ul>`;
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
