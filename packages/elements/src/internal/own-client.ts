import { connect, type ConnectOptions, type RealstreamClient } from '@realstream/client';

/** What an element's attributes and properties say about the client it should open itself. */
export interface ClientSpec {
  host?: string;
  room?: string;
  party?: string;
  token?: string;
  name?: string;
  getToken?: ConnectOptions['getToken'];
}

const KEYS = ['host', 'room', 'party', 'token', 'name', 'getToken'] as const;

/**
 * A client an element opened from its own `host`/`room`/`token` (rather than inherited). Opens
 * when host and room are both set, reopens when any option changes, and closes a moment after
 * the element leaves the DOM: moving an element (disconnect + connect in one task) keeps the
 * socket instead of dropping and resuming it.
 */
export class OwnClient {
  client: RealstreamClient | undefined;
  private spec: ClientSpec = {};
  private closeTimer: ReturnType<typeof setTimeout> | null = null;

  /** `fixed`: options the element always opens with (the dashboard holds no transcript). */
  constructor(private readonly fixed: Partial<ConnectOptions> = {}) {}

  /** Brings the client in line with `spec`; returns it (undefined without host and room). */
  update(spec: ClientSpec): RealstreamClient | undefined {
    this.cancelClose();
    const same = KEYS.every((k) => spec[k] === this.spec[k]);
    if (same && (this.client || !spec.host || !spec.room)) return this.client;
    this.close();
    this.spec = { ...spec };
    if (spec.host && spec.room) {
      const { host, room, party, token, name, getToken } = spec;
      this.client = connect({ ...this.fixed, host, room, party, token, name, getToken });
    }
    return this.client;
  }

  /** The element left the DOM: close unless it comes back within this task. */
  releaseSoon(onClosed: () => void): void {
    this.cancelClose();
    this.closeTimer = setTimeout(() => {
      this.closeTimer = null;
      this.close();
      onClosed();
    });
  }

  close(): void {
    this.cancelClose();
    this.client?.close();
    this.client = undefined;
    this.spec = {};
  }

  private cancelClose(): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
  }
}
