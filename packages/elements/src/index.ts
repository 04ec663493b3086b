/**
 * @realstream/elements: the classes, without registering any tag. Import
 * `@realstream/elements/define` (or `.../chat/define`) to register them.
 */
export { RealstreamChat } from './chat/chat.js';
export { defaultChatStrings, type ChatStrings } from './chat/strings.js';
export { RealstreamRoom } from './room/room.js';
export { RealstreamElement, type Theme } from './internal/base.js';
export { clientContext } from './internal/context.js';
export { renderMarkdown, MarkdownStream, safeHref } from './internal/markdown/index.js';
export * from './events/index.js';
export { sharedStyles } from './styles/shared.js';
