import { html, css } from 'lit';
import { property } from 'lit/decorators.js';
import { ContextProvider } from '@lit/context';
import type { ConnectOptions, RealstreamClient, ToolHandler, ToolSpec } from '@realstream/client';
import { RealstreamElement } from '../internal/base.js';
import { clientContext } from '../internal/context.js';
import { OwnClient } from '../internal/own-client.js';
import { sharedStyles } from '../styles/shared.js';

/**
 * @summary Connects to one room and shares that client with every Realstream element inside it,
 * so a chat, a tool panel and a dashboard use one socket.
 *
 * @slot - The elements that share the room's client.
 * @csspart base - The wrapper around the slot (display: contents by default).
 */
export class RealstreamRoom extends RealstreamElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: contents;
      }
      [part='base'] {
        display: contents;
      }
    `,
  ];

  private readonly own = new OwnClient();
  private readonly provider = new ContextProvider(this, { context: clientContext });
  /** Tools this page implements, registered with whichever client the room uses. */
  private readonly tools = new Map<
    string,
    { spec: ToolSpec; handler: ToolHandler; off?: () => void }
  >();
  private toolClient?: RealstreamClient;

  /** Server origin: `localhost:1999`, `chat.example.com` or a full http(s) URL. */
  @property() host?: string;
  /** Room name. */
  @property() room?: string;
  /** PartyKit party; default `main`. */
  @property() party?: string;
  /** A room token (JWT) from your backend. Prefer `getToken` for tokens that expire. */
  @property() token?: string;
  /** Dev mode only (server without a secret): the guest name others see. */
  @property() name?: string;
  /** Called on every (re)connect for a fresh token. Property only. */
  @property({ attribute: false }) getToken?: ConnectOptions['getToken'];

  private provided?: RealstreamClient;

  /**
   * The shared client: the one given here, else the one the room opened from host and room. Set
   * it to share a client you made (`connect()` with your own options, or any object implementing
   * `RealstreamClient`) instead of opening one; the room never closes a client it was given.
   * Property only.
   */
  get client(): RealstreamClient | undefined {
    return this.provided ?? this.own.client;
  }
  set client(client: RealstreamClient | undefined) {
    const old = this.client;
    this.provided = client;
    this.requestUpdate('client', old);
  }

  constructor() {
    super();
    // A page may set `client` before the tag is defined (the lazy loader defines it when it
    // appears): that made a plain property of the element, which hides the accessor. Lit does
    // this for its @property fields only; take the value over here.
    if (Object.hasOwn(this, 'client')) {
      const client = (this as { client?: RealstreamClient }).client;
      delete (this as { client?: RealstreamClient }).client;
      this.client = client;
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.own.releaseSoon(() => this.provider.setValue(undefined));
  }

  protected override willUpdate(): void {
    if (!this.isConnected) return;
    let client = this.provided;
    if (client) this.own.close();
    else {
      const { host, room, party, token, name, getToken } = this;
      client = this.own.update({ host, room, party, token, name, getToken });
    }
    if (this.provider.value !== client) this.provider.setValue(client);
    this.moveTools(client);
  }

  /**
   * Implements a tool in this page: the room routes calls of it here while the page is connected
   * (see `RealstreamClient.registerTool`), and keeps it registered if the room's client changes.
   * Returns the unregister function.
   */
  registerTool(spec: ToolSpec, handler: ToolHandler): () => void {
    this.tools.get(spec.name)?.off?.();
    const entry: { spec: ToolSpec; handler: ToolHandler; off?: () => void } = { spec, handler };
    this.tools.set(spec.name, entry);
    entry.off = this.toolClient?.registerTool(spec, handler);
    return () => {
      if (this.tools.get(spec.name) !== entry) return;
      entry.off?.();
      this.tools.delete(spec.name);
    };
  }

  /** Registrations follow the client: off the old one, onto the new one. */
  private moveTools(client: RealstreamClient | undefined): void {
    if (client === this.toolClient) return;
    for (const entry of this.tools.values()) {
      entry.off?.();
      entry.off = client?.registerTool(entry.spec, entry.handler);
    }
    this.toolClient = client;
  }

  protected override render() {
    return html`<div part="base"><slot></slot></div>`;
  }
}
