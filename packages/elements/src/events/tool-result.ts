import type { ToolCall } from '@realstream/client';

export interface ToolResultDetail {
  /** The call as it ended: status done, error, timeout, cancelled or denied, with its result. */
  call: ToolCall;
}

/** A call this element started has ended, whichever way. */
export class RealstreamToolResultEvent extends CustomEvent<ToolResultDetail> {
  constructor(detail: ToolResultDetail) {
    super('realstream-tool-result', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-tool-result': RealstreamToolResultEvent;
  }
}
