/** The Lit literal minifier on its own: what it keeps matters more than what it drops. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { literalEdits, minifyHtmlText, minifyLiterals } from './minify-literals.mjs';

describe('minifyHtmlText', () => {
  it('collapses indentation and line breaks to one space, inside tags and between them', () => {
    assert.equal(
      minifyHtmlText('\n  <p\n    class="a  b"\n  >\n    <b>x</b>  <i>y</i>\n  </p\n  >\n'),
      ' <p class="a b" > <b>x</b> <i>y</i> </p > ',
    );
  });

  it('leaves single spaces and non-breaking spaces alone', () => {
    assert.equal(
      minifyHtmlText('<b>a</b> <i>b</i>\u00a0\u00a0c'),
      '<b>a</b> <i>b</i>\u00a0\u00a0c',
    );
  });

  it('keeps what a <pre> or <textarea> holds byte for byte, across parts', () => {
    const state = { raw: false };
    assert.equal(minifyHtmlText('<div>\n  <pre>\n  a  ', state), '<div> <pre>\n  a  ');
    assert.equal(state.raw, true);
    assert.equal(
      minifyHtmlText('  b\n</pre>\n  <textarea>\n x</textarea>\n', state),
      '  b\n</pre> <textarea>\n x</textarea> ',
    );
    assert.equal(state.raw, false);
  });
});

describe('minifyLiterals', () => {
  it('minifies css``, html`` and svg`` only, nested templates too, holes as written', () => {
    const code = [
      'const plain = `a\n   b`;',
      "const s = css`\n  .a { color: red; }\n  ${unsafeCSS(x ? '}' : `{ ${y} }`)}\n  .b\n  .c { x: y; }\n`;",
      'const t = html`<ul>\n  ${items.map((i) => html`<li>\n    ${i.replace(/`/g, "\'")}\n  </li>`)}\n</ul>`;',
      'const i = svg`<svg>\n  <path d="M0 0" />\n</svg>`;',
    ].join('\n');
    assert.equal(
      minifyLiterals(code),
      [
        'const plain = `a\n   b`;',
        "const s = css` .a{color:red}${unsafeCSS(x ? '}' : `{ ${y} }`)} .b .c{x:y}`;",
        'const t = html`<ul> ${items.map((i) => html`<li> ${i.replace(/`/g, "\'")} </li>`)} </ul>`;',
        'const i = svg`<svg> <path d="M0 0" /> </svg>`;',
      ].join('\n'),
    );
  });

  it('leaves a template rendered inside a <pre> as it is', () => {
    const code = 'html`<pre>\n${html`<b>\n  x</b>`}\n</pre>\n  <p>\n</p>`';
    assert.equal(minifyLiterals(code), 'html`<pre>\n${html`<b>\n  x</b>`}\n</pre> <p> </p>`');
  });

  it('changes nothing in a module without Lit literals', () => {
    assert.deepEqual(literalEdits('const a = `x\n   y`; const b = "html`  `";'), []);
  });
});
