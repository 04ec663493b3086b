import type { ClientEvent, ClientStatus } from '@realstream/client';
import type { BadgeTone } from '../internal/badge.js';
import { waitingReason } from '../internal/reason.js';
import type { ChatStrings } from './strings.js';

/** How long "Reconnected…" stays up after a reconnect before the pill says "Live" again. */
export const RESUMED_MS = 5000;

/**
 * What happened to the link that its state alone does not say: why it went down (a stalled
 * stream, a gap) and where it resumed. Fed with every client event and status.
 */
export class LinkHistory {
  /**
   * Set while the link is down because the watchdog or a gap took it down: `stalled` when a
   * streaming reply went silent, `lost` when an idle link missed its heartbeat (nothing was
   * streaming, so calling that a stalled stream would be wrong).
   */
  incident: 'stalled' | 'lost' | 'gap' | null = null;
  /** When the link last came back, and how the client caught up (what the pill says then). */
  resumedAt = 0;
  resumed: { mode: 'none' | 'replay' | 'snapshot'; missed: number } | null = null;
  private wasConnected = false;

  status(status: ClientStatus, now = Date.now()): void {
    const live = status.state === 'live';
    // A stalled link never left its socket: coming back from it is not a reconnect.
    const connected = live || status.state === 'stalled';
    if (!this.wasConnected && live && this.incident) this.incident = null;
    // The client says how it caught up just before it goes live again.
    if (!this.wasConnected && live && status.resumes > 0 && this.resumed) this.resumedAt = now;
    this.wasConnected = connected;
  }

  event(event: ClientEvent): void {
    if (event.type === 'dead-link') this.incident = event.during === 'stream' ? 'stalled' : 'lost';
    else if (event.type === 'gap') this.incident = 'gap';
    else if (event.type === 'resumed') this.resumed = { mode: event.mode, missed: event.missed };
  }
}

export interface LinkView {
  /**
   * The client's state, or what the pill adds to it: `stream-lost` / `link-lost` (the watchdog
   * dropped a stalled stream / a silent idle link and is reconnecting), `gap`, `resumed`.
   */
  state: ClientStatus['state'] | 'stream-lost' | 'link-lost' | 'gap' | 'resumed';
  tone: BadgeTone;
  label: string;
  /** Show a spinner: something is in progress. */
  busy: boolean;
  /** Offer a manual reconnect. */
  canReconnect: boolean;
}

/** The link-health pill: always visible, always says what is really going on. */
export function linkView(
  status: ClientStatus,
  history: LinkHistory,
  s: ChatStrings,
  now = Date.now(),
): LinkView {
  const reason = status.reason?.message ?? '';
  const waitingOn = waitingReason(status.reason);
  switch (status.state) {
    case 'connecting':
      return {
        state: 'connecting',
        tone: 'warning',
        label: waitingOn ? s.notConnected(waitingOn) : s.connecting,
        busy: true,
        canReconnect: false,
      };
    case 'reconnecting':
      if (history.incident === 'stalled')
        return {
          state: 'stream-lost',
          tone: 'warning',
          label: s.stalled,
          busy: true,
          canReconnect: false,
        };
      if (history.incident === 'lost')
        return {
          state: 'link-lost',
          tone: 'warning',
          label: s.linkLost,
          busy: true,
          canReconnect: false,
        };
      if (history.incident === 'gap')
        return { state: 'gap', tone: 'warning', label: s.gap, busy: true, canReconnect: false };
      return {
        state: 'reconnecting',
        tone: 'warning',
        label: waitingOn ? s.notConnected(waitingOn) : s.reconnecting(status.attempt),
        busy: true,
        canReconnect: false,
      };
    case 'stalled':
      // Still connected, but a streaming reply went quiet: not "Live" while a probe decides.
      return {
        state: 'stalled',
        tone: 'warning',
        label: s.stalling,
        busy: true,
        canReconnect: false,
      };
    case 'device-offline':
      return {
        state: 'device-offline',
        tone: 'danger',
        label: s.deviceOffline,
        busy: false,
        canReconnect: false,
      };
    case 'live':
      if (history.resumed && history.resumedAt && now - history.resumedAt < RESUMED_MS) {
        const { mode, missed } = history.resumed;
        return {
          state: 'resumed',
          tone: 'success',
          label: mode === 'snapshot' ? s.reloaded : s.resumed(missed),
          busy: false,
          canReconnect: false,
        };
      }
      return { state: 'live', tone: 'success', label: s.live, busy: false, canReconnect: false };
    case 'unauthorised':
      return {
        state: 'unauthorised',
        tone: 'danger',
        label: s.unauthorised(reason),
        busy: false,
        canReconnect: true,
      };
    case 'forbidden':
      return {
        state: 'forbidden',
        tone: 'danger',
        label: s.forbidden(reason),
        busy: false,
        canReconnect: true,
      };
    default:
      return {
        state: 'offline',
        tone: 'danger',
        label: s.offline(reason),
        busy: false,
        canReconnect: true,
      };
  }
}
