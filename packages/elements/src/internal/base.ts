import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { ContextRoot } from '@lit/context';

export type Theme = 'light' | 'dark' | 'auto';

const ROOT = Symbol.for('realstream.context-root');

/**
 * A chat upgraded before the <realstream-room> around it (the lazy loader fetches each element's
 * chunk on its own, so either may arrive first; a page may also import chat/define before
 * room/define) asks for the room's client while nobody can answer. A ContextRoot on the document
 * keeps such requests and asks again when the room's provider appears. Attached once per document,
 * whichever copy of the library defines first: a second root would answer every request twice.
 */
function attachContextRoot(): void {
  if (typeof document === 'undefined') return;
  const doc = document as Document & { [ROOT]?: ContextRoot };
  if (doc[ROOT]) return;
  doc[ROOT] = new ContextRoot();
  // The document itself, not <html>: context requests bubble and are composed, so they all pass here.
  doc[ROOT].attach(document as unknown as HTMLElement);
}

/** What every Realstream element shares: guarded registration and the theme switch. */
export class RealstreamElement extends LitElement {
  /**
   * Registers the element under `tag`, unless that tag is already taken: two copies of the
   * library on a page (a script tag and a bundle, say) must not throw on the second define. Where
   * there is no `customElements` (server-side rendering without a DOM shim) it does nothing.
   */
  static define(tag: string, registry?: CustomElementRegistry): void {
    // Server-side rendering may import the define files where there is no registry: do nothing.
    registry ??= globalThis.customElements;
    if (!registry || registry.get(tag)) return;
    attachContextRoot();
    registry.define(tag, this);
  }

  /** Colour scheme: `auto` follows the operating system. Reflected as a styling hook. */
  @property({ reflect: true }) theme: Theme = 'auto';
}
