#!/usr/bin/env node
// `npm run example:npm-app` (repository root; it builds the packages first): the room server
// (`partykit dev`) and this app's Vite dev server, sharing one REALSTREAM_SECRET so that the room
// requires the tokens /api/token signs, and with the app's origin in REALSTREAM_ALLOWED_ORIGINS.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { checkConfig } from '../../../packages/server/scripts/check-config.mjs';
import { privateVars } from '../../../packages/server/scripts/vars.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const app = fileURLToPath(new URL('../', import.meta.url));
const roomPort = process.env.REALSTREAM_PORT ?? '1999';
const appPort = process.env.PORT ?? '5173';

let secret = process.env.REALSTREAM_SECRET;
if (!secret) {
  secret = randomBytes(32).toString('base64url');
  console.log(
    'REALSTREAM_SECRET is not set: generated a random one for this run, given to both the room ' +
      'server and the app (set it yourself to keep tokens valid across restarts).',
  );
}
// Both spellings a browser may use for the dev server, plus whatever the caller allowed already.
const origins = [
  ...(process.env.REALSTREAM_ALLOWED_ORIGINS ?? '').split(','),
  `http://localhost:${appPort}`,
  `http://127.0.0.1:${appPort}`,
]
  .map((o) => o.trim())
  .filter((o) => o && o !== '*');
const shared = { REALSTREAM_SECRET: secret, REALSTREAM_ALLOWED_ORIGINS: origins.join(',') };
await checkConfig({ ...process.env, ...shared }, `${root}.env`);
// The room server's variables go in a file only this user reads, not in its arguments (`ps`).
const vars = privateVars(root, { ...process.env, ...shared });

const children = [
  spawn(
    `${root}node_modules/.bin/partykit`,
    [
      'dev',
      '--port',
      roomPort,
      '--disable-request-cf-fetch',
      '--no-hotkeys',
      '--persist',
      '.partykit/state',
      '-c',
      vars.config,
    ],
    { cwd: root, stdio: 'inherit' },
  ),
  spawn(`${root}node_modules/.bin/vite`, ['--configLoader', 'runner'], {
    cwd: app,
    stdio: 'inherit',
    env: {
      ...process.env,
      ...shared,
      PORT: appPort,
      REALSTREAM_HOST: process.env.REALSTREAM_HOST ?? `localhost:${roomPort}`,
      // You are the only one in your local room: as its operator you see the dashboard's figures
      // and the tool switches. The route itself defaults to member.
      REALSTREAM_ROLE: process.env.REALSTREAM_ROLE ?? 'operator',
    },
  }),
];
console.log(
  `Realstream npm-app: open http://localhost:${appPort}/ (room server on port ${roomPort}; ` +
    'Ctrl+C stops both)',
);

// One goes, both go: a dev server without its room server (or the reverse) is no use.
let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  vars.cleanup();
  process.exitCode = code;
};
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop(0));
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
