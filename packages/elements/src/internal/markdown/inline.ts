import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Token, Tokens } from 'marked';
import type { MarkdownStrings } from './context.js';
import { decodeEntities } from './entities.js';
import { safeHref } from './links.js';

type Inline = TemplateResult | string | typeof nothing;

/**
 * Inline tokens to Lit templates. Every piece of message text ends up in a text binding or an
 * attribute binding; nothing is ever parsed as HTML, so `<img onerror>` is just text.
 */
export function renderInline(tokens: Token[] | undefined, strings: MarkdownStrings): Inline[] {
  return (tokens ?? []).map((t) => inline(t, strings));
}

function inline(token: Token, strings: MarkdownStrings): Inline {
  switch (token.type) {
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens?.length ? html`${renderInline(t.tokens, strings)}` : decodeEntities(t.text);
    }
    case 'escape':
      return (token as Tokens.Escape).text;
    case 'strong':
      return html`<strong>${renderInline((token as Tokens.Strong).tokens, strings)}</strong>`;
    case 'em':
      return html`<em>${renderInline((token as Tokens.Em).tokens, strings)}</em>`;
    case 'del':
      return html`<del>${renderInline((token as Tokens.Del).tokens, strings)}</del>`;
    case 'codespan':
      // Code is verbatim: no entity decoding, as in marked's own renderer.
      return html`<code class="md-codespan">${(token as Tokens.Codespan).text}</code>`;
    case 'br':
      return html`<br />`;
    case 'link':
      return link(token as Tokens.Link, strings);
    case 'image': {
      const t = token as Tokens.Image;
      return anchor(safeHref(t.href), t.title, strings.image(decodeEntities(t.text)), 'md-image');
    }
    case 'html':
      // Raw HTML is shown as the text it is.
      return (token as Tokens.HTML).text;
    case 'checkbox':
      return nothing;
    default:
      return 'raw' in token ? String(token.raw) : nothing;
  }
}

function link(t: Tokens.Link, strings: MarkdownStrings): Inline {
  const content = t.tokens?.length ? renderInline(t.tokens, strings) : decodeEntities(t.text);
  return anchor(safeHref(t.href), t.title, content, 'md-link');
}

/** A link to an allowed URL, or the link's text alone when the URL is not allowed. */
function anchor(
  href: string | null,
  title: string | null | undefined,
  content: unknown,
  className: string,
): Inline {
  if (href === null) return html`<span class="md-link md-link--blocked">${content}</span>`;
  return html`<a
    class=${className}
    href=${href}
    title=${ifDefined(title ? decodeEntities(title) : undefined)}
    target="_blank"
    rel="noopener noreferrer"
    >${content}</a
  >`;
}
