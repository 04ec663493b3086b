import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@cfworker/json-schema';
import { ToolNameSchema } from '@realstream/protocol';
import type { ToolRunContext } from '../types.js';
import { builtinTools } from './index.js';

describe('builtinTools', () => {
  it('offers time, math, text and room tools, without http.fetch when no host is allowed', () => {
    const names = builtinTools({ httpFetchHosts: [] }).map((t) => t.name);
    assert.deepEqual(names, ['time.now', 'math.evaluate', 'text.stats', 'room.info']);
  });

  it('adds http.fetch, switched off, when hosts are allowed', async () => {
    let fetched = '';
    const tools = builtinTools({
      httpFetchHosts: ['api.example.com'],
      fetch: async (input) => ((fetched = String(input)), new Response('ok')),
    });
    const http = tools.find((t) => t.name === 'http.fetch');
    assert.ok(http);
    assert.equal(http.enabledByDefault, false);
    const ctx = {
      signal: new AbortController().signal,
      progress() {},
    } as unknown as ToolRunContext;
    const out = (await http.run({ url: 'https://api.example.com/v1' }, ctx)) as { body: string };
    assert.equal(out.body, 'ok');
    assert.equal(fetched, 'https://api.example.com/v1', 'the injected fetch was used');
  });

  it('gives every tool a valid name, a description and compilable strict schemas', () => {
    for (const tool of builtinTools({ httpFetchHosts: ['example.com'] })) {
      assert.ok(ToolNameSchema.safeParse(tool.name).success, tool.name);
      assert.ok(tool.title && tool.description.length > 20, tool.name);
      assert.ok(tool.timeoutMs >= 100 && tool.timeoutMs <= 600_000, tool.name);
      for (const schema of [tool.inputSchema, tool.outputSchema]) {
        assert.ok(schema, `${tool.name} has both schemas`);
        assert.equal(schema.type, 'object');
        assert.equal(schema.additionalProperties, false, tool.name);
        new Validator(schema as object, '2020-12', false); // throws on a malformed schema
      }
    }
  });
});
