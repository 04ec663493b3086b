import type { User } from '@realstream/client';
import { defaultMarkdownStrings, type MarkdownStrings } from '../internal/markdown/index.js';
import { formatDuration } from '../internal/numbers.js';
import { defaultToolCardStrings } from '../tools/tool-card-strings.js';

const list = (names: readonly string[]) =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * Every word `<realstream-chat>` shows or announces, in one place. Set `strings` to a partial
 * object to translate or reword any of them; functions receive what the sentence needs, so a
 * language can place numbers and names as its grammar wants.
 */
export const defaultChatStrings = {
  ...defaultMarkdownStrings,
  ...defaultToolCardStrings,
  // header
  roomTitle: (room: string) => room || 'Chat',
  here: (count: number) => `${count} here`,
  presenceLabel: (names: readonly string[]) =>
    `${names.length} ${names.length === 1 ? 'person' : 'people'} here: ${list(names)}`,
  typing: (names: readonly string[]) =>
    names.length > 2
      ? `${names.length} people are typing…`
      : `${list(names)} ${names.length === 1 ? 'is' : 'are'} typing…`,
  clearRoom: 'Clear',
  clearRoomHint: 'Remove every message of this room, for everyone',
  clearConfirm: 'Remove every message for everyone?',
  clearConfirmAction: 'Clear room',
  cancel: 'Cancel',
  devMode: 'Dev mode',
  devModeHint: 'The server has no secret: anyone can join with any name.',
  // link health
  linkLabel: 'Connection',
  connecting: 'Connecting…',
  live: 'Live',
  /** (Re)connecting, and why it has not worked yet: the client's reason (it says what happens next). */
  notConnected: (reason: string) => `Not connected: ${reason}`,
  reconnecting: (attempt: number) =>
    attempt > 1 ? `Reconnecting (attempt ${attempt})…` : 'Reconnecting…',
  // After a reconnect: what the client did to catch up, not a seq (which reads as a wrong number
  // after a server restart moved the log to a new block).
  resumed: (missed: number) =>
    missed === 0
      ? 'Reconnected, nothing missed'
      : `Reconnected: ${missed} missed ${missed === 1 ? 'event' : 'events'} caught up`,
  reloaded: 'Reconnected: reloaded the latest messages',
  /** A streaming reply went quiet; the link is being checked (it may be only slow). */
  stalling: 'Stream stalled, checking the connection…',
  stalled: 'Stalled stream detected, reconnecting…',
  /** An idle link missed its heartbeat and is being replaced. */
  linkLost: 'Connection lost, reconnecting…',
  /** The browser says the device has no network. */
  deviceOffline: 'No network: reconnecting when it is back',
  gap: 'Missed events, catching up…',
  offline: (reason: string) => (reason ? `Offline: ${reason}` : 'Offline'),
  unauthorised: (reason: string) => `Not authorised: ${reason || 'no valid token'}`,
  forbidden: (reason: string) => `Not allowed: ${reason || 'this room is not yours'}`,
  reconnect: 'Reconnect',
  // transcript
  transcriptLabel: 'Messages',
  emptyTitle: 'No messages yet',
  emptyBody: 'Ask anything. Replies stream in as they are written.',
  loadingOlder: 'Loading earlier messages…',
  historyStart: 'This is the start of the conversation',
  historyFailed: 'Could not load earlier messages.',
  jumpToLatest: 'Jump to latest',
  unread: (count: number) => `${count} new`,
  // messages
  you: 'You',
  assistant: 'Assistant',
  role: (role: User['role']) => role,
  sending: 'Sending…',
  sent: 'Sent',
  failed: 'Not sent',
  retry: 'Retry',
  discard: 'Discard',
  thinking: 'Thinking…',
  streaming: 'Writing…',
  stopped: 'Stopped',
  interrupted: 'Interrupted',
  interruptedHint:
    'The server restarted while this reply was being written; this is what was saved.',
  replyFailed: 'Reply failed',
  retryReply: 'Retry',
  retryReplyHint: 'Ask the assistant to answer this again',
  retried: 'Retried',
  // reasoning, above a reply: "Thinking…" (with a counter) while the model reasons, then this
  thoughtFor: (ms: number, locale?: string) =>
    ms < 1000 ? 'Thought for a moment' : `Thought for ${formatDuration(ms, locale, 0)}`,
  reasoningWithheld: 'This room shows the reasoning to operators only.',
  reasoningRedacted: 'The provider withheld part of the reasoning.',
  watching: (names: readonly string[]) =>
    names.length > 3 ? `${names.length} people watching` : `Watching: ${list(names)}`,
  // tool calls under a reply (the card's own words are in defaultToolCardStrings)
  toolCardsLabel: 'Tools used',
  // composer
  composerLabel: 'Message',
  placeholder: 'Message the room…',
  keyboardHint: 'Enter to send · Shift+Enter for a new line · Esc stops a reply',
  send: 'Send',
  stop: 'Stop',
  stopHint: 'Stop the reply (Esc)',
  counter: (length: number, max: number) => `${length.toLocaleString()} / ${max.toLocaleString()}`,
  tooLong: (over: number) => `${over.toLocaleString()} characters over the limit`,
  waitingForLink: 'Waiting for the connection; you can keep typing.',
  viewerReason: 'You can read this room but not post (viewer).',
  offlineReason: 'Offline. Reconnect to send.',
  unauthorisedReason: 'Not authorised to post in this room.',
  noRoom: 'Not connected to a room.',
  // announcements (screen readers)
  announceReplyStart: (author: string) => `${author} is replying`,
  announceReplyEnd: (author: string, status: string) =>
    status === 'complete' ? `${author} finished replying` : `${author}'s reply: ${status}`,
  announceMessage: (author: string, text: string) => `${author}: ${text}`,
} satisfies MarkdownStrings & Record<string, unknown>;

export type ChatStrings = typeof defaultChatStrings;
