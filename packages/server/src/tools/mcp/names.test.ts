import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ToolNameSchema } from '@realstream/protocol';
import { roomToolNames, serverNameConflict } from './names.js';

describe('MCP tool names in a room', () => {
  it('namespaces and normalises names, keeping the original for calls', () => {
    const names = roomToolNames('docs', ['search', 'Get File', 'get_file', '9lives']);
    assert.deepEqual(
      [...names],
      [
        ['docs.search', 'search'],
        ['docs.get_file', 'Get File'],
        ['docs.get_file_2', 'get_file'],
        ['docs.t_9lives', '9lives'],
      ],
    );
    for (const name of names.keys()) assert.ok(ToolNameSchema.safeParse(name).success, name);
  });

  it('keeps long names within the limit', () => {
    const [name] = roomToolNames('docs', ['x'.repeat(200), 'x'.repeat(201)]).keys();
    assert.ok(name.length <= 64);
    assert.equal(roomToolNames('docs', ['x'.repeat(200), 'x'.repeat(201)]).size, 2);
  });

  it("refuses a built-in's namespace and a name in use", () => {
    assert.match(String(serverNameConflict('time', ['time.now'], [])), /namespace/);
    assert.match(String(serverNameConflict('docs', [], ['docs'])), /already added/);
    assert.equal(serverNameConflict('docs', ['time.now', 'docsearch.x'], ['wiki']), null);
  });
});
