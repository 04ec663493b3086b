/** Browser-side helpers for the element tests. */

let config: Promise<{ host: string; url: string }> | undefined;

/** Where the suite's `partykit dev` listens (served by the wtr plugin in test/server-plugin.mjs). */
export function testServer(): Promise<{ host: string; url: string }> {
  config ??= fetch('/__realstream-config').then((r) => r.json());
  return config;
}

let rooms = 0;
/** A room of its own for each test: rooms are isolated, so tests never see each other's messages. */
export function uniqueRoom(prefix = 'el'): string {
  return `${prefix}-${Date.now().toString(36)}-${++rooms}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Waits for a condition with a deadline: never sleep-and-hope. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The server's history of a room, as GET /messages returns it. */
export async function serverMessages(
  room: string,
): Promise<{ id: string; text: string; status: string }[]> {
  const { url } = await testServer();
  const res = await fetch(`${url}/parties/main/${encodeURIComponent(room)}/messages?limit=100`);
  if (!res.ok) throw new Error(`GET messages: HTTP ${res.status}`);
  return (await res.json()).messages;
}
