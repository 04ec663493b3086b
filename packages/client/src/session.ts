import { parseServerFrame } from '@realstream/protocol/validate';
import {
  CLOSE_CODES,
  HEARTBEAT_PING,
  PROTOCOL_VERSION,
  tokenProblemOf,
  type ClientFrame,
  type EventFrame,
  type ServerFrame,
  type Welcome,
} from '@realstream/protocol';
import type { Commands } from './commands.js';
import { RealstreamError, type ClientErrorCode } from './errors.js';
import { Link, type LinkClose } from './link.js';
import type { Options } from './options.js';
import type { Gap, RoomState } from './room-state.js';
import type { Stores } from './stores.js';
import type { ClientStatus } from './types.js';
import type { Operations } from './operations.js';
import type { ToolHost } from './tool-host.js';
import type { TypingTracker } from './typing.js';
import { describeClose, type CloseFacts } from './status-reason.js';
import { roomSocketUrl, type Endpoint } from './url.js';
import { deviceOnline, watchNetwork } from './network.js';
import { Watchdog, type DeadDuring } from './watchdog.js';
import { frameProblem } from './frame-size.js';

/** Close codes after which retrying cannot help, and what they leave the client showing. */
const FINAL: Record<number, { state: ClientStatus['state']; code: ClientErrorCode }> = {
  [CLOSE_CODES.unauthorised]: { state: 'unauthorised', code: 'unauthorised' },
  [CLOSE_CODES.forbidden]: { state: 'forbidden', code: 'forbidden' },
  [CLOSE_CODES.protocol_mismatch]: { state: 'offline', code: 'protocol_mismatch' },
  // Only the deployment's operator can mend it; the reason names the variable.
  [CLOSE_CODES.server_misconfigured]: { state: 'offline', code: 'server_misconfigured' },
};

export interface SessionParts {
  options: Options;
  endpoint: Endpoint;
  party: string;
  room: string;
  /** Dev-mode guest id, sent on every attempt so presence survives reconnects. */
  uid: string | undefined;
  token(): Promise<string | null | undefined>;
  state: RoomState;
  stores: Stores;
  commands: Commands;
  typers: TypingTracker;
  /** The tools this client implements; the client forwards to them once their module has loaded. */
  toolHost: Pick<ToolHost, 'connected' | 'disconnected' | 'run' | 'abort'>;
  /** The operators' views; the client forwards to them once their module has loaded. */
  operations: Pick<Operations, 'connected' | 'disconnected' | 'handle'>;
}

/**
 * The connection lifecycle: down -> (open) hello -> (welcome) catch-up -> (snapshot, replay, or
 * nothing missed) live. Applies inbound frames exactly once and in order; on a gap or a dead link
 * it resumes on a fresh socket (the server takes one hello per connection) from the last seq.
 */
export class Session {
  readonly counters = {
    connects: 0,
    resumes: 0,
    snapshots: 0,
    gaps: 0,
    deadLinks: 0,
    invalidFrames: 0,
  };
  private phase: 'down' | 'hello' | 'catch-up' | 'live' = 'down';
  /** The seq we had when we said hello: what a replay caught up from. */
  private helloSince = 0;
  private everLive = false;
  /** The next hello asks for a snapshot: our state no longer matches the log (a content gap). */
  private wantSnapshot = false;
  /** A 4401 after having been live may be an expired token: one retry with getToken's next one. */
  private authRetried = false;
  private closed = false;
  /** The socket of the current attempt opened: a close before that means the host is unreachable. */
  private opened = false;
  /** Why the link is down for good (a final close), until reconnect() or the next live. */
  private finalError: RealstreamError | null = null;
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  /** The browser said the device has no network (until it says `online`, or a welcome proves it). */
  private deviceOffline = !deviceOnline();
  /** While the device is offline: the next single connection attempt (see hold). */
  private trialTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly link: Link;
  private readonly watchdog: Watchdog;
  private readonly unwatchNetwork: () => void;

  constructor(private readonly parts: SessionParts) {
    const { options, state } = parts;
    this.watchdog = new Watchdog(options, {
      // Always the same bytes: a Durable Object answers them without waking (HEARTBEAT_PING).
      ping: () => this.link.send(HEARTBEAT_PING),
      dead: (during, reason) => this.deadLink(during, reason),
      quiet: (quiet) => this.onQuiet(quiet),
      streaming: () => state.streaming,
    });
    this.link = new Link(
      {
        endpoint: parts.endpoint,
        party: parts.party,
        room: parts.room,
        params: () => this.params(),
        WebSocket: options.WebSocket,
        minDelayMs: options.minReconnectDelayMs,
        maxDelayMs: options.maxReconnectDelayMs,
        connectionTimeoutMs: options.connectionTimeoutMs,
      },
      {
        open: () => this.onOpen(),
        message: (data) => this.onMessage(data),
        close: (info) => this.onClose(info),
      },
    );
    if (this.deviceOffline) parts.stores.setStatus({ state: 'device-offline' });
    this.unwatchNetwork = watchNetwork({
      offline: () => this.onDeviceOffline(),
      online: () => this.onDeviceOnline(),
      visible: () => this.watchdog.probeNow(),
    });
  }

  /** Caught up with the room: commands and typing may go on the wire. */
  get live(): boolean {
    return this.phase === 'live';
  }

  /** Set after a final close: new commands fail at once instead of waiting for nothing. */
  get refusal(): RealstreamError | null {
    return this.finalError;
  }

  /** Puts a frame on the socket; false when the link is down or the frame too large to send. */
  wire(frame: ClientFrame): boolean {
    if (this.tooLarge(frame)) return false;
    const sent = this.link.send(JSON.stringify(frame satisfies ClientFrame));
    // Someone is waiting for this one: a dead idle link must not leave it "sending" for a whole
    // heartbeat interval. The ack (or the probe's pong) answers within the pong timeout.
    if (sent && frame.type === 'message.send') this.watchdog.probeNow();
    return sent;
  }

  /** Why the room would not take `frame` for its size, or null. */
  tooLarge(frame: ClientFrame): string | null {
    return frameProblem(frame, this.parts.stores.status.limits?.maxFrameBytes);
  }

  /** Drops the link and resumes at once; also after a final close (e.g. with a new token). */
  reconnect(): void {
    if (this.closed) return;
    this.authRetried = false;
    this.finalError = null;
    this.goDown();
    this.parts.stores.setStatus({ state: this.downState(), reason: undefined });
    this.link.reopen();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatchNetwork();
    this.clearTrial();
    this.goDown();
    this.link.close();
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /** Query of the next connection attempt; partysocket calls it on every one. */
  private async params(): Promise<Record<string, string | undefined>> {
    const { stores, options, uid } = this.parts;
    this.counters.connects++;
    this.opened = false;
    stores.setStatus({ attempt: stores.status.attempt + 1 });
    let token: string | null | undefined;
    try {
      token = await this.parts.token();
    } catch (err) {
      // partysocket treats the failure as a failed attempt and retries; the app should know why.
      stores.emit({ type: 'token-error', message: String((err as Error)?.message ?? err) });
      throw err;
    }
    return { token: token ?? undefined, name: options.name, uid };
  }

  private onOpen(): void {
    this.opened = true;
    this.phase = 'hello';
    const since = this.wantSnapshot ? 0 : this.parts.state.lastSeq;
    this.helloSince = this.parts.state.lastSeq;
    this.wire({ type: 'hello', protocol: PROTOCOL_VERSION, since });
    this.clearHelloTimer();
    const ms = this.parts.options.helloTimeoutMs;
    this.helloTimer = setTimeout(() => {
      this.helloTimer = null;
      if (this.phase !== 'live') this.deadLink('idle', `not caught up ${ms} ms after open`);
    }, ms);
  }

  private onClose({ code, reason, final, backoffMs }: LinkClose): void {
    this.goDown();
    if (this.closed) return;
    const { stores, commands, options, endpoint, party, room } = this.parts;
    stores.emit({ type: 'closed', code, reason });
    const facts: CloseFacts = {
      code,
      reason,
      final,
      backoffMs,
      opened: this.opened,
      attempts: stores.status.attempt,
      url: roomSocketUrl(endpoint, party, room),
      tokens: options.getToken ? 'getToken' : options.token ? 'static' : 'none',
    };
    // An expired token from getToken is worth one more try at once: getToken may have a fresh one.
    const expired =
      code === CLOSE_CODES.unauthorised &&
      options.getToken &&
      (this.everLive || tokenProblemOf(reason) === 'expired');
    if (final && expired && !this.authRetried) {
      this.authRetried = true;
      stores.setStatus({
        state: 'reconnecting',
        reason: describeClose({ ...facts, askingToken: true }),
      });
      this.link.reopen();
    } else if (final) {
      const { state, code: errorCode } = FINAL[code] ?? { state: 'offline', code: 'internal' };
      const why = describeClose(facts);
      stores.setStatus({ state, reason: why });
      this.finalError = new RealstreamError(errorCode, why.message);
      commands.failAll(this.finalError);
      stores.flush();
    } else {
      stores.setStatus({ state: this.downState(), reason: describeClose(facts) });
      // A trial attempt while offline failed: hold the link again until `online` or the next one.
      if (this.deviceOffline) this.hold();
    }
  }

  /** Everything that belongs to one connection stops with it. */
  private goDown(): void {
    this.phase = 'down';
    this.watchdog.stop();
    this.clearHelloTimer();
    this.parts.typers.clear();
    this.parts.toolHost.disconnected();
    this.parts.operations.disconnected();
  }

  private deadLink(during: DeadDuring, reason: string): void {
    this.counters.deadLinks++;
    this.parts.stores.emit({ type: 'dead-link', reason, during });
    this.restart();
  }

  /** What the status says while there is no live link and no final close. */
  private downState(): ClientStatus['state'] {
    if (this.deviceOffline) return 'device-offline';
    return this.everLive ? 'reconnecting' : 'connecting';
  }

  /** The watchdog's stall notice: the link is suspect while a reply streams, or it spoke again. */
  private onQuiet(quiet: boolean): void {
    if (this.phase !== 'live') return;
    this.parts.stores.setStatus({ state: quiet ? 'stalled' : 'live' });
  }

  /**
   * No network: the socket may look open for minutes, but nothing it says can be trusted, so it is
   * dropped and the status says why. The link is held (no retries burning the battery against a
   * missing network) until `online`; in case the browser is wrong, one attempt goes out every
   * maxReconnectDelayMs meanwhile, and a welcome on it proves the network back.
   */
  private onDeviceOffline(): void {
    // The event says onLine went false; if it is true again already, there is nothing to do.
    if (deviceOnline()) return;
    this.deviceOffline = true;
    if (this.closed || this.finalError) return;
    this.goDown();
    this.parts.stores.setStatus({ state: 'device-offline' });
    this.hold();
  }

  /** The network is back: connect now, not at the end of a backoff. */
  private onDeviceOnline(): void {
    const was = this.deviceOffline;
    this.deviceOffline = false;
    this.clearTrial();
    if (this.closed || this.finalError) return;
    // A live link came through (a welcome proved it): make sure it still answers.
    if (this.phase === 'live') return this.watchdog.probeNow();
    if (!was) return;
    this.goDown();
    this.parts.stores.setStatus({ state: this.downState() });
    this.link.reopen();
  }

  /** Stops the link's retries while the device is offline, and schedules the next trial. */
  private hold(): void {
    this.link.close();
    if (this.trialTimer !== null) return;
    this.trialTimer = setTimeout(() => {
      this.trialTimer = null;
      if (!this.deviceOffline || this.closed || this.finalError) return;
      this.link.reopen();
    }, this.parts.options.maxReconnectDelayMs);
  }

  private clearTrial(): void {
    if (this.trialTimer !== null) clearTimeout(this.trialTimer);
    this.trialTimer = null;
  }

  private gap(gap: Gap): void {
    this.counters.gaps++;
    this.parts.stores.emit({ type: 'gap', ...gap });
    // A missing seq is filled by a replay from lastSeq; text that disagrees with the log is not.
    if (gap.kind !== 'seq') this.wantSnapshot = true;
    this.restart();
  }

  private restart(): void {
    this.goDown();
    // Not live from here until a welcome on the next socket (the close may come later, or never).
    this.parts.stores.setStatus({ state: this.downState() });
    this.link.reconnect();
  }

  private goLive(mode: Welcome['resume']): void {
    this.clearHelloTimer();
    this.phase = 'live';
    // A welcome and a catch-up arrived: whatever the browser said, the network works.
    this.deviceOffline = false;
    this.clearTrial();
    this.authRetried = false;
    this.finalError = null;
    if (this.everLive) {
      this.counters.resumes++;
      const missed = mode === 'snapshot' ? 0 : this.parts.state.lastSeq - this.helloSince;
      this.parts.stores.emit({ type: 'resumed', mode, missed });
    }
    this.everLive = true;
    const { resumes, snapshots } = this.counters;
    this.parts.stores.setStatus({
      state: 'live',
      attempt: 0,
      reason: undefined,
      resumes,
      snapshots,
    });
    this.watchdog.start();
    this.parts.commands.resendAll();
    this.parts.toolHost.connected();
    this.parts.operations.connected();
  }

  // ---- inbound frames -------------------------------------------------------------------

  private onMessage(data: unknown): void {
    try {
      this.receive(data);
    } finally {
      // Any bytes prove the link alive, even a frame we then reject. Told after the frame is
      // applied, so the watchdog sees whether it started or ended a stream.
      this.watchdog.frame();
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return this.invalid('bad_json', 'binary frame');
    const parsed = parseServerFrame(data);
    if (!parsed.ok) return this.invalid(parsed.code, parsed.message);
    try {
      this.handle(parsed.value);
    } catch (err) {
      // A bug of ours must not take the page down; start over from a snapshot instead.
      this.invalid('internal', `client failed on a ${parsed.value.type} frame: ${String(err)}`);
      this.wantSnapshot = true;
      this.restart();
    }
    this.parts.stores.schedule();
  }

  private handle(frame: ServerFrame): void {
    const { stores, commands, state, typers } = this.parts;
    switch (frame.type) {
      case 'welcome': {
        const { devMode, user, connectionId, limits, responders } = frame;
        stores.setStatus({ devMode, user, connectionId, limits, responders });
        if (frame.resume === 'none') this.goLive('none');
        else this.phase = 'catch-up';
        return;
      }
      case 'snapshot':
        state.applySnapshot(frame);
        this.wantSnapshot = false;
        stores.setStatus({ snapshots: ++this.counters.snapshots });
        if (this.phase === 'catch-up') this.goLive('snapshot');
        return;
      case 'event':
        return this.onEvents([frame]);
      case 'batch':
        return this.onEvents(frame.events);
      case 'ack':
        return commands.ack(frame.id, frame.seq, frame.duplicate ?? false);
      case 'error':
        if (!commands.error(frame)) {
          stores.emit({ type: 'server-error', code: frame.code, message: frame.message });
        }
        return;
      case 'pong':
        // The watchdog sees every frame. Also sent unsolicited while a reply streams in silence.
        return;
      case 'typing':
        return typers.notice(frame.user, frame.typing);
      case 'watchers':
        return state.setWatchers(frame.messageId, frame.users);
      case 'tool.run':
        void this.parts.toolHost.run(frame);
        return;
      case 'tool.abort':
        return this.parts.toolHost.abort(frame);
      case 'metrics':
      case 'tap':
        return this.parts.operations.handle(frame);
      case 'deployment':
        return; // only the ops party sends these, to watchDeployment()
    }
  }

  private onEvents(frames: EventFrame[]): void {
    const { state, typers } = this.parts;
    for (const frame of frames) {
      const result = state.apply(frame);
      if (result === 'duplicate') continue;
      if (result !== 'applied') return this.gap(result); // never apply past a gap
      const { event } = frame;
      if (event.type === 'message.created' && event.message.author.kind === 'user') {
        typers.end(event.message.author.id);
      } else if (event.type === 'presence.left') typers.end(event.userId);
    }
    // The server sends the replay right after the welcome, so this frame completes the catch-up.
    if (this.phase === 'catch-up') this.goLive('replay');
  }

  private invalid(code: ClientErrorCode, message: string): void {
    this.counters.invalidFrames++;
    this.parts.stores.emit({ type: 'invalid-frame', code, message });
  }

  private clearHelloTimer(): void {
    if (this.helloTimer !== null) clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }
}
