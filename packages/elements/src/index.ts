/**
 * @realstream/elements: the classes, without registering any tag. Import
 * `@realstream/elements/define` (or `.../chat/define`) to register them.
 */
export { RealstreamChat } from './chat/chat.js';
export { defaultChatStrings, type ChatStrings } from './chat/strings.js';
export {
  RealstreamDashboard,
  type DashboardScope,
  type DashboardSection,
} from './dashboard/dashboard.js';
export { defaultDashboardStrings, type DashboardStrings } from './dashboard/strings.js';
export { RealstreamRoom } from './room/room.js';
export { RealstreamTools } from './tools/tools.js';
export { defaultToolsStrings, type ToolsStrings } from './tools/strings.js';
export { RealstreamElement, type Theme } from './internal/base.js';
export { clientContext } from './internal/context.js';
export { renderMarkdown, MarkdownStream, safeHref } from './internal/markdown/index.js';
export * from './events/index.js';
export { sharedStyles } from './styles/shared.js';
