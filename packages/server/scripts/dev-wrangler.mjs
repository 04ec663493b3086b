#!/usr/bin/env node
// `npm run start:wrangler`: the same rooms on partyserver under `wrangler dev` (current workerd,
// SQLite-backed Durable Objects), state persisted under .wrangler/state/, serving examples/ as
// wrangler assets, behind the front (dev-front.mjs) that serves what the build writes. wrangler
// runs on Node >= 22.12, installed into .cache/ when this Node is older.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WRANGLER, wranglerEnv, wranglerNode } from './wrangler.mjs';
import { privateVars } from './vars.mjs';
import { checkConfig } from './check-config.mjs';
import { freePort, startFront } from './dev-front.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
await checkConfig(process.env, `${root}.env`);
const port = process.env.PORT ?? '1999';
const inner = await freePort();
const args = [WRANGLER, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(inner)];
args.push('--persist-to', '.wrangler/state', '--show-interactive-dev-session=false');
// The variables go in a file only this user reads, never in wrangler's arguments (`ps` shows those).
const vars = privateVars(root);
args.push('--env-file', vars.envFile);
const node = wranglerNode();
console.log(
  `Realstream on wrangler: server and reference host on http://localhost:${port}/ (Ctrl+C to stop)`,
);
const front = await startFront({ port: Number(port), upstreamPort: inner });
const child = spawn(node, args, { cwd: root, stdio: 'inherit', env: wranglerEnv() });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => {
  front.close();
  vars.cleanup();
  process.exit(code ?? 0);
});
