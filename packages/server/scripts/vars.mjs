// The REALSTREAM_* variables of the calling environment, handed to the dev server, so
// `REALSTREAM_SECRET=... npm start` works as one would expect (partykit dev and wrangler dev read
// neither the environment nor each other's files).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export function realstreamVars(env = process.env, extra = {}) {
  return {
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('REALSTREAM_'))),
    ...extra,
  };
}

/**
 * As `partykit dev --var` flags. Only for test servers: flags are in the process's arguments,
 * which every local user reads with `ps`, so `npm start` uses {@link privateVars} instead.
 */
export function varFlags(env = process.env, extra = {}) {
  return Object.entries(realstreamVars(env, extra)).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
}

/** One dotenv line: single quotes keep a value literal (JSON included); otherwise escaped. */
function dotenvLine(key, value) {
  const text = String(value);
  if (!/['\n\r]/.test(text)) return `${key}='${text}'`;
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n');
  return `${key}="${escaped}"`;
}

/**
 * The variables in files only their owner may read (a 0700 folder, 0600 files), not in any
 * process's arguments: `config` is partykit.json with absolute paths and the variables as `vars`
 * (for `partykit dev -c`), `envFile` the same variables for `wrangler dev --env-file`. `cleanup()`
 * removes them; the start scripts call it when the server exits.
 */
export function privateVars(root, env = process.env) {
  const vars = realstreamVars(env);
  const dir = mkdtempSync(join(tmpdir(), 'realstream-vars-'));
  chmodSync(dir, 0o700);
  const project = JSON.parse(readFileSync(join(root, 'partykit.json'), 'utf8'));
  const at = (path) => resolve(root, path);
  const config = {
    ...project,
    main: at(project.main),
    serve: project.serve && { ...project.serve, path: at(project.serve.path) },
    parties: Object.fromEntries(Object.entries(project.parties ?? {}).map(([k, v]) => [k, at(v)])),
    vars: { ...project.vars, ...vars },
  };
  const write = (name, text) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  return {
    config: write('partykit.json', JSON.stringify(config, null, 2)),
    envFile: write(
      '.env',
      Object.entries(vars)
        .map(([k, v]) => dotenvLine(k, v))
        .join('\n') + '\n',
    ),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
