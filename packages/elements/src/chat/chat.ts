import { adoptStyles, html, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import type {
  ClientEvent,
  ClientMessage,
  ConnectOptions,
  RealstreamClient,
} from '@realstream/client';
import { RealstreamErrorEvent, type ErrorDetail } from '../events/error.js';
import { Announcer } from '../internal/announcer.js';
import { RealstreamElement } from '../internal/base.js';
import { ClientController } from '../internal/client-controller.js';
import { clientContext } from '../internal/context.js';
import { markdownStyles } from '../internal/markdown/markdown.styles.js';
import { MarkdownStream } from '../internal/markdown/stream.js';
import { OwnClient } from '../internal/own-client.js';
import { autoGrow } from '../internal/textarea.js';
import { sharedStyles } from '../styles/shared.js';
import { chatStyles } from './chat.styles.js';
import { messageStyles } from './message.styles.js';
import { composerModel, renderComposer } from './composer-view.js';
import { renderHeader } from './header-view.js';
import { LinkHistory, linkView, RESUMED_MS } from './link-health.js';
import {
  authorName,
  reasonedSeconds,
  reasoningSince,
  renderMessage,
  type MessageViewContext,
} from './message-view.js';
import { otherWatchers, retryableReply } from './reply-actions.js';
import { ChatToolCards } from './tool-cards.js';
import { renderJump, renderTranscriptEdges } from './transcript-view.js';
import { localeOf } from '../internal/numbers.js';
import { ComposerController } from './composer-controller.js';
import { ScrollController } from './scroll.js';
import { StreamWatch } from './stream-watch.js';
import { defaultChatStrings, type ChatStrings } from './strings.js';

/**
 * @summary A chat with the room's people and its assistant: streamed markdown replies, link
 * health, presence and typing, and a keyboard-first composer.
 *
 * @slot header - Replaces the room title in the header.
 * @slot empty - Shown in an empty room.
 * @slot footer - Below the composer (a disclaimer, a model picker).
 *
 * @csspart base - The whole chat.
 * @csspart header - Title, presence, typing and link status.
 * @csspart link-status - The connection pill: the link's state and, when it fails, the client's `$status.reason.message` (what is wrong, and what happens next or what to do).
 * @csspart presence - "3 here".
 * @csspart typing - Who is typing.
 * @csspart transcript - The scrolling message log.
 * @csspart message - Every message; also `message-assistant|mine|other` and `message-<state>`.
 * @csspart message-body - A message's rendered markdown.
 * @csspart code-block - A fenced code block with its copy button.
 * @csspart empty - The empty state around the `empty` slot.
 * @csspart loading - Placeholder lines shown until the room's first state arrives.
 * @csspart jump - The "jump to latest" button.
 * @csspart composer - The form; also `input`, `send-button`, `stop-button`, `composer-status`.
 * @csspart footer - Around the `footer` slot.
 * @csspart clear - The operator's "Clear" button and its confirmation.
 * @csspart retry-reply - The "Retry" button under the latest reply.
 * @csspart watchers - "Watching: Ada and Bo" under a streaming reply.
 * @csspart reasoning - What the model thought, above its reply: a closed `<details>`, or a line
 * when the room shows reasoning to operators only.
 * @csspart reasoning-summary - "Thinking… 12 s" while the model reasons, "Thought for 12 s" after.
 * @csspart reasoning-body - The reasoning text (plain, pre-wrapped).
 * @csspart tool-card - A tool call under the reply that made it (also `tool-card-<status>`), with
 * `call-status`, `call-args`, `call-progress`, `call-result`, `call-error`, `call-duration`,
 * `call-waiting`, `approve-button`, `deny-button`.
 *
 * @cssproperty --max-width - Width of the message column.
 * @cssproperty --height - Height of the element (default 100% of its container, at least 320px).
 * @cssproperty --bubble-radius - Corner radius of people's message bubbles.
 * @cssproperty --bubble-background - Background of your own messages.
 * @cssproperty --bubble-color - Text colour of your own messages.
 * @cssproperty --transcript-padding - Space around the messages.
 *
 * @event realstream-message-send - The user sends a message (cancelable).
 * @event realstream-stream-start - An assistant reply started streaming.
 * @event realstream-stream-end - An assistant reply ended (complete, stopped, interrupted, failed).
 * @event realstream-error - A send, stop, history request or the connection failed.
 */
export class RealstreamChat extends RealstreamElement {
  static override styles = [
    sharedStyles,
    markdownStyles,
    messageStyles,
    // The tool cards' styles come with their view, loaded when a reply first has a call; they
    // go here, before chatStyles, which adjusts them (see `cards` below).
    chatStyles,
  ];

  private readonly own = new OwnClient();
  private readonly store = new ClientController(this, {
    event: (e) => this.onClientEvent(e),
    messages: (prev, next) => this.onMessages(prev, next),
  });
  private readonly scroller = new ScrollController(this);
  private readonly composer = new ComposerController(this, {
    client: () => this.store.client,
    textarea: () => this.textarea,
    ownMessages: () =>
      this.store.messages.filter((m) => m.author.kind === 'user' && this.isMine(m)),
    canSend: (draft) =>
      composerModel(this.store.status, !!this.store.client, draft, this.merged).canSend,
    sent: () => (this.scroller.pinned = true),
    failed: (e) => this.fail('send', e as Error),
  });
  private readonly announcer = new Announcer();
  private readonly cards = new ChatToolCards({
    calls: () => this.store.calls,
    status: () => this.store.status,
    client: () => this.store.client,
    strings: () => this.merged,
    locale: () => localeOf(this),
    fail: (e) => this.fail('tool', e),
    loaded: (styles) => {
      const own = (this.constructor as typeof RealstreamChat).elementStyles;
      const at = own.indexOf(chatStyles);
      adoptStyles(
        this.renderRoot as ShadowRoot,
        at < 0 ? [...own, styles] : [...own.slice(0, at), styles, ...own.slice(at)],
      );
      this.requestUpdate();
    },
  });
  private readonly watch = new StreamWatch(this, this.announcer);
  /** The markdown of each message, kept so a streaming reply re-renders only its tail. */
  private readonly streams = new Map<string, MarkdownStream>();
  private link = new LinkHistory();
  private merged: ChatStrings = defaultChatStrings;
  private seenState = '';
  /**
   * One timer for what changes with time alone ("Reconnected…" going away, a reasoning
   * counter), set for the soonest; nothing ticks while nothing needs it.
   */
  private clock: ReturnType<typeof setTimeout> | undefined;
  private clockAt = 0;
  /** The operator asked to clear the room and the question is on screen. */
  @state() private confirmingClear = false;

  /** The scrolling log (for the scroll controller). @internal */
  @query('.chat__transcript') readonly transcript!: HTMLElement | null;
  /** The composer's field (for the composer controller). @internal */
  @query('#composer-input') readonly textarea!: HTMLTextAreaElement | null;
  @query('.chat__announcer') private liveRegion!: HTMLElement | null;

  @consume({ context: clientContext, subscribe: true })
  @state()
  private inherited?: RealstreamClient;

  /** Server origin (`localhost:1999`, `chat.example.com`); with `room`, the chat connects itself. */
  @property() host?: string;
  /** Room name. Without host and room, the chat uses the client of an enclosing realstream-room. */
  @property() room?: string;
  /** PartyKit party; default `main`. */
  @property() party?: string;
  /** A room token (JWT) from your backend. Prefer `getToken` for tokens that expire. */
  @property() token?: string;
  /** Dev mode only (server without a secret): the guest name others see. */
  @property() name?: string;
  /** Called on every (re)connect for a fresh token. Property only. */
  @property({ attribute: false }) getToken?: ConnectOptions['getToken'];
  /** Any of the words the chat shows, to translate or reword them. Property only. */
  @property({ attribute: false }) strings: Partial<ChatStrings> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.clock);
    this.clockAt = 0;
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.own.releaseSoon(() => this.useClient(undefined));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings')) this.merged = { ...defaultChatStrings, ...this.strings };
    if (this.isConnected) {
      const { host, room, party, token, name, getToken } = this;
      this.useClient(
        this.own.update({ host, room, party, token, name, getToken }) ?? this.inherited,
      );
    }
    const status = this.store.status;
    this.link.status(status);
    if (status.state !== this.seenState) this.onStateChange(this.seenState, status.state);
  }

  protected override firstUpdated(): void {
    this.announcer.connect(this.liveRegion);
    if (this.transcript) this.scroller.observe(this.transcript);
  }

  protected override updated(): void {
    this.scroller.rendered();
    if (this.textarea) autoGrow(this.textarea);
    this.reportWatching();
    // What changes with time alone renders again when due: "Reconnected…" going away, and the
    // next second of the counter of a reply still reasoning.
    const now = Date.now();
    const resumedEnds = this.link.resumedAt + RESUMED_MS + 50;
    if (resumedEnds > now) this.renderAt(resumedEnds);
    for (const m of this.store.messages) {
      const since = reasoningSince(m);
      if (since !== null) this.renderAt(since + (reasonedSeconds(since, now) + 1) * 1000);
    }
  }

  /** Renders again at `at` (ms since the epoch), unless a render is due sooner already. */
  private renderAt(at: number): void {
    const now = Date.now();
    if (this.clockAt > now && this.clockAt <= at) return;
    clearTimeout(this.clock);
    this.clockAt = at;
    this.clock = setTimeout(() => {
      this.clockAt = 0;
      this.requestUpdate();
    }, at - now);
  }

  private onVisibility = () => this.reportWatching();

  /**
   * Tells the room which reply this reader is watching: one streaming, followed to its end (the
   * view pinned to the bottom), in a visible page. The client sends only changes.
   */
  private reportWatching(): void {
    const client = this.store.client;
    if (!client || this.store.status.state !== 'live') return;
    const reply = this.streamingReply;
    const watching =
      reply && this.scroller.pinned && document.visibilityState === 'visible' ? reply.id : null;
    client.watch(watching);
  }

  private useClient(client: RealstreamClient | undefined): void {
    if (client === this.store.client) return;
    this.streams.clear();
    this.watch.reset();
    this.composer.reset();
    this.link = new LinkHistory();
    this.scroller.reset();
    this.store.attach(client);
  }

  private onStateChange(from: string, to: string): void {
    this.seenState = to;
    const status = this.store.status;
    if (
      from &&
      ['unauthorised', 'forbidden', 'offline'].includes(to) &&
      status.reason?.code !== 'closed'
    ) {
      this.fail('connection', { code: to, message: status.reason?.message ?? to });
    }
  }

  private onClientEvent(e: ClientEvent): void {
    this.link.event(e);
    if (e.type === 'server-error') this.fail('server', e);
    else if (e.type === 'token-error')
      this.fail('connection', { code: 'token', message: e.message });
    this.requestUpdate();
  }

  /** Messages are about to render: keep the scroll position, fire stream events, announce. */
  private onMessages(prev: readonly ClientMessage[], next: readonly ClientMessage[]): void {
    const mine = (m: ClientMessage) => this.isMine(m);
    this.scroller.willRender(prev, next, mine);
    const ctx = this.viewContext();
    const live = this.store.status.state === 'live';
    this.watch.update(prev, next, this.merged, (m) => authorName(m, ctx), mine, live);
    const ids = new Set(next.map((m) => m.id));
    for (const id of this.streams.keys()) if (!ids.has(id)) this.streams.delete(id);
  }

  private isMine(m: ClientMessage): boolean {
    if (m.local) return true;
    const me = this.store.status.user?.id;
    return m.author.kind === 'user' && !!me && m.author.id === me;
  }

  private fail(source: ErrorDetail['source'], err: { code?: string; message?: string }): void {
    const detail = { source, code: err.code ?? 'internal', message: err.message ?? String(err) };
    this.dispatchEvent(new RealstreamErrorEvent(detail));
  }

  /** The assistant reply to stop with Esc or the stop button: the newest one streaming. */
  private get streamingReply(): ClientMessage | undefined {
    const ms = this.store.messages;
    for (let i = ms.length - 1; i >= 0; i--) {
      if (ms[i].author.kind === 'assistant' && ms[i].status === 'streaming') return ms[i];
    }
    return undefined;
  }

  private viewContext(): MessageViewContext {
    return {
      strings: this.merged,
      mine: (m) => this.isMine(m),
      body: (m) => this.body(m),
      retry: (id) => this.store.client?.retry(id).catch((e) => this.fail('send', e)),
      discard: (id) => this.store.client?.discard(id),
      retryable: retryableReply(this.store.messages, this.store.status),
      retryReply: (id) => this.retryReply(id),
      watchers: otherWatchers(this.store.watchers, this.store.status.user?.id),
      toolCards: (id) => this.cards.render(id),
      locale: localeOf(this),
      now: Date.now(),
    };
  }

  private body(m: ClientMessage) {
    let stream = this.streams.get(m.id);
    if (!stream) this.streams.set(m.id, (stream = new MarkdownStream(this.merged)));
    stream.setStrings(this.merged);
    return stream.render(m.text);
  }

  /** Scrolls to the newest message; focus moves to the log, as the button it was on goes away. */
  private jumpToLatest(): void {
    const hadFocus = this.shadowRoot?.activeElement?.matches('[part="jump"]');
    this.scroller.jumpToLatest();
    if (hadFocus) this.transcript?.focus({ preventScroll: true });
  }

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented && this.streamingReply) {
      e.preventDefault();
      this.stop();
    }
  };

  /** The client in use: the chat's own, or the enclosing room's. */
  get client(): RealstreamClient | undefined {
    return this.store.client;
  }

  /** For the scroll controller: older history can be asked for once the client is caught up. */
  get historyReady(): boolean {
    return this.store.status.state === 'live';
  }

  /** Loads the previous page of history (the scroll controller decides when). */
  loadOlder(): Promise<boolean> {
    const client = this.store.client;
    if (!client) return Promise.resolve(false);
    return client.loadOlder().catch((e) => {
      this.fail('history', e);
      throw e;
    });
  }

  /** Sends the composer's text, as Enter or the send button does. */
  send(): void {
    this.composer.send();
  }

  /** Asks the assistant to answer the question of reply `id` (the latest) again. */
  retryReply(id: string): void {
    this.scroller.pinned = true;
    this.store.client?.retryReply(id).catch((e) => this.fail('retry', e));
  }

  /** Operator: removes every message of the room, for everyone (no confirmation: call it deliberately). */
  clearRoom(): Promise<void> {
    const client = this.store.client;
    if (!client) return Promise.resolve();
    return client.clearRoom().then(
      () => undefined,
      (e) => this.fail('clear', e),
    );
  }

  private onClear(step: 'ask' | 'confirm' | 'cancel'): void {
    this.confirmingClear = step === 'ask';
    if (step === 'confirm') void this.clearRoom();
    // Keep focus in the header: the button pressed is replaced by the next step's buttons.
    void this.updateComplete.then(() => {
      const target = step === 'ask' ? '.chat__clear-cancel' : '[part="clear"] button';
      this.renderRoot.querySelector<HTMLElement>(target)?.focus();
    });
  }

  /** Stops the reply being written, as Esc or the stop button does. */
  stop(): void {
    const reply = this.streamingReply;
    if (reply) this.store.client?.stop(reply.id).catch((e) => this.fail('stop', e));
  }

  protected override render() {
    const s = this.merged;
    const { status, messages, presence, typing, client } = this.store;
    const streaming = !!this.streamingReply;
    const model = composerModel(status, !!client, this.composer.draft, s);
    const ctx = this.viewContext();
    const me = status.user?.id;
    return html`<div class="chat" part="base" @keydown=${this.onKey}>
      ${renderHeader(
        {
          room: client?.room ?? this.room ?? '',
          status,
          presence,
          typing,
          link: linkView(status, this.link, s),
          clear:
            status.user?.role === 'operator' && status.state === 'live'
              ? this.confirmingClear
                ? 'confirming'
                : 'offer'
              : 'hidden',
        },
        s,
        { reconnect: () => client?.reconnect(), clear: (step) => this.onClear(step) },
      )}
      <div class="chat__body">
        <div
          class="chat__transcript rs-scroll"
          part="transcript"
          role="log"
          aria-live="off"
          aria-label=${s.transcriptLabel}
          tabindex="0"
          @scroll=${() => this.scroller.onScroll()}
        >
          <div class="chat__column">
            ${renderTranscriptEdges(
              this.scroller.history,
              messages.length,
              status.state === 'live',
              s,
              () => this.scroller.retryHistory(),
            )}
            ${repeat(
              messages,
              (m) => m.id,
              (m) =>
                guard(
                  [
                    m,
                    s,
                    me,
                    ctx.retryable === m.id,
                    ctx.watchers
                      .get(m.id)
                      ?.map((u) => u.id)
                      .join(),
                    ...this.cards.deps(m.id),
                    // The second its reasoning counter shows (0 for a reply not reasoning).
                    reasonedSeconds(reasoningSince(m) ?? ctx.now, ctx.now),
                  ],
                  () => renderMessage(m, ctx),
                ),
            )}
          </div>
        </div>
        ${renderJump(this.scroller.pinned, this.scroller.unread, s, () => this.jumpToLatest())}
      </div>
      ${renderComposer(model, this.composer.draft, streaming, s, {
        input: this.composer.input,
        keydown: this.composer.keydown,
        blur: this.composer.blur,
        submit: (e) => (e.preventDefault(), this.send()),
        stop: () => this.stop(),
      })}
      <div class="chat__footer" part="footer"><slot name="footer"></slot></div>
      <div class="chat__announcer rs-sr-only" aria-live="polite" aria-atomic="true"></div>
    </div>`;
  }
}
