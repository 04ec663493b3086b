import { html, type TemplateResult } from 'lit';

/**
 * The skeleton primitive: `lines` placeholder bars while content loads. Hidden from assistive
 * technology; the caller says "loading" in words (a status or aria-busy). Widths come from the
 * stylesheet, not a style attribute: a strict CSP (style-src without 'unsafe-inline') refuses those.
 */
export function skeleton(lines = 3, o: { part?: string } = {}): TemplateResult {
  return html`<div class="rs-skeleton-group" part=${o.part ?? 'skeleton'} aria-hidden="true">
    ${Array.from({ length: lines }, () => html`<span class="rs-skeleton"></span>`)}
  </div>`;
}
