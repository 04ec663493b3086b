#!/usr/bin/env node
// `npm start`: the room server with state persisted under .partykit/, serving examples/, behind
// the front (dev-front.mjs) that serves what the build writes: nothing is built into examples/.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { privateVars } from './vars.mjs';
import { checkConfig } from './check-config.mjs';
import { freePort, startFront } from './dev-front.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
await checkConfig(process.env, `${root}.env`);
const port = process.env.PORT ?? '1999';
const inner = await freePort();
const args = [
  'dev',
  '--port',
  String(inner),
  '--disable-request-cf-fetch',
  '--no-hotkeys',
  '--persist',
  '.partykit/state',
];
// The variables go in a file only this user reads, never in partykit's arguments (`ps` shows those).
const vars = privateVars(root);
args.push('-c', vars.config);
console.log(`Realstream: server and reference host on http://localhost:${port}/ (Ctrl+C to stop)`);
const front = await startFront({ port: Number(port), upstreamPort: inner });
const child = spawn(`${root}node_modules/.bin/partykit`, args, { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => {
  front.close();
  vars.cleanup();
  process.exit(code ?? 0);
});
