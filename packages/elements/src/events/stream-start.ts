export interface StreamStartDetail {
  /** The assistant message that started streaming. */
  messageId: string;
  /** The message it answers, when known. */
  replyTo?: string;
}

/** An assistant reply started streaming (or was streaming when this element first saw it). */
export class RealstreamStreamStartEvent extends CustomEvent<StreamStartDetail> {
  constructor(detail: StreamStartDetail) {
    super('realstream-stream-start', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-stream-start': RealstreamStreamStartEvent;
  }
}
