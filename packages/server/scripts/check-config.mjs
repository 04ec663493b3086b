// Refuses to start a server whose REALSTREAM_* variables are invalid, naming the variable: a
// running server with a bad value would only answer every request with the problem. Reads the
// variables the server will get (the environment, and the .env file partykit dev also reads) with
// the server's own reader. Needs tsx (the start scripts run under `node --import tsx`).
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export async function checkConfig(env = process.env, envFile = '.env') {
  const { readConfig, ConfigError } = await import('../src/config.ts');
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  try {
    readConfig({ ...fromFile, ...env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Realstream: the server's configuration is invalid.\n  ${err.message}`);
    process.exit(2);
  }
}
