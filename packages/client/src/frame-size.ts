import type { ClientFrame } from '@realstream/protocol';

const encoder = new TextEncoder();

/**
 * Why `frame` is too large to send, or null. The room refuses a frame over its
 * `limits.maxFrameBytes` with `too_large`, and the platform closes the socket (1009) on one over
 * 1 MiB before the room even sees it, which a client that resends its outbox on every reconnect
 * would repeat forever: so the client refuses it first. Unknown limits (before the first welcome)
 * let everything through; the server still checks.
 */
export function frameProblem(frame: ClientFrame, maxBytes: number | undefined): string | null {
  if (maxBytes === undefined) return null;
  const data = JSON.stringify(frame);
  // Most frames are far below the cap: only count bytes when the characters might exceed it.
  if (data.length * 3 <= maxBytes) return null;
  const bytes = encoder.encode(data).length;
  if (bytes <= maxBytes) return null;
  return `${frame.type} would be ${bytes} bytes; the room takes frames of at most ${maxBytes}`;
}
