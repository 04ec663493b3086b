import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ThinkTags, type ThinkPiece } from './think-tags.js';

/** Feeds `chunks` and returns the joined text and reasoning, and each piece as it came. */
function run(chunks: string[]) {
  const tags = new ThinkTags();
  const pieces: ThinkPiece[] = [...chunks.flatMap((c) => tags.push(c)), ...tags.end()];
  const of = (type: ThinkPiece['type']) =>
    pieces
      .filter((p) => p.type === type)
      .map((p) => p.text)
      .join('');
  return { text: of('text'), reasoning: of('reasoning'), pieces };
}

/** Every way of cutting `whole` into two chunks, and one character at a time. */
function cuts(whole: string): string[][] {
  const out = [[whole], [...whole]];
  for (let i = 1; i < whole.length; i++) out.push([whole.slice(0, i), whole.slice(i)]);
  return out;
}

describe('ThinkTags', () => {
  it('splits leading <think> reasoning off the answer, however the tags are cut', () => {
    const whole = '<think>\nRooms are logs. <b>bold</b> < not a tag\n</think>\n\nThe answer.';
    for (const chunks of cuts(whole)) {
      const { text, reasoning } = run(chunks);
      assert.equal(reasoning, 'Rooms are logs. <b>bold</b> < not a tag', JSON.stringify(chunks));
      assert.equal(text, 'The answer.', JSON.stringify(chunks));
    }
  });

  it('leaves an answer alone that does not open with the tag', () => {
    for (const whole of ['Hello <think>not reasoning</think>', '<thin', '<b>bold</b>', '  \n']) {
      for (const chunks of cuts(whole)) {
        const { text, reasoning } = run(chunks);
        assert.equal(text, whole, JSON.stringify(chunks));
        assert.equal(reasoning, '');
      }
    }
  });

  it('streams reasoning as it comes, holding back only what may be the closing tag', () => {
    const tags = new ThinkTags();
    assert.deepEqual(tags.push('<think>'), []);
    assert.deepEqual(tags.push('Rooms'), [{ type: 'reasoning', text: 'Rooms' }]);
    assert.deepEqual(tags.push(' are logs </th'), [{ type: 'reasoning', text: ' are logs' }]);
    assert.deepEqual(tags.push('ink>Yes'), [{ type: 'text', text: 'Yes' }]);
    assert.deepEqual(tags.push(' <think>'), [{ type: 'text', text: ' <think>' }]);
  });

  it('a reply cut off mid-thought keeps what it thought', () => {
    const { text, reasoning } = run(['<think>Rooms are', ' logs </thi']);
    assert.equal(reasoning, 'Rooms are logs </thi');
    assert.equal(text, '');
  });
});
