// @ts-check
// A plain node ESM consumer of @realstream/client (no TypeScript, no bundler): joins a room, sends
// one message and prints the assistant's reply to stdout as it streams in, then exits; exit 1 when
// the reply ends in anything but `complete` or does not end in time.
// Usage: node reply.mjs HOST ROOM PROMPT
import { setTimeout, clearTimeout } from 'node:timers';
import { connect } from '@realstream/client';
import WebSocket from 'ws';

const [host, room, prompt] = process.argv.slice(2);
if (!host || !room || !prompt) {
  console.error('usage: node reply.mjs HOST ROOM PROMPT');
  process.exit(2);
}

// Node 20 has no global WebSocket: the client takes `ws`.
const client = connect({ host, room, name: 'Node', WebSocket });
const deadline = setTimeout(() => {
  console.error('\nno finished reply within 30 s');
  process.exit(1);
}, 30_000);

/** @type {string | undefined} the id of the message sent, once the server has it */
let sent;
let printed = 0;
/** @param {readonly import('@realstream/client').ClientMessage[]} messages */
function print(messages) {
  const reply = sent && messages.find((m) => m.author.kind === 'assistant' && m.replyTo === sent);
  if (!reply) return;
  process.stdout.write(reply.text.slice(printed));
  printed = reply.text.length;
  if (reply.status === 'streaming') return;
  process.stdout.write('\n');
  clearTimeout(deadline);
  client.close();
  if (reply.status !== 'complete') {
    console.error(`the reply ended ${reply.status}: ${reply.error?.message ?? ''}`);
    process.exitCode = 1;
  }
}

client.$messages.subscribe(print);
const ack = await client.send(prompt);
sent = ack.messageId;
// The reply may have started before the ack came back.
print(client.$messages.get());
