export interface ErrorDetail {
  /** The client's or server's error code (`unauthorised`, `message_too_long`, `network`...). */
  code: string;
  message: string;
  /**
   * What failed: a send, a stop, loading history, the connection, a reply, a tool request, the
   * operators' figures (an export, the deployment view), or saving the room's settings.
   */
  source:
    | 'send'
    | 'stop'
    | 'retry'
    | 'clear'
    | 'history'
    | 'connection'
    | 'reply'
    | 'server'
    | 'tool'
    | 'metrics'
    | 'settings';
}

/** Something the user should know failed. The element shows it too; this is for logs and toasts. */
export class RealstreamErrorEvent extends CustomEvent<ErrorDetail> {
  constructor(detail: ErrorDetail) {
    super('realstream-error', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-error': RealstreamErrorEvent;
  }
}
