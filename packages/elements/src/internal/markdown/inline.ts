import { html, type nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { MarkdownStrings } from './context.js';
import { safeHref } from './links.js';
import type { Inline } from './tokens.js';

type Rendered = TemplateResult | string | typeof nothing;

/**
 * Inline tokens to Lit templates. Every piece of message text ends up in a text binding or an
 * attribute binding; nothing is ever parsed as HTML, so `<img onerror>` is just text.
 */
export function renderInline(tokens: Inline[], strings: MarkdownStrings): Rendered[] {
  return tokens.map((t) => inline(t, strings));
}

function inline(token: Inline, strings: MarkdownStrings): Rendered {
  switch (token.type) {
    case 'text':
      return token.text;
    case 'strong':
      return html`<strong>${renderInline(token.tokens, strings)}</strong>`;
    case 'em':
      return html`<em>${renderInline(token.tokens, strings)}</em>`;
    case 'del':
      return html`<del>${renderInline(token.tokens, strings)}</del>`;
    case 'codespan':
      return html`<code class="md-codespan">${token.text}</code>`;
    case 'br':
      return html`<br />`;
    case 'link':
      return anchor(token.href, token.title, renderInline(token.tokens, strings), 'md-link');
    case 'image':
      return anchor(token.href, token.title, strings.image(token.text), 'md-image');
  }
}

/** A link to an allowed URL, or the link's text alone when the URL is not allowed. */
function anchor(href: string, title: string | null, content: unknown, className: string): Rendered {
  const safe = safeHref(href);
  if (safe === null) return html`<span class="md-link md-link--blocked">${content}</span>`;
  return html`<a
    class=${className}
    href=${safe}
    title=${ifDefined(title || undefined)}
    target="_blank"
    rel="noopener noreferrer"
    >${content}</a
  >`;
}
