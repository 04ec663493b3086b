/**
 * deep-chat with its documented streaming handler (`connect: { stream: true, handler }`): the
 * user message starts the handler, which opens the stream; each push is one
 * `signals.onResponse({ text })`. Markdown rendering is on (its default).
 */
import 'deep-chat';
import type { DeepChat } from 'deep-chat';
import type { Signals } from 'deep-chat/dist/types/handler.js';
import { install } from './page-common.js';

let signals: Signals | undefined;
/** onResponse is async: the stream must not close before the last token is applied. */
let last: Promise<void> = Promise.resolve();

install({
  async setup() {
    const chat = document.createElement('deep-chat') as DeepChat;
    // A font family of our own also stops deep-chat adding a Google Fonts <link> (no network here).
    chat.style.cssText = 'display:block;width:760px;height:860px;font-family:sans-serif';
    const opened = new Promise<void>((resolve) => {
      chat.connect = {
        stream: true,
        handler: (_body, s) => {
          signals = s;
          s.onOpen();
          resolve();
        },
      };
    });
    document.body.append(chat);
    // deep-chat renders its view on a timer after connecting; wait until it takes messages.
    while (!chat.shadowRoot?.querySelector('#text-input'))
      await new Promise((r) => setTimeout(r, 20));
    chat.submitUserMessage({ text: 'Write me a long report.' });
    await opened;
  },
  push(token) {
    last = signals!.onResponse({ text: token });
  },
  async end() {
    await last;
    signals!.onClose();
  },
  renderedText() {
    const chat = document.querySelector('deep-chat');
    const bubbles = chat?.shadowRoot?.querySelectorAll('.message-bubble.ai-message');
    return bubbles?.length ? (bubbles[bubbles.length - 1].textContent ?? null) : null;
  },
});
