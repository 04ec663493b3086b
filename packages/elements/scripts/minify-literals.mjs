// Minifies the static text of Lit's template literals in the elements' sources at build time:
// css`` through minify-css.mjs, html`` and svg`` by collapsing their indentation. terser and an
// app's bundler leave template literals as they are, so the templates would ship with every line
// break and indent prettier gave them. Used by every bundle rollup.config.mjs makes of the
// elements (the npm ESM build too, so an app's bundler gets it) and by scripts/size.mjs.
//
// The literals are found with TypeScript's parser, not a scanner of our own: templates nest
// (`${ok ? html`...` : nothing}`), and a hole can hold strings, comments and regexes. What changes
// is mapped (magic-string), so the source maps of the npm build stay right without keeping lines.
import MagicString from 'magic-string';
import ts from 'typescript';
import { minifyCssText } from './minify-css.mjs';

/** Where whitespace is text, not layout: left byte for byte, with any template inside. */
const RAW = /<(\/?)(pre|textarea)\b/gi;
/** A run with a line break, or two spaces or more: one space renders the same outside <pre>. */
const RUN = /[ \t\f\r\n]*[\r\n][ \t\f\r\n]*|[ \t\f]{2,}/g;

/**
 * One static part of an html`` literal, whitespace runs collapsed to one space. `state.raw`
 * says whether the part starts inside a <pre> or <textarea>, and is left as the part ends.
 */
export function minifyHtmlText(text, state = { raw: false }) {
  let out = '';
  let last = 0;
  const flow = (s) => (state.raw ? s : s.replace(RUN, ' '));
  for (const m of text.matchAll(RAW)) {
    out += flow(text.slice(last, m.index)) + m[0];
    state.raw = !m[1];
    last = m.index + m[0].length;
  }
  return out + flow(text.slice(last));
}

const TAGS = new Set(['html', 'svg', 'css']);
const isLitTemplate = (n) =>
  ts.isTaggedTemplateExpression(n) && ts.isIdentifier(n.tag) && TAGS.has(n.tag.text);

/**
 * The edits that minify every css``, html`` and svg`` literal of a module: `[start, end, text]`
 * for each static part that changes. Holes (`${...}`) are never touched, except for the
 * templates nested in them, minified in turn unless they render inside a <pre> or <textarea>.
 */
export function literalEdits(code, fileName = 'module.ts') {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const edits = [];
  const part = (literal, minify) => {
    // From after the opening ` or } to before the closing ` or ${.
    const start = literal.getStart(source) + 1;
    const open = ts.isTemplateHead(literal) || ts.isTemplateMiddle(literal);
    const end = literal.end - (open ? 2 : 1);
    const text = code.slice(start, end);
    const next = minify(text);
    if (next !== text) edits.push([start, end, next]);
  };
  const template = (node) => {
    const state = { raw: false };
    const minify =
      node.tag.text === 'css'
        ? (text) => minifyCssText(text, { lines: false })
        : (text) => minifyHtmlText(text, state);
    const { template: literal } = node;
    if (ts.isNoSubstitutionTemplateLiteral(literal)) return part(literal, minify);
    part(literal.head, minify);
    for (const span of literal.templateSpans) {
      const inner = (n) => {
        if (!isLitTemplate(n)) return ts.forEachChild(n, inner);
        if (!state.raw) template(n);
      };
      inner(span.expression);
      part(span.literal, minify);
    }
  };
  const visit = (n) => (isLitTemplate(n) ? template(n) : ts.forEachChild(n, visit));
  visit(source);
  return edits;
}

/** `code` with every Lit literal minified (what the plugin returns, without the map). */
export function minifyLiterals(code) {
  let out = code;
  for (const [start, end, text] of literalEdits(code).reverse())
    out = out.slice(0, start) + text + out.slice(end);
  return out;
}

/** The rollup plugin: our own TypeScript modules only (lit's are already minified). */
export function minifyTemplates() {
  return {
    name: 'minify-lit-literals',
    transform(code, id) {
      if (!/\/packages\/elements\/src\/.*\.ts$/.test(id) || !/\b(?:css|html|svg)`/.test(code))
        return null;
      const edits = literalEdits(code, id);
      if (!edits.length) return null;
      const s = new MagicString(code);
      for (const [start, end, text] of edits) s.overwrite(start, end, text);
      return { code: s.toString(), map: s.generateMap({ hires: true, source: id }) };
    },
  };
}
