/**
 * What the bench's baselines answer to a client's hello: a `welcome` and an empty `snapshot`, shaped
 * like the room's, so the bench's clients treat them as a room. Plain code: it runs both in node
 * (ws-baseline.ts) and in workerd (party-baseline.ts).
 */
export function helloAnswer(room: string, seq: number, params: URLSearchParams): string[] {
  const user = {
    id: params.get('uid') ?? 'guest',
    name: params.get('name') ?? 'Guest',
    role: 'operator',
  };
  return [
    JSON.stringify({
      type: 'welcome',
      protocol: 1,
      room,
      connectionId: crypto.randomUUID(),
      user,
      seq,
      resume: 'snapshot',
      devMode: true,
      limits: { maxFrameBytes: 65536, maxMessageChars: 8000 },
    }),
    JSON.stringify({
      type: 'snapshot',
      seq,
      messages: [],
      hasMore: false,
      presence: [user],
    }),
  ];
}
