// What the chat's tool cards need beyond the chat itself, as a chunk of its own: most chats never
// show a tool call, so tool-cards.ts imports this the first time a reply has one.
import { html, type TemplateResult } from 'lit';
import type { ToolCall } from '@realstream/client';
import { renderToolCard, type ToolCardContext } from '../tools/tool-card-view.js';

export { toolCardStyles } from '../tools/tool-card.styles.js';

/** A reply's calls as a list of compact cards under its text. */
export function renderCards(
  calls: readonly ToolCall[],
  ctx: ToolCardContext,
  label: string,
): TemplateResult {
  return html`<ul class="message__tools" role="list" aria-label=${label}>
    ${calls.map((c) => html`<li>${renderToolCard(c, ctx)}</li>`)}
  </ul>`;
}
