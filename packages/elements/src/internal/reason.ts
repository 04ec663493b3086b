import type { StatusReason } from '@realstream/client';

/**
 * The reason a link badge shows while it (re)connects: '' for a plain drop, which "Reconnecting…"
 * already says; otherwise the client's message, which explains the wait (an unreachable host, a full
 * room, a token being renewed) and says what happens next.
 */
export function waitingReason(reason: StatusReason | undefined): string {
  return !reason || reason.code === 'connection_lost' ? '' : reason.message;
}
