import { html, nothing, type TemplateResult } from 'lit';
import { icons } from '../icons.js';
import type { MarkdownStrings } from './context.js';
import { renderInline } from './inline.js';
import { safeLanguage } from './links.js';
import type { Block, BlockOf } from './tokens.js';

type Rendered = TemplateResult | typeof nothing;

/** One block token (paragraph, heading, list, table, code, quote...) to a Lit template. */
export function renderBlock(token: Block, strings: MarkdownStrings): Rendered {
  switch (token.type) {
    case 'space':
    case 'def':
      return nothing;
    case 'paragraph':
      return html`<p>${renderInline(token.tokens, strings)}</p>`;
    case 'text':
      // Inside tight list items: inline content without a paragraph.
      return html`${renderInline(token.tokens, strings)}`;
    case 'heading':
      return heading(token, strings);
    case 'code':
      return code(token, strings);
    case 'blockquote':
      return html`<blockquote>${renderBlocks(token.tokens, strings)}</blockquote>`;
    case 'list':
      return list(token, strings);
    case 'table':
      return table(token, strings);
    case 'hr':
      return html`<hr />`;
    case 'html':
      // Raw HTML is shown as text, never parsed.
      return html`<p class="md-raw">${token.text}</p>`;
  }
}

export function renderBlocks(tokens: Block[], strings: MarkdownStrings): Rendered[] {
  return tokens.map((t) => renderBlock(t, strings));
}

function heading(t: BlockOf<'heading'>, strings: MarkdownStrings): Rendered {
  const c = renderInline(t.tokens, strings);
  // Lit cannot bind a tag name, and static-html would build templates from message text.
  switch (t.depth) {
    case 1:
      return html`<h1 class="md-h1">${c}</h1>`;
    case 2:
      return html`<h2 class="md-h2">${c}</h2>`;
    case 3:
      return html`<h3 class="md-h3">${c}</h3>`;
    case 4:
      return html`<h4 class="md-h4">${c}</h4>`;
    case 5:
      return html`<h5 class="md-h5">${c}</h5>`;
    default:
      return html`<h6 class="md-h6">${c}</h6>`;
  }
}

function list(t: BlockOf<'list'>, strings: MarkdownStrings): Rendered {
  const items = t.items.map((item) => {
    const box = item.task
      ? html`<span
          class="md-task__box"
          role="img"
          aria-label=${item.checked ? strings.taskDone : strings.taskOpen}
          >${item.checked ? '\u2611' : '\u2610'}</span
        >`
      : nothing;
    const content = renderBlocks(item.tokens, strings);
    // prettier-ignore
    return html`<li class=${item.task ? 'md-task' : ''}>${box}${content}</li>`;
  });
  if (!t.ordered)
    return html`<ul>
      ${items}
    </ul>`;
  return html`<ol start=${t.start}>
    ${items}
  </ol>`;
}

function table(t: BlockOf<'table'>, strings: MarkdownStrings): Rendered {
  // Classes, not style attributes: a strict CSP (no unsafe-inline) blocks style attributes.
  const align = (a: string | null) => (a ? `md-align-${a}` : '');
  const head = t.header.map((cell, i) => {
    const content = renderInline(cell.tokens, strings);
    // prettier-ignore
    return html`<th scope="col" class=${align(t.align[i])}>${content}</th>`;
  });
  const rows = t.rows.map((row) => {
    const cells = row.map((cell, i) => {
      const content = renderInline(cell.tokens, strings);
      return html`<td class=${align(t.align[i])}>${content}</td>`;
    });
    return html`<tr>
      ${cells}
    </tr>`;
  });
  // Focusable so a keyboard user can scroll a wide table; named so the stop makes sense.
  return html`<div class="md-table" role="region" aria-label=${strings.table} tabindex="0">
    <table>
      <thead>
        <tr>
          ${head}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

function code(t: BlockOf<'code'>, strings: MarkdownStrings): Rendered {
  const lang = safeLanguage(t.lang);
  const onCopy = (e: Event) => copy(e.currentTarget as HTMLElement, t.text, strings);
  return html`<figure class="md-code" part="code-block">
    <figcaption class="md-code__bar">
      <span class="md-code__lang">${lang || strings.codeLabel}</span>
      <span class="md-code__status" aria-live="polite"></span>
      <button type="button" class="rs-button rs-button--small md-code__copy" @click=${onCopy}>
        ${icons.copy}<span>${strings.copyCode}</span>
      </button>
    </figcaption>
    <pre tabindex="0"><code class=${lang ? `language-${lang}` : ''}>${t.text}</code></pre>
  </figure>`;
}

const resetTimers = new WeakMap<Element, ReturnType<typeof setTimeout>>();

/**
 * Copies a code block. The status text is set directly on an element Lit does not manage (it
 * holds no binding), so a re-render of a streaming block never fights with it.
 */
async function copy(button: HTMLElement, text: string, strings: MarkdownStrings): Promise<void> {
  const figure = button.closest('figure');
  const status = figure?.querySelector('.md-code__status');
  let message = strings.copied;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (an insecure context, an iframe without it): select the code so
    // the reader can copy it themselves.
    const pre = figure?.querySelector('pre');
    const selection = getSelection();
    if (pre && selection) selection.selectAllChildren(pre);
    message = strings.copyFailed;
  }
  if (!status || !figure) return;
  status.textContent = message;
  figure.toggleAttribute('data-copied', message === strings.copied);
  clearTimeout(resetTimers.get(figure));
  resetTimers.set(
    figure,
    setTimeout(() => {
      status.textContent = '';
      figure.removeAttribute('data-copied');
    }, 2000),
  );
}
