/**
 * @realstream/client: the headless Realstream client. Framework-free; runs in browsers and in
 * node (pass `WebSocket` from the `ws` package).
 *
 * ```ts
 * const client = connect({ host: 'localhost:1999', room: 'lobby', name: 'Ada' });
 * client.$messages.subscribe((messages) => render(messages));
 * await client.send('Hello');
 * ```
 */
export { connect } from './connect.js';
export { watchDeployment, type DeploymentWatch } from './deployment.js';
export type { TapBatch, TapFilter } from './operations.js';
export { RealstreamError, type ClientErrorCode } from './errors.js';
export {
  CLIENT_CLOSED,
  describeClose,
  type CloseFacts,
  type StatusReason,
  type StatusReasonCode,
} from './status-reason.js';
export type {
  ClientEvent,
  ClientMessage,
  ClientStats,
  ClientStatus,
  ConnectOptions,
  ConnectionState,
  InvokeAck,
  RealstreamClient,
  SendAck,
  ToolContext,
  ToolHandler,
  WebSocketLike,
} from './types.js';
export type {
  Caller,
  JsonSchema,
  DeploymentMetrics,
  Latency,
  McpApproval,
  McpContentPart,
  McpFigures,
  McpServer,
  McpServerSpec,
  McpServerState,
  McpToolResult,
  Message,
  MessageStatus,
  RoomMetrics,
  RoomSummary,
  SeriesPoint,
  TapEntry,
  ToolFigures,
  WindowFigures,
  RoomSettings,
  Tool,
  ToolCall,
  ToolCallStatus,
  ToolKind,
  ToolProgress,
  ToolSpec,
  User,
} from '@realstream/protocol';
