import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';

export type Theme = 'light' | 'dark' | 'auto';

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
    registry.define(tag, this);
  }

  /** Colour scheme: `auto` follows the operating system. Reflected as a styling hook. */
  @property({ reflect: true }) theme: Theme = 'auto';
}
