/**
 * A child process of the hostile bench: floods a room from N sockets, each reconnecting as soon as
 * the room closes it, until SIGTERM; then prints `{"frames":F,"closes":C}`. Apart from the bench
 * process so that the flood's own CPU does not slow the viewer that measures delivery.
 * Usage: flooder.ts WS_URL_WITHOUT_TOKEN TOKEN... (FLOOD_FRAME_BYTES pads each ping to about that size)
 */
import WebSocket from 'ws';

const [base, ...tokens] = process.argv.slice(2);
let stop = false;
let frames = 0;
let closes = 0;
const sockets = new Set<WebSocket>();
const pad = 'x'.repeat(Number(process.env.FLOOD_FRAME_BYTES ?? 0));

async function flood(token: string): Promise<void> {
  while (!stop) {
    const ws = new WebSocket(`${base}?token=${token}`);
    sockets.add(ws);
    await new Promise<void>((resolve) => {
      ws.once('open', () => {
        ws.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
        const burst = () => {
          if (stop || ws.readyState !== WebSocket.OPEN) return;
          for (let k = 0; k < 50; k++)
            ws.send(JSON.stringify(pad ? { type: 'ping', t: k, pad } : { type: 'ping', t: k }));
          frames += 50;
          setImmediate(burst);
        };
        burst();
      });
      ws.once('close', () => resolve());
      ws.once('error', () => resolve());
    });
    sockets.delete(ws);
    if (!stop) closes++;
  }
}

process.once('SIGTERM', () => {
  stop = true;
  for (const ws of sockets) ws.terminate();
});
await Promise.all(tokens.map(flood));
console.log(JSON.stringify({ frames, closes }));
