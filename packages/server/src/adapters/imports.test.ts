// The room runs on two engines through the adapters in this folder: nothing else under
// packages/server/src may depend on either engine, or the engines' code paths would part.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('..', import.meta.url));
const ENGINE_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](partykit|partyserver)(?:\/[^'"]*)?['"]/g;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.ts$/.test(name)) out.push(path);
  }
  return out;
}

const enginesOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(ENGINE_IMPORT)].map((m) => m[1]);

describe('engine imports', () => {
  it('appear only in src/adapters/', () => {
    const offenders = sources(src)
      .filter((f) => !relative(src, f).startsWith('adapters/'))
      .flatMap((f) => enginesOf(f).map((engine) => `${relative(src, f)} imports ${engine}`));
    assert.deepEqual(offenders, []);
  });

  it('are found where they are (the check above can fail)', () => {
    assert.deepEqual(enginesOf(join(src, 'adapters/partykit.ts')), ['partykit']);
    assert.deepEqual(enginesOf(join(src, 'adapters/partyserver.ts')), ['partyserver']);
  });
});
