import type { MessageStatus } from '@realstream/client';

export interface StreamEndDetail {
  messageId: string;
  /** How it ended: complete, stopped, interrupted (server restart) or failed. */
  status: Exclude<MessageStatus, 'streaming'>;
  /** The final text. */
  text: string;
}

/** A streaming assistant reply ended, whichever way. */
export class RealstreamStreamEndEvent extends CustomEvent<StreamEndDetail> {
  constructor(detail: StreamEndDetail) {
    super('realstream-stream-end', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-stream-end': RealstreamStreamEndEvent;
  }
}
