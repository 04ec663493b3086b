import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type {
  ClientEvent,
  ClientMessage,
  ClientStatus,
  RealstreamClient,
  RoomSettings,
  Tool,
  ToolCall,
  User,
} from '@realstream/client';

export interface ClientControllerHooks {
  /** Each client event, as it happens. */
  event?(event: ClientEvent, client: RealstreamClient): void;
  /** New messages are about to render (once per animation frame at most). */
  messages?(prev: readonly ClientMessage[], next: readonly ClientMessage[]): void;
}

const IDLE_STATUS: ClientStatus = {
  state: 'connecting',
  attempt: 0,
  lastSeq: 0,
  resumes: 0,
  snapshots: 0,
  devMode: false,
};

/**
 * Subscribes an element to a client's stores while the element is connected. Messages are
 * applied at most once per animation frame: a fast stream publishes many times a frame, and
 * rendering more often than the screen paints is wasted work. Status, presence, typing, watchers,
 * settings, tools and calls are rarer and render at once (Lit batches them per microtask anyway).
 */
export class ClientController implements ReactiveController {
  client: RealstreamClient | undefined;
  status: ClientStatus = IDLE_STATUS;
  messages: readonly ClientMessage[] = [];
  presence: readonly User[] = [];
  typing: readonly User[] = [];
  watchers: ReadonlyMap<string, readonly User[]> = new Map();
  settings: RoomSettings | null = null;
  tools: readonly Tool[] = [];
  calls: readonly ToolCall[] = [];
  private pending: readonly ClientMessage[] | null = null;
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void)[] = [];
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly hooks: ClientControllerHooks = {},
  ) {
    host.addController(this);
  }

  /** Switches to another client (or none); the view resets to its state. */
  attach(client: RealstreamClient | undefined): void {
    if (client === this.client) return;
    this.stop();
    this.client = client;
    this.status = client?.$status.get() ?? IDLE_STATUS;
    this.messages = [];
    this.presence = this.typing = [];
    this.watchers = new Map();
    this.settings = null;
    this.tools = this.calls = [];
    if (this.connected) this.start();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.connected = true;
    this.start();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.stop();
  }

  /** Applies pending messages now (tests, and before the element measures itself). */
  flush(): void {
    this.cancelFrame();
    const next = this.pending;
    this.pending = null;
    if (!next || next === this.messages) return;
    const prev = this.messages;
    this.hooks.messages?.(prev, next);
    this.messages = next;
    this.host.requestUpdate();
  }

  private start(): void {
    const c = this.client;
    if (!c || this.unsubscribe.length) return;
    const set =
      <K extends 'status' | 'presence' | 'typing' | 'watchers' | 'settings' | 'tools' | 'calls'>(
        key: K,
      ) =>
      (v: this[K]) => {
        this[key] = v;
        this.host.requestUpdate();
      };
    this.unsubscribe = [
      c.$status.subscribe(set('status')),
      c.$presence.subscribe(set('presence')),
      c.$typing.subscribe(set('typing')),
      c.$watchers.subscribe(set('watchers')),
      c.$settings.subscribe(set('settings')),
      c.$tools.subscribe(set('tools')),
      c.$calls.subscribe(set('calls')),
      c.$messages.subscribe((m) => this.schedule(m)),
      c.$events.listen((e) => e && this.hooks.event?.(e, c)),
    ];
  }

  private stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.cancelFrame();
    this.pending = null;
  }

  private schedule(messages: readonly ClientMessage[]): void {
    this.pending = messages;
    if (this.frame || this.timer !== null) return;
    this.frame = requestAnimationFrame(() => this.flush());
    // Hidden tabs, and iframes scrolled out of view, get no animation frames (or very few): a
    // slow timer keeps their transcript current anyway. Whichever fires first flushes.
    this.timer = setTimeout(() => this.flush(), 200);
  }

  private cancelFrame(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer !== null) clearTimeout(this.timer);
    this.frame = 0;
    this.timer = null;
  }
}
