import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

/** The card primitive: a raised box with an optional header row (title, badges, actions). */
export function card(
  body: unknown,
  o: {
    header?: unknown;
    part?: string;
    compact?: boolean;
    className?: string;
    label?: string;
  } = {},
): TemplateResult {
  return html`<section
    class="rs-card ${o.compact ? 'rs-card--compact' : ''} ${o.className ?? ''}"
    part=${ifDefined(o.part)}
    aria-label=${ifDefined(o.label)}
  >
    ${o.header ? html`<div class="rs-card__header">${o.header}</div>` : nothing}${body}
  </section>`;
}
