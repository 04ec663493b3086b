import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientMessage, RealstreamClient } from '@realstream/client';
import { RealstreamMessageSendEvent } from '../events/message-send.js';
import { caretToEnd } from '../internal/textarea.js';

export interface ComposerHooks {
  client(): RealstreamClient | undefined;
  textarea(): HTMLTextAreaElement | null;
  /** The reader's own messages in the transcript, oldest first (Up falls back to them). */
  ownMessages(): ClientMessage[];
  /** Whether `draft` may be sent now (link live, role, length). */
  canSend(draft: string): boolean;
  /** A message went out: the view follows it to the end. */
  sent(): void;
  failed(error: unknown): void;
}

/**
 * The composer's behaviour: the draft, sending (after a cancelable realstream-message-send), the
 * typing notice, and the keys: Enter sends, Shift+Enter is a new line, Ctrl/Cmd+Enter sends too,
 * Up in an empty composer recalls the last message. Enter while an IME composes belongs to it.
 */
export class ComposerController implements ReactiveController {
  draft = '';
  /** Texts sent from this composer, newest last. */
  private history: string[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly hooks: ComposerHooks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  reset(): void {
    this.history = [];
  }

  send(): void {
    const client = this.hooks.client();
    if (!client || !this.hooks.canSend(this.draft)) return;
    // Leading blank lines and trailing whitespace are never meant; indentation may be (code).
    const text = this.draft.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
    const event = new RealstreamMessageSendEvent({ text });
    this.host.dispatchEvent(event);
    if (event.defaultPrevented) return;
    this.set('');
    this.history.push(text);
    this.hooks.sent();
    client.typing(false);
    client.send(text).catch((e) => this.hooks.failed(e));
  }

  readonly input = (e: InputEvent): void => {
    this.set((e.target as HTMLTextAreaElement).value);
    this.hooks.client()?.typing(this.draft.length > 0);
  };

  readonly keydown = (e: KeyboardEvent): void => {
    if (e.isComposing || e.keyCode === 229) return;
    const plain = !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey;
    if (e.key === 'Enter' && (plain || ((e.ctrlKey || e.metaKey) && !e.shiftKey))) {
      e.preventDefault();
      this.send();
    } else if (e.key === 'ArrowUp' && plain && !this.draft) {
      const last = this.history.at(-1) ?? this.hooks.ownMessages().at(-1)?.text;
      if (!last) return;
      e.preventDefault();
      this.set(last);
      this.host.updateComplete.then(() => {
        const textarea = this.hooks.textarea();
        if (textarea) caretToEnd(textarea);
      });
    }
  };

  readonly blur = (): void => this.hooks.client()?.typing(false);

  private set(draft: string): void {
    this.draft = draft;
    this.host.requestUpdate();
  }
}
