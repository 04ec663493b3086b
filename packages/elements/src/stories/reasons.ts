import { describeClose, type CloseFacts, type StatusReason } from '@realstream/client';

/**
 * `$status.reason` for each failure a page can meet, made by the client's own describeClose() from
 * the close the server really sends (codes and reasons as packages/server words them), so stories
 * and tests show the words users see.
 */
const url = 'wss://chat.example.com/parties/main/lobby';
const close = (facts: Partial<CloseFacts> & Pick<CloseFacts, 'code'>): StatusReason =>
  describeClose({
    reason: '',
    final: true,
    opened: true,
    attempts: 1,
    url,
    tokens: 'static',
    ...facts,
  });

export const reasons = {
  unreachable: close({ code: 1006, final: false, opened: false, attempts: 4 }),
  connectionLost: close({ code: 1006, final: false }),
  roomFull: close({
    code: 4408,
    reason: 'room is full (1000 connections)',
    final: false,
    backoffMs: 4000,
  }),
  tokenExpiredGetToken: close({ code: 4401, reason: 'token expired', tokens: 'getToken' }),
  tokenExpiredRenewing: close({
    code: 4401,
    reason: 'token expired',
    tokens: 'getToken',
    askingToken: true,
  }),
  tokenBadSignature: close({ code: 4401, reason: 'token signature does not verify' }),
  tokenMalformed: close({ code: 4401, reason: 'token malformed: Invalid Compact JWS' }),
  protocolMismatch: close({
    code: 4400,
    reason: 'protocol mismatch: server speaks 2, client spoke 1',
  }),
  misconfigured: close({
    code: 4500,
    reason: 'server misconfigured: REALSTREAM_RING_SIZE=lots: expected a whole number',
  }),
  originRefused: close({
    code: 4403,
    reason: 'origin https://shop.example is not allowed: add it to REALSTREAM_ALLOWED_ORIGINS',
  }),
} satisfies Record<string, StatusReason>;
