// Minifies the CSS inside Lit's css`` literals at build time. terser leaves template literals as
// they are, so every element's styles would ship with their indentation, line breaks and
// comments (about a third of their bytes). Used by every bundle rollup.config.mjs makes of the
// elements, by the npm ESM build (so an app's bundler gets it too) and by scripts/size.mjs.
//
// Deliberately small and conservative: only the literal's own text between `${...}` holes is
// touched, quoted strings are kept byte for byte, and whitespace is only dropped where CSS
// ignores it (next to `{ } ; , >`, after `:`, at the ends); any other run becomes one space,
// since it can be a descendant combinator or separate values (`calc(1px + 2px)` needs its spaces).

/**
 * One css`` literal's static text, minified. Line breaks are kept (one byte each, and nearly free
 * once gzipped) so that every line of the module stays where it was and source maps stay right.
 */
export function minifyCssText(text) {
  const breaks = (s) => '\n'.repeat(s.split('\n').length - 1) || ' ';
  let out = '';
  // Strings (with their escapes) pass through; comments and whitespace collapse.
  const token =
    /('(?:\\[\s\S]|[^'\\])*'|"(?:\\[\s\S]|[^"\\])*")|(?:\/\*[\s\S]*?\*\/|\s)+|[^'"/\s]+|\//g;
  for (const m of text.matchAll(token)) {
    if (m[1] !== undefined) out += m[1];
    else if (/^(?:\s|\/\*)/.test(m[0])) out += breaks(m[0]);
    else out += m[0];
  }
  // Squeeze the spaces the collapsing left next to punctuation, outside strings again.
  let result = '';
  for (const m of out.matchAll(/('(?:\\[\s\S]|[^'\\])*'|"(?:\\[\s\S]|[^"\\])*")|[^'"]+|['"]/g)) {
    result +=
      m[1] !== undefined
        ? m[1]
        : m[0]
            .replace(/ *([{};,>]) */g, '$1')
            .replace(/: +/g, ':')
            .replace(/;(\n*)}/g, '$1}');
  }
  return result;
}

/**
 * Every css`...` literal in `code` minified, holes (`${...}`, with nested braces and strings)
 * kept as they are. Returns null when there is none, so rollup keeps the module untouched.
 */
export function minifyCssLiterals(code) {
  const start = /\bcss`/g;
  let out = '';
  let last = 0;
  let changed = false;
  for (let m = start.exec(code); m; m = start.exec(code)) {
    let i = m.index + m[0].length;
    out += code.slice(last, i);
    let text = '';
    for (;;) {
      const c = code[i];
      if (c === undefined) throw new SyntaxError(`unterminated css\`\` literal at ${m.index}`);
      if (c === '\\') {
        text += c + code[i + 1];
        i += 2;
      } else if (c === '`') {
        out += minifyCssText(text);
        i++;
        break;
      } else if (c === '$' && code[i + 1] === '{') {
        out += minifyCssText(text);
        text = '';
        const end = holeEnd(code, i + 2);
        out += code.slice(i, end);
        i = end;
      } else {
        text += c;
        i++;
      }
    }
    out += '`';
    last = i;
    start.lastIndex = i;
    changed = true;
  }
  return changed ? out + code.slice(last) : null;
}

/** Index just past the `}` closing a `${` hole whose body starts at `from`. */
function holeEnd(code, from) {
  let depth = 1;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
    else if (c === "'" || c === '"' || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
    }
  }
  throw new SyntaxError('unterminated ${...} in a css`` literal');
}

/** The rollup plugin: our own TypeScript modules only (lit's are already minified). */
export function minifyCss() {
  return {
    name: 'minify-css-literals',
    transform(code, id) {
      if (!/\/packages\/elements\/src\/.*\.ts$/.test(id) || !code.includes('css`')) return null;
      const minified = minifyCssLiterals(code);
      return minified === null ? null : { code: minified, map: null };
    },
  };
}
