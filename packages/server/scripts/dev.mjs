#!/usr/bin/env node
// `npm start`: the room server with state persisted under .partykit/, serving examples/.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { privateVars } from './vars.mjs';
import { checkConfig } from './check-config.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
await checkConfig(process.env, `${root}.env`);
const port = process.env.PORT ?? '1999';
const args = [
  'dev',
  '--port',
  port,
  '--disable-request-cf-fetch',
  '--no-hotkeys',
  '--persist',
  '.partykit/state',
];
// The variables go in a file only this user reads, never in partykit's arguments (`ps` shows those).
const vars = privateVars(root);
args.push('-c', vars.config);
console.log(`Realstream: server and reference host on http://localhost:${port}/ (Ctrl+C to stop)`);
const child = spawn(`${root}node_modules/.bin/partykit`, args, { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => {
  vars.cleanup();
  process.exit(code ?? 0);
});
