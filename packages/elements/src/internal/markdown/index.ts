export { defaultMarkdownStrings, type MarkdownStrings } from './context.js';
export { safeHref } from './links.js';
export { MarkdownStream, renderMarkdown } from './stream.js';
