import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DEPTH } from './inline-nodes.js';
import { lex } from './lexer.js';
import { stableCount } from './stream.js';
import type { Block, Inline } from './tokens.js';

const blocks = (src: string) => lex(src, Object.create(null));

/** The inline tokens of a text that is one paragraph. */
function inline(src: string): Inline[] {
  const [p, ...rest] = blocks(src);
  assert.equal(p.type, 'paragraph', JSON.stringify(src));
  assert.deepEqual(rest, []);
  return p.tokens;
}

/** Inline tokens as a compact string: `em(a)`, `link[href](text)`, `br`. */
function show(tokens: Inline[]): string {
  return tokens
    .map((t) => {
      switch (t.type) {
        case 'text':
          return t.text;
        case 'br':
          return '<br>';
        case 'codespan':
          return `code(${t.text})`;
        case 'image':
          return `img[${t.href}](${t.text})`;
        case 'link':
          return `link[${t.href}${t.title ? ` "${t.title}"` : ''}](${show(t.tokens)})`;
        default:
          return `${t.type}(${show(t.tokens)})`;
      }
    })
    .join('');
}

/** Deepest nesting of blocks and inline spans, walked without recursion. */
function depth(tokens: Block[]): number {
  let max = 0;
  const stack: [unknown, number][] = tokens.map((t) => [t, 1]);
  while (stack.length) {
    const [node, d] = stack.pop()!;
    max = Math.max(max, d);
    const n = node as { tokens?: unknown[]; items?: { tokens: unknown[] }[] };
    for (const child of n.tokens ?? []) stack.push([child, d + 1]);
    for (const item of n.items ?? []) for (const child of item.tokens) stack.push([child, d + 1]);
  }
  return max;
}

describe('markdown lexer: inline', () => {
  it('parses emphasis as CommonMark does, including the rule of 3 and intraword underscores', () => {
    assert.equal(
      show(inline('*a* _b_ **c** __d__ ~~e~~ ~f~')),
      'em(a) em(b) strong(c) strong(d) del(e) del(f)',
    );
    assert.equal(show(inline('***x*** **a *b* c**')), 'em(strong(x)) strong(a em(b) c)');
    assert.equal(show(inline('*foo**bar*')), 'em(foo**bar)');
    assert.equal(show(inline('snake_case_name and 2*3*4')), 'snake_case_name and 2em(3)4');
    assert.equal(show(inline('a * not em * and ~~~x~~~')), 'a * not em * and ~~~x~~~');
  });

  it('applies escapes, decodes entities in text but not in code, and keeps raw HTML as text', () => {
    assert.equal(show(inline('\\*no\\* \\_x\\_ \\\\ \\a')), '*no* _x_ \\ \\a');
    assert.equal(show(inline('&amp; &#42;no&#42; &bogus; `&amp;`')), '& *no* &bogus; code(&amp;)');
    assert.equal(show(inline('a <b>bold</b> <img src=x>')), 'a <b>bold</b> <img src=x>');
  });

  it('parses code spans: longest match of equal runs, one space stripped, newlines as spaces', () => {
    assert.equal(show(inline('`` a`b `` ` c ` `  ` ```x``')), 'code(a`b) code(c) code(  ) ```x``');
    assert.equal(show(inline('`one\ntwo` `*not em*`')), 'code(one two) code(*not em*)');
  });

  it('turns every newline into a line break (chat semantics), trimming the spaces around it', () => {
    assert.equal(show(inline('one  \n   two\\\nthree')), 'one<br>two<br>three');
  });

  it('parses inline links and images with titles, angle destinations and nested parentheses', () => {
    assert.equal(
      show(
        inline(
          '[a](https://x.example/(p) "T") [b](<https://y.example/a b>) ![c *d*](https://i.example)',
        ),
      ),
      'link[https://x.example/(p) "T"](a) link[https://y.example/a b](b) img[https://i.example](c d)',
    );
    assert.equal(
      show(inline('[a](&#106;s:x) [b](https://x\\_y)')),
      'link[js:x](a) link[https://x_y](b)',
    );
    assert.equal(
      show(inline('[not a link] (https://x) [x](y z)')),
      '[not a link] (link[https://x](https://x)) [x](y z)',
    );
  });

  it('resolves full, collapsed and shortcut references, case-insensitively, first one winning', () => {
    const src =
      '[Ref] [x][REF] [ref][] [none][nope]\n\n[ref]: https://a.example "A"\n[REF]: https://b.example';
    const [p, , def, def2] = blocks(src);
    assert.equal(p.type, 'paragraph');
    assert.equal(
      show(p.tokens),
      'link[https://a.example "A"](Ref) link[https://a.example "A"](x) link[https://a.example "A"](ref) [none][nope]',
    );
    assert.deepEqual([def.type, def2.type], ['def', 'def']);
  });

  it('links bare URLs and <autolinks>, leaving trailing punctuation and unopened ) outside', () => {
    assert.equal(
      show(
        inline(
          'see https://a.example/x_(y)). or www.b.example, <mailto:c@d.example> <e@f.example>',
        ),
      ),
      'see link[https://a.example/x_(y)](https://a.example/x_(y))). or ' +
        'link[http://www.b.example](www.b.example), link[mailto:c@d.example](mailto:c@d.example) ' +
        'link[mailto:e@f.example](e@f.example)',
    );
    assert.equal(
      show(inline('**https://a.example**')),
      'strong(link[https://a.example](https://a.example))',
    );
  });

  it('never nests a link in a link', () => {
    assert.equal(
      show(inline('[x [y](https://y.example) z](https://x.example)')),
      '[x link[https://y.example](y) z](link[https://x.example](https://x.example))',
    );
    assert.equal(
      show(inline('[see https://y.example](https://x.example)')),
      'link[https://x.example](see https://y.example)',
    );
  });
});

describe('markdown lexer: blocks', () => {
  it('splits a text into blocks whose raw sources add up to the text', () => {
    const src =
      '# h\n\npara\nmore\n\n\n- a\n- b\n\n```js\ncode\n```\n> q\n\n| a |\n| - |\n| 1 |\n\n---\ntail';
    const tokens = blocks(src);
    assert.equal(tokens.map((t) => t.raw).join(''), src);
    assert.deepEqual(
      tokens.map((t) => t.type),
      [
        'heading',
        'space',
        'paragraph',
        'space',
        'list',
        'space',
        'code',
        'blockquote',
        'space',
        'table',
        'space',
        'hr',
        'paragraph',
      ],
    );
  });

  it('parses setext and ATX headings with closing hashes', () => {
    const [h1, , h2, , h3] = blocks('Title\n=====\n\nSub\n---\n\n### three ###');
    assert.deepEqual(
      [h1, h2, h3].map((h) => (h.type === 'heading' ? [h.depth, show(h.tokens)] : h.type)),
      [
        [1, 'Title'],
        [2, 'Sub'],
        [3, 'three'],
      ],
    );
  });

  it('parses fenced code (backticks, tildes, unclosed) and indented code verbatim', () => {
    const code = (src: string) =>
      blocks(src)
        .filter((t) => t.type === 'code')
        .map((t) => (t.type === 'code' ? [t.lang, t.text] : []));
    assert.deepEqual(code('~~~ py extra\n*x* &amp;\n~~~'), [['py extra', '*x* &amp;']]);
    assert.deepEqual(code('````\n```\nstill\n'), [['', '```\nstill']]);
    assert.deepEqual(code('    one\n\n    two\n\npara'), [['', 'one\n\ntwo']]);
    assert.deepEqual(code('para\n    not code'), []);
  });

  it('parses tight and loose lists, tasks, nesting and lazy lines', () => {
    const [tight] = blocks('- [x] done\n- [ ] open\n  - nested\nlazy');
    assert.equal(tight.type, 'list');
    assert.deepEqual(
      tight.items.map((i) => [i.task, i.checked, i.tokens.map((t) => t.type).join(',')]),
      [
        [true, true, 'text'],
        [true, false, 'text,list'],
      ],
    );
    const [loose] = blocks('1) a\n\n2) b');
    assert.equal(loose.type, 'list');
    assert.deepEqual(
      [loose.ordered, loose.start, loose.items[0].tokens[0].type],
      [true, 1, 'paragraph'],
    );
    // A different bullet starts another list.
    assert.deepEqual(
      blocks('- a\n+ b').map((t) => t.type),
      ['list', 'list'],
    );
  });

  it('parses quotes with lazy continuation and GFM tables with alignment and escaped pipes', () => {
    const [quote] = blocks('> a\nlazy\n> > nested');
    assert.equal(quote.type, 'blockquote');
    assert.deepEqual(
      quote.tokens.map((t) => t.type),
      ['paragraph', 'blockquote'],
    );
    const [table] = blocks('a | b\n:-: | --:\n`x\\|y` | 2\nrow without pipes');
    assert.equal(table.type, 'table');
    assert.deepEqual(table.align, ['center', 'right']);
    assert.deepEqual(
      table.rows.map((r) => r.map((c) => show(c.tokens))),
      [
        ['code(x|y)', '2'],
        ['row without pipes', ''],
      ],
    );
  });

  it('keeps raw HTML blocks as text up to a blank line', () => {
    const [html, , p] = blocks('<div>\n<script>x</script>\n\nafter');
    assert.deepEqual(html, {
      type: 'html',
      raw: '<div>\n<script>x</script>\n',
      text: '<div>\n<script>x</script>',
    });
    assert.equal(p.type, 'paragraph');
  });
});

describe('markdown lexer: streaming', () => {
  // MarkdownStream keeps the blocks before the last two with content, rendered once. That is only
  // right if appending text never changes them: checked here on every prefix of random documents
  // made of the constructs whose meaning changes as text arrives. (Reference definitions are left
  // out: one arriving after its use is the reach-back the stream knowingly misses.)
  const LINES = [
    '# Head',
    'para with *em* and `code`',
    '',
    '',
    '- item',
    '  - nested',
    '1. one',
    '2. two',
    '   continued',
    '> quote',
    'lazy line',
    '```js',
    'code()',
    '```',
    '~~~',
    '    indented',
    '| a | b |',
    '| - | - |',
    '---',
    '===',
    '<div>',
    '- [ ] task',
    '***bold***',
    'Setext',
    '  ',
    '* star',
    '> > deep',
    '10) ten',
    '+ plus',
    '  two-space',
    'a | b',
    ':-: | --',
  ];

  it('never changes a block it would keep, whatever text is appended', () => {
    let seed = 14;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let doc = 0; doc < 60; doc++) {
      const lines = Array.from({ length: 24 }, () => LINES[Math.floor(random() * LINES.length)]);
      const text = lines.join('\n');
      const full = blocks(text);
      assert.equal(full.map((t) => t.raw).join(''), text);
      for (let i = 0; i <= text.length; i++) {
        const tokens = blocks(text.slice(0, i));
        const kept = tokens.slice(0, stableCount(tokens));
        assert.deepEqual(
          full.slice(0, kept.length),
          kept,
          `prefix ${i} of ${JSON.stringify(text)}`,
        );
      }
    }
  });
});

describe('markdown lexer: hostile input', () => {
  const MB = 1 << 20;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

  // No timing asserted: these finish in well under a second each on an idle machine, and a
  // quadratic step would take minutes and time the suite out. What is asserted is bounded nesting
  // (so neither the lexer nor Lit recurses without bound) and that nothing is lost or thrown.
  const cases: [string, string][] = [
    ['a million *', '*'.repeat(MB)],
    ['* runs around a word', '*'.repeat(MB / 2) + 'a' + '*'.repeat(MB / 2)],
    ['alternating *a', fill('*a')],
    ['alternating _a ~~a', fill('_a ~~a ')],
    ['a million >', '>'.repeat(MB)],
    ['nested bullets', fill('- ')],
    ['an unclosed fence', '```\n' + fill('x\n')],
    ['brackets', '['.repeat(MB / 2) + ']'.repeat(MB / 2)],
    ['brackets with a definition', '[a]: https://a.example\n\n' + fill('[a') + fill(']')],
    ['unclosed link destinations', fill('[a](')],
    ['unclosed titles', fill('[a](b "')],
    ['deep parentheses', '[a](' + '('.repeat(MB)],
    [
      'backtick runs of every length',
      Array.from({ length: 1400 }, (_, i) => '`'.repeat(i + 1)).join(' '),
    ],
    ['autolink openers', fill('<a:')],
    ['backslashes', '\\'.repeat(MB)],
    ['lines', fill('a\n')],
    ['table rows', '| a | b |\n| - | - |\n' + fill('| x | y |\n')],
    ['everything', fill('- > * _ ` [ ] ( ) < > ! \\ ~ | # \n')],
  ];
  for (const [name, src] of cases) {
    it(`lexes 1 MB of ${name} with bounded nesting`, () => {
      const tokens = blocks(src);
      assert.equal(tokens.map((t) => t.raw).join(''), src);
      assert.ok(depth(tokens) <= 2 * MAX_DEPTH + 4, `depth ${depth(tokens)}`);
    });
  }

  it('keeps the text of emphasis nested past the limit', () => {
    const n = 10_000;
    const [p] = blocks('*'.repeat(n) + 'x' + '*'.repeat(n));
    assert.equal(p.type, 'paragraph');
    assert.ok(depth([p]) <= MAX_DEPTH + 2);
    assert.match(show(p.tokens), /^(strong\()+x\)+$/);
  });
});
