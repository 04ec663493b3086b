// `npm start` and `npm run start:wrangler` as a developer runs them, with a secret in the
// environment: the server enforces it, and no process on the machine shows it in its arguments
// (any local user reads those with `ps`). The variables reach the server through files only their
// owner can read, which are gone once the server stops.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@realstream/testing/harness';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const varsDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('realstream-vars-'));

for (const script of ['dev.mjs', 'dev-wrangler.mjs']) {
  describe(`${script} with REALSTREAM_SECRET set`, () => {
    it('enforces the secret, shows it in no process arguments, and removes its files on exit', async () => {
      const secret = `start-script-secret-${process.pid}-${Date.now()}-0123456789abcdef`;
      const port = await freePort();
      const before = new Set(varsDirs());
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', `packages/server/scripts/${script}`],
        {
          cwd: root,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            PORT: String(port),
            REALSTREAM_SECRET: secret,
            REALSTREAM_LOG_LEVEL: 'warn',
          },
        },
      );
      let output = '';
      child.stdout.on('data', (c) => (output += c));
      child.stderr.on('data', (c) => (output += c));
      try {
        const status = await waitFor(
          `${script} on port ${port}`,
          async () => {
            if (child.exitCode !== null) throw new Error(`${script} exited: ${output}`);
            const res = await fetch(`http://127.0.0.1:${port}/parties/main/lobby`);
            // 503: the front is up and the room server behind it is still starting.
            return res.status === 503 ? undefined : res.status;
          },
          { timeoutMs: 90_000, intervalMs: 250 },
        );
        assert.equal(status, 401, 'without a token the room refuses: the secret is in force');
        const args = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8', maxBuffer: 16 << 20 });
        assert.ok(args.split('\n').length > 3, 'ps listed the processes');
        assert.ok(!args.includes(secret), 'the secret is in a process argument');
        const made = varsDirs().filter((d) => !before.has(d));
        assert.equal(made.length, 1, 'one private folder for the variables');
        const dir = join(tmpdir(), made[0]!);
        assert.equal(statSync(dir).mode & 0o777, 0o700);
        for (const file of readdirSync(dir)) {
          assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600, file);
        }
        process.kill(-child.pid!, 'SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
        assert.ok(!existsSync(dir), 'the variables file outlived the server');
      } finally {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  });
}
