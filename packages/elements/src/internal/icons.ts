import { svg, type SVGTemplateResult } from 'lit';

// 16 px stroke icons drawn for this package (no icon font, nothing fetched). Decorative only:
// every control that shows one also has a text or aria-label.
const icon = (body: SVGTemplateResult) =>
  svg`<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;

export const icons = {
  send: icon(svg`<path d="M8 13V3M3.5 7.5 8 3l4.5 4.5"/>`),
  stop: icon(
    svg`<rect x="4" y="4" width="8" height="8" rx="1.5" fill="currentColor" stroke="none"/>`,
  ),
  copy: icon(
    svg`<rect x="5.5" y="5.5" width="8" height="8" rx="1.5"/><path d="M10.5 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v6.5a1 1 0 0 0 1 1h.5"/>`,
  ),
  check: icon(svg`<path d="m3 8.5 3 3 7-7"/>`),
  down: icon(svg`<path d="M8 3v10M3.5 8.5 8 13l4.5-4.5"/>`),
  retry: icon(svg`<path d="M13 8a5 5 0 1 1-1.5-3.5M13 2.5v3h-3"/>`),
  alert: icon(
    svg`<path d="M8 5.5v3M8 11h.01M7.1 2.5 1.8 12a1 1 0 0 0 .9 1.5h10.6a1 1 0 0 0 .9-1.5L8.9 2.5a1 1 0 0 0-1.8 0Z"/>`,
  ),
  close: icon(svg`<path d="m4 4 8 8M12 4l-8 8"/>`),
};
export type IconName = keyof typeof icons;
