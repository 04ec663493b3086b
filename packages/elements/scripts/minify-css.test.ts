/** The css`` minifier on its own: what it keeps matters more than what it drops. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { minifyCssText } from './minify-css.mjs';

describe('minifyCssText', () => {
  it('drops comments and indentation, keeping one line per source line', () => {
    const src = '\n  /* why */\n  .a {\n    color: red;\n  }\n';
    const out = minifyCssText(src);
    assert.equal(out, '\n\n.a{\ncolor:red\n}\n');
    assert.equal(out.split('\n').length, src.split('\n').length);
  });

  it('drops the line breaks too when told to', () => {
    const src = '\n  /* why */\n  .a {\n    color: red;\n  }\n  .b\n  .c { x: y }\n';
    assert.equal(minifyCssText(src, { lines: false }), ' .a{color:red}.b .c{x:y}');
  });

  it('keeps the whitespace that means something', () => {
    assert.equal(
      minifyCssText('.a  .b :is(p) {x: calc(1px + 2px)}'),
      '.a .b :is(p){x:calc(1px + 2px)}',
    );
    assert.equal(minifyCssText('.a > .b ,\n .c { margin: 0 auto }'), '.a>.b,\n.c{margin:0 auto}');
  });

  it('leaves strings alone, comment-like text and escapes included', () => {
    const src = `.q::before { content: ' /* not a comment */  '; } .r { content: "a\\"  b"; }`;
    assert.equal(
      minifyCssText(src),
      `.q::before{content:' /* not a comment */  '}.r{content:"a\\"  b"}`,
    );
  });
});
