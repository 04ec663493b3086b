import { ContextProvider } from '@lit/context';
import type { RealstreamClient } from '@realstream/client';
import '../src/define.js';
import type { RealstreamChat } from '../src/chat/chat.js';
import { clientContext } from '../src/internal/context.js';

const mounted: HTMLElement[] = [];

/** A chat that inherits `client` from a provider, as inside a realstream-room. */
export async function chatWith(
  client: RealstreamClient,
  setup: (chat: RealstreamChat) => void = () => {},
): Promise<RealstreamChat> {
  const wrapper = document.createElement('div');
  wrapper.style.blockSize = '600px';
  new ContextProvider(wrapper, { context: clientContext, initialValue: client });
  const chat = document.createElement('realstream-chat');
  setup(chat);
  wrapper.append(chat);
  document.body.append(wrapper);
  mounted.push(wrapper);
  await settle(chat);
  return chat;
}

/** Removes every mounted element (each test starts with a clean page). */
export function unmountAll(): void {
  for (const el of mounted.splice(0)) el.remove();
}

/**
 * Lets the element apply pending store changes and render: it applies them in an animation frame
 * that may be queued after ours, so wait for the next one too.
 */
export async function settle(chat: RealstreamChat): Promise<void> {
  await chat.updateComplete;
  for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  await chat.updateComplete;
}

export const $ = <T extends Element = HTMLElement>(chat: RealstreamChat, selector: string): T =>
  chat.shadowRoot!.querySelector<T>(selector)!;

export const $$ = <T extends Element = HTMLElement>(
  chat: RealstreamChat,
  selector: string,
): T[] => [...chat.shadowRoot!.querySelectorAll<T>(selector)];

/** Visible text of an element, whitespace collapsed. */
export const text = (el: Element | null | undefined): string =>
  (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
