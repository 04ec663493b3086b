export interface LoadErrorDetail {
  /** The tag whose element could not be defined (`realstream-chat`...). */
  tag: string;
  /** The chunk the loader imported for it (a chunk that one imports may be the one that failed). */
  url: string;
  /** What `import()` rejected with: a 404, a CSP refusal, a network error. */
  error: unknown;
}

/**
 * The one-tag loader (realstream.min.js) could not fetch an element's chunk, so the tag stays
 * undefined. Fired on every element of that tag in the document (else on the document).
 */
export class RealstreamLoadErrorEvent extends CustomEvent<LoadErrorDetail> {
  constructor(detail: LoadErrorDetail) {
    super('realstream-load-error', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-load-error': RealstreamLoadErrorEvent;
  }
}
