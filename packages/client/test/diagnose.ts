/** Waits that say what the client was doing when they time out, so a failure can be understood. */
import { waitFor } from '@realstream/testing/harness';
import type { ClientEvent, RealstreamClient } from '../src/index.js';

const journals = new WeakMap<RealstreamClient, string[]>();

/** Starts recording a client's events and status changes (the last 30 are kept). */
export function journal(c: RealstreamClient): RealstreamClient {
  if (journals.has(c)) return c;
  const lines: string[] = [];
  const t0 = Date.now();
  const add = (line: string) => {
    lines.push(`+${Date.now() - t0}ms ${line}`);
    if (lines.length > 30) lines.shift();
  };
  c.$events.listen((e: ClientEvent | null) => e && add(JSON.stringify(e)));
  c.$status.listen((s) =>
    add(`status ${s.state} attempt=${s.attempt} lastSeq=${s.lastSeq} ${s.reason ?? ''}`),
  );
  journals.set(c, lines);
  return c;
}

export function describeClient(c: RealstreamClient): string {
  const status = c.$status.get();
  const messages = c.$messages
    .get()
    .map((m) => `${m.seq}:${m.status}${m.local ? `/${m.local}` : ''}:${m.text.length}`);
  return [
    `status ${JSON.stringify({ ...status, user: status.user?.id, limits: undefined })}`,
    `stats ${JSON.stringify(c.stats)}`,
    `messages ${messages.join(' ')}`,
    ...(journals.get(c) ?? ['(no journal)']).map((l) => `  ${l}`),
  ].join('\n');
}

/** waitFor, plus the client's story in the error. */
export async function waitForClient<T>(
  c: RealstreamClient,
  what: string,
  check: () => T,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  try {
    return await waitFor(what, check, { timeoutMs });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${describeClient(c)}`);
  }
}
