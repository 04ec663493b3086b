export { RealstreamErrorEvent, type ErrorDetail } from './error.js';
export { RealstreamMessageSendEvent, type MessageSendDetail } from './message-send.js';
export { RealstreamStreamEndEvent, type StreamEndDetail } from './stream-end.js';
export { RealstreamStreamStartEvent, type StreamStartDetail } from './stream-start.js';
