export { RealstreamDashboardScopeEvent, type DashboardScopeDetail } from './dashboard-scope.js';
export { RealstreamErrorEvent, type ErrorDetail } from './error.js';
export { RealstreamMessageSendEvent, type MessageSendDetail } from './message-send.js';
export { RealstreamStreamEndEvent, type StreamEndDetail } from './stream-end.js';
export { RealstreamStreamStartEvent, type StreamStartDetail } from './stream-start.js';
export { RealstreamToolInvokeEvent, type ToolInvokeDetail } from './tool-invoke.js';
export { RealstreamToolResultEvent, type ToolResultDetail } from './tool-result.js';
export { RealstreamToolToggleEvent, type ToolToggleDetail } from './tool-toggle.js';
