/**
 * A child process of the hostile bench: floods a room from N sockets, each reconnecting as soon as
 * the room closes it, until SIGTERM; then prints `{"frames":F,"closes":C}`. Apart from the bench
 * process so that the flood's own CPU does not slow the viewer that measures delivery.
 * Usage: flooder.ts WS_URL_WITHOUT_TOKEN TOKEN...
 */
import WebSocket from 'ws';

const [base, ...tokens] = process.argv.slice(2);
let stop = false;
let frames = 0;
let closes = 0;

async function flood(token: string): Promise<void> {
  while (!stop) {
    const ws = new WebSocket(`${base}?token=${token}`);
    await new Promise<void>((resolve) => {
      ws.once('open', () => {
        ws.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
        const burst = () => {
          if (stop || ws.readyState !== WebSocket.OPEN) return;
          for (let k = 0; k < 50; k++) ws.send(JSON.stringify({ type: 'ping', t: k }));
          frames += 50;
          setImmediate(burst);
        };
        burst();
      });
      ws.once('close', () => resolve());
      ws.once('error', () => resolve());
    });
    closes++;
  }
}

process.once('SIGTERM', () => (stop = true));
await Promise.all(tokens.map(flood));
console.log(JSON.stringify({ frames, closes }));
