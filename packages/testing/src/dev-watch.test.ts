// A build or a Storybook build while `npm start` runs must not restart the rooms. `partykit dev`
// rebuilds its worker, closing every socket and losing every room's ring, whenever the set of
// files under the folder it serves (examples/) changes: measured here, a file added under
// examples/ closed a room's socket 1.1 s later. So the build writes outside it (the loader and
// chunks in packages/elements/dist, the host's assets in dist/host, Storybook in storybook-static)
// and the front of `npm start` serves those. This suite writes new files in each of those
// places, as a build would, and checks the room goes on: the socket stays open, the next message
// takes the next seq, a reconnect resumes by replay (no snapshot fallback), and the front serves
// the new file without a restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServer, type TestServer } from './harness.js';
import { openRaw } from './raw-socket.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** How long the room is watched after the writes: four times the restart delay measured above. */
const WATCH_MS = 4500;

let server: TestServer;
const written: string[] = [];

before(async () => {
  server = await startServer({ front: true });
});

after(async () => {
  for (const file of written) rmSync(file, { force: true });
  await server?.stop();
});

test(
  'files written where the build and Storybook write leave the running rooms alone',
  { timeout: 60_000 },
  async () => {
    const socket = await openRaw(server, 'dev-watch', { name: 'Watcher' });
    const welcome = await socket.hello();
    socket.send({ type: 'message.send', id: 'before-build', text: 'before', reply: false });
    const first = await socket.next('ack', (f) => f.id === 'before-build');
    let closed: { code: number } | null = null;
    void socket.closed.then((c) => (closed = c));

    // New names, as a build with changed content makes them (chunk names carry hashes).
    const tag = randomBytes(4).toString('hex');
    const files = [
      join(root, 'packages/elements/dist', `probe-${tag}.js`),
      join(root, 'dist/host', `probe-${tag}.css`),
      join(root, 'storybook-static', `probe-${tag}.html`),
    ];
    for (const file of files) {
      mkdirSync(join(file, '..'), { recursive: true });
      written.push(file);
      writeFileSync(file, `/* ${tag} */\n`);
    }
    // Absence of a restart can only be seen over a window; it is several restart delays long.
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    assert.equal(closed, null, 'the socket is still open');

    socket.send({ type: 'message.send', id: 'after-build', text: 'after', reply: false });
    const second = await socket.next('ack', (f) => f.id === 'after-build');
    assert.equal(second.seq, first.seq + 1, 'the seq continues where it was');

    const again = await openRaw(server, 'dev-watch', { name: 'Watcher' });
    const resumed = await again.hello(first.seq);
    assert.equal(resumed.resume, 'replay', 'a reconnect replays from the ring: no snapshot');
    assert.ok(!again.frames.some((f) => f.type === 'snapshot'), 'no snapshot frame');
    assert.ok(resumed.seq >= second.seq && welcome.seq < resumed.seq);

    const served = await fetch(`${server.url}/host/probe-${tag}.css`);
    assert.equal(served.status, 200, 'the front serves a file the build just wrote');
    assert.equal(await served.text(), `/* ${tag} */\n`);
    socket.close();
    again.close();
  },
);
