// Minifies the CSS inside Lit's css`` literals at build time. terser leaves template literals as
// they are, so every element's styles would ship with their indentation, line breaks and
// comments (about a third of their bytes). scripts/minify-literals.mjs applies it to every css``
// literal of the elements' sources, for every bundle rollup.config.mjs makes and scripts/size.mjs;
// the browser tests import it to check that the minified styles parse to the same rules.
//
// Deliberately small and conservative: only the literal's own text between `${...}` holes is
// touched, quoted strings are kept byte for byte, and whitespace is only dropped where CSS
// ignores it (next to `{ } ; , >`, after `:`, at the ends); any other run becomes one space,
// since it can be a descendant combinator or separate values (`calc(1px + 2px)` needs its spaces).

/**
 * One css`` literal's static text, minified. Line breaks are kept unless `lines` is false: the
 * build's plugin (minify-literals.mjs) maps what it changes, so it drops them too.
 */
export function minifyCssText(text, { lines = true } = {}) {
  const breaks = (s) => (lines && '\n'.repeat(s.split('\n').length - 1)) || ' ';
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
