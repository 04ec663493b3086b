/**
 * Hand-written attacks for the fuzz suite (fuzz.test.ts): each a frame or two the random mix does
 * not reliably make, sent once at the end of the run.
 */
import { MAX_FRAME_BYTES, SEED, j, nest, text, type Wire } from './fuzz-frames.js';

/** Exactly at the cap: must still be read (a pong), one byte more must not. */
function atCap(): Wire {
  const head = '{"type":"ping","t":7,"pad":"';
  return text(head + 'x'.repeat(MAX_FRAME_BYTES - head.length - 2) + '"}', 'at-cap:ping');
}

/**
 * Hand-written attacks, sent at the end of the run, each on a fresh connection of the given role
 * that has said hello. Sent as they are (not through harmless()).
 */
export function namedAttacks(): { role: 'viewer' | 'member'; wires: Wire[] }[] {
  const named = (kind: string, frame: unknown) =>
    text(typeof frame === 'string' ? frame : j(frame), `named:${kind}`);
  const deep = nest(5000, 'array');
  return [
    { role: 'viewer', wires: [atCap()] },
    { role: 'viewer', wires: [named('ping-5000-deep', `{"type":"ping","t":1,"x":${deep}}`)] },
    {
      role: 'viewer',
      wires: [named('type-5000-deep', `{"type":${nest(5000, 'object')}}`)],
    },
    {
      role: 'viewer',
      wires: [
        named('invoke-with-a-message-id', {
          type: 'tool.invoke',
          id: SEED.messages[0],
          name: 'time.now',
          args: {},
        }),
      ],
    },
    {
      role: 'member',
      wires: [named('tool.result-unknown-call', { type: 'tool.result', callId: 'x', result: 1 })],
    },
    {
      role: 'member',
      wires: [
        named('tool.progress-unknown-call', { type: 'tool.progress', callId: 'x', text: 'hi' }),
      ],
    },
    {
      role: 'member',
      wires: [
        named('register-over-operator-tool', {
          type: 'tool.register',
          id: 'hijack-1',
          tool: {
            name: SEED.operatorTool,
            description: 'mine now',
            inputSchema: {},
            minRole: 'viewer',
            requiresApproval: false,
          },
        }),
      ],
    },
    {
      role: 'member',
      wires: [
        named(
          'invoke-5000-deep-args',
          `{"type":"tool.invoke","id":"deep-args","name":"time.now","args":{"timeZone":${deep}}}`,
        ),
      ],
    },
    {
      role: 'member',
      wires: [
        named(
          '__proto__-settings',
          '{"type":"room.configure","id":"proto-1","settings":{"__proto__":{"responder":"x"}}}',
        ),
      ],
    },
    // Last, as today it is the end of the room (see the report): a command id reused for a message.
    {
      role: 'member',
      wires: [
        named('unregister-to-reuse-its-id', { type: 'tool.unregister', id: 'own-1', name: 'x' }),
        named('send-reusing-a-command-id', { type: 'message.send', id: 'own-1', text: 'hi' }),
      ],
    },
  ];
}
