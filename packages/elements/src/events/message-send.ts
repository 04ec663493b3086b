export interface MessageSendDetail {
  /** The text about to be sent. */
  text: string;
}

/**
 * The user sends a message from the composer. Cancelable: call preventDefault() to keep the text
 * from being sent (the composer keeps it), e.g. to route it elsewhere.
 */
export class RealstreamMessageSendEvent extends CustomEvent<MessageSendDetail> {
  constructor(detail: MessageSendDetail) {
    super('realstream-message-send', { bubbles: true, composed: true, cancelable: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-message-send': RealstreamMessageSendEvent;
  }
}
