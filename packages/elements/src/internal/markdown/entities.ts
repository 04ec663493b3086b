// The lexer decodes character references (`&amp;`, `&#x1F600;`) in text, link destinations and
// titles, after markdown parsing so `&ast;` is never emphasis. Decoding by table, never by handing
// the string to an HTML parser: message text must not reach one. Unknown names stay as written.
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  hellip: '\u2026',
  mdash: '\u2014',
  ndash: '\u2013',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  times: '\u00d7',
  rarr: '\u2192',
  larr: '\u2190',
  middot: '\u00b7',
  deg: '\u00b0',
  euro: '\u20ac',
};

const REF = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

function fromCode(code: number, raw: string): string {
  // NUL, surrogates and out-of-range code points become U+FFFD, as an HTML parser would do.
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return Number.isFinite(code) ? String.fromCodePoint(code) : raw;
}

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REF, (raw, dec?: string, hex?: string, name?: string) => {
    if (dec) return fromCode(parseInt(dec, 10), raw);
    if (hex) return fromCode(parseInt(hex, 16), raw);
    return NAMED[name!] ?? raw;
  });
}
