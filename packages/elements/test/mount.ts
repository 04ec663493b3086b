import { ContextProvider } from '@lit/context';
import type { LitElement } from 'lit';
import type { RealstreamClient } from '@realstream/client';
import '../src/define.js';
import type { RealstreamChat } from '../src/chat/chat.js';
import type { RealstreamTools } from '../src/tools/tools.js';
import { clientContext } from '../src/internal/context.js';

const mounted: HTMLElement[] = [];

/** A chat that inherits `client` from a provider, as inside a realstream-room. */
export function chatWith(
  client: RealstreamClient,
  setup: (chat: RealstreamChat) => void = () => {},
): Promise<RealstreamChat> {
  return mountWith(client, 'realstream-chat', setup);
}

/** A tools panel that inherits `client` from a provider. */
export function toolsWith(
  client: RealstreamClient,
  setup: (tools: RealstreamTools) => void = () => {},
): Promise<RealstreamTools> {
  return mountWith(client, 'realstream-tools', setup);
}

async function mountWith<K extends 'realstream-chat' | 'realstream-tools'>(
  client: RealstreamClient,
  tag: K,
  setup: (el: HTMLElementTagNameMap[K]) => void,
): Promise<HTMLElementTagNameMap[K]> {
  const wrapper = document.createElement('div');
  wrapper.style.blockSize = '600px';
  new ContextProvider(wrapper, { context: clientContext, initialValue: client });
  const el = document.createElement(tag);
  setup(el);
  wrapper.append(el);
  document.body.append(wrapper);
  mounted.push(wrapper);
  await settle(el);
  return el;
}

/** Removes every mounted element (each test starts with a clean page). */
export function unmountAll(): void {
  for (const el of mounted.splice(0)) el.remove();
}

/**
 * Lets the element apply pending store changes and render: it applies them in an animation frame
 * that may be queued after ours, so wait for the next one too.
 */
export async function settle(chat: LitElement): Promise<void> {
  await chat.updateComplete;
  for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  await chat.updateComplete;
}

/** The first match in an element's shadow root (or, for a plain element, inside it). */
export const $ = <T extends Element = HTMLElement>(el: Element, selector: string): T =>
  (el.shadowRoot ?? el).querySelector<T>(selector)!;

export const $$ = <T extends Element = HTMLElement>(el: Element, selector: string): T[] => [
  ...(el.shadowRoot ?? el).querySelectorAll<T>(selector),
];

/** Visible text of an element, whitespace collapsed. */
export const text = (el: Element | null | undefined): string =>
  (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
