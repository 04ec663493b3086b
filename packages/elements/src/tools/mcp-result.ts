import { html, nothing, type TemplateResult } from 'lit';
import type { McpContentPart, McpToolResult } from '@realstream/client';

/** An MCP call's result: content parts (and maybe structured content), as the room relays it. */
export function isMcpResult(value: unknown): value is McpToolResult {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const content = (value as { content?: unknown }).content;
  return (
    Array.isArray(content) &&
    content.every(
      (p) => !!p && typeof p === 'object' && typeof (p as { type?: unknown }).type === 'string',
    )
  );
}

/** Raster images only: an SVG is a document, and a server's bytes get no more than pixels. */
const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp|avif)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The words of a result's parts; a page's `strings` may override them (both elements take them). */
export const defaultMcpResultStrings = {
  resultImage: (mimeType: string) => `Image from the tool (${mimeType})`,
  resultImageBlocked: (mimeType: string) =>
    `Image (${mimeType}): not shown, this page does not allow data: images`,
  resultAudio: (mimeType: string) => `Audio (${mimeType}): not played here`,
  resultBlob: (mimeType: string) => `Binary content${mimeType ? ` (${mimeType})` : ''}`,
  resultUnknown: (type: string) => `A part of kind “${type}” this page cannot show`,
};
export type McpResultStrings = typeof defaultMcpResultStrings;

/**
 * A page whose CSP refuses data: images (examples/script-tag) fires error on the <img>: it gives
 * way to the labelled placeholder beside it rather than a broken image.
 */
function blocked(e: Event): void {
  const img = e.target as HTMLImageElement;
  img.hidden = true;
  (img.nextElementSibling as HTMLElement | null)?.removeAttribute('hidden');
}

/** Links only to http(s): a server's `javascript:` or `file:` URI stays text. */
function safeHref(uri: string): string | null {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function renderPart(p: McpContentPart, s: McpResultStrings): TemplateResult {
  switch (p.type) {
    case 'text':
      return html`<pre class="mcp-part mcp-part--text" part="result-text" dir="auto">
${p.text}</pre>`;
    case 'image': {
      const placeholder = (hidden: boolean) =>
        html`<p class="mcp-part mcp-part--placeholder" part="result-placeholder" ?hidden=${hidden}>
          ${s.resultImageBlocked(p.mimeType)}
        </p>`;
      if (!IMAGE_TYPES.test(p.mimeType) || !BASE64.test(p.data)) return placeholder(false);
      return html`<img
          class="mcp-part mcp-part--image"
          part="result-image"
          alt=${s.resultImage(p.mimeType)}
          src="data:${p.mimeType};base64,${p.data}"
          @error=${blocked}
        />${placeholder(true)}`;
    }
    case 'audio':
      return html`<p class="mcp-part mcp-part--placeholder" part="result-placeholder">
        ${s.resultAudio(p.mimeType)}
      </p>`;
    case 'resource_link': {
      const href = safeHref(p.uri);
      const label = p.title || p.name;
      return html`<p class="mcp-part mcp-part--link" part="result-link">
        ${
          href
            ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${label}</a>`
            : html`<bdi>${label}</bdi> <code dir="ltr">${p.uri}</code>`
        }
        ${p.description ? html`<span class="mcp-part__note">${p.description}</span>` : nothing}
      </p>`;
    }
    case 'resource':
      return html`<div class="mcp-part mcp-part--resource" part="result-resource">
        <code dir="ltr">${p.resource.uri}</code>
        ${
          p.resource.text !== undefined
            ? html`<pre dir="auto">${p.resource.text}</pre>`
            : html`<span class="mcp-part__note">${s.resultBlob(p.resource.mimeType ?? '')}</span>`
        }
      </div>`;
    default:
      // A part kind newer than this page: say so rather than drop it.
      return html`<p class="mcp-part mcp-part--placeholder" part="result-placeholder">
        ${s.resultUnknown((p as { type: string }).type)}
      </p>`;
  }
}

/** The parts in order, then the structured content as formatted JSON. */
export function renderMcpResult(
  r: McpToolResult,
  overrides: Partial<McpResultStrings>,
): TemplateResult {
  const s = { ...defaultMcpResultStrings, ...overrides };
  return html`<div class="mcp-result" part="call-result">
    ${r.content.map((p) => renderPart(p, s))}
    ${
      r.structuredContent
        ? html`<pre class="tool-card__json" part="result-structured" dir="ltr">
${JSON.stringify(r.structuredContent, null, 2)}</pre>`
        : nothing
    }
  </div>`;
}
