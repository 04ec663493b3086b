/** The css`` minifier on its own: what it keeps matters more than what it drops. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { minifyCssLiterals, minifyCssText } from './minify-css.mjs';

describe('minifyCssText', () => {
  it('drops comments and indentation, keeping one line per source line', () => {
    const src = '\n  /* why */\n  .a {\n    color: red;\n  }\n';
    const out = minifyCssText(src);
    assert.equal(out, '\n\n.a{\ncolor:red\n}\n');
    assert.equal(out.split('\n').length, src.split('\n').length);
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

describe('minifyCssLiterals', () => {
  it('minifies css`` literals only, and keeps their ${} holes as written', () => {
    const code = [
      'const t = html`<p class="a  b"></p>`;',
      'const s = css`',
      '  .a { color: red; }',
      "  ${unsafeCSS(x ? '}' : `{ ${y} }`)}",
      '  .b { color: blue; }',
      '`;',
    ].join('\n');
    assert.equal(
      minifyCssLiterals(code),
      [
        'const t = html`<p class="a  b"></p>`;',
        'const s = css`',
        '.a{color:red}',
        "${unsafeCSS(x ? '}' : `{ ${y} }`)}",
        '.b{color:blue}',
        '`;',
      ].join('\n'),
    );
  });

  it('returns null for a module without css``, and refuses an unterminated one', () => {
    assert.equal(minifyCssLiterals('const a = `x  y`;'), null);
    assert.throws(() => minifyCssLiterals('css`.a { color: red'), SyntaxError);
  });
});
