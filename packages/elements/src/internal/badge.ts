import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

export type BadgeTone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

/** The badge primitive: a short status word or count, optionally with a coloured dot. */
export function badge(
  text: unknown,
  o: { tone?: BadgeTone; dot?: boolean; spinner?: boolean; part?: string; title?: string } = {},
): TemplateResult {
  const tone = o.tone && o.tone !== 'neutral' ? `rs-badge--${o.tone}` : '';
  return html`<span class="rs-badge ${tone}" part=${ifDefined(o.part)} title=${ifDefined(o.title)}
    >${
      o.spinner
        ? html`<span class="rs-spinner" aria-hidden="true"></span>`
        : o.dot
          ? html`<span class="rs-badge__dot" aria-hidden="true"></span>`
          : nothing
    }${text}</span
  >`;
}
