/** Payloads that must stay inert wherever message text is rendered. Each tries to set the canary. */
export const XSS_PAYLOADS = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss=1">',
  '<svg onload=window.__xss=1>',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<a href="javascript:window.__xss=1">a</a>',
  '<details open ontoggle=window.__xss=1>x</details>',
  '<input autofocus onfocus=window.__xss=1>',
  '<body onload=window.__xss=1>',
  '<video><source onerror="window.__xss=1"></video>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '<object data="javascript:window.__xss=1"></object>',
  '<form action="javascript:window.__xss=1"><button>go</button></form>',
  '<style>*{display:none}</style>',
  '[link](javascript:window.__xss=1)',
  '[link](JaVaScRiPt:window.__xss=1)',
  '[link](&#106;avascript:window.__xss=1)',
  '[link](&#x6A;avascript:window.__xss=1)',
  '[link](%6Aavascript:window.__xss=1)',
  '[link](data:text/html,<script>window.__xss=1</script>)',
  '[link](vbscript:window.__xss=1)',
  '[link](<javascript:window.__xss=1>)',
  '[ref][x]\n\n[x]: javascript:window.__xss=1',
  '![img](javascript:window.__xss=1)',
  '![img](https://example.invalid/x.png" onerror="window.__xss=1)',
  '[t](https://ok.example "title\\" onmouseover=\\"window.__xss=1")',
  '<https://ok.example/"onmouseover="window.__xss=1>',
  '<javascript:window.__xss=1>',
  '`<img src=x onerror=window.__xss=1>`',
  '```html\n<img src=x onerror=window.__xss=1>\n```',
  '```"><img src=x onerror=window.__xss=1>\ncode\n```',
  '| a |\n| - |\n| <img src=x onerror=window.__xss=1> |',
  '> <img src=x onerror=window.__xss=1>',
  '- <img src=x onerror=window.__xss=1>',
  '# <img src=x onerror=window.__xss=1>',
  '**<img src=x onerror=window.__xss=1>**',
  '&lt;img src=x onerror=window.__xss=1&gt;',
  '<!-- --><img src=x onerror=window.__xss=1>',
];

declare global {
  interface Window {
    __xss?: number;
  }
}

const FORBIDDEN =
  'script, iframe, object, embed, img, style, form, input, video, audio, source, math, details, body, link, meta, base';

/** Problems in a rendered tree: live elements from text, event-handler attributes, unsafe hrefs. */
export function inertProblems(root: ParentNode): string[] {
  const problems: string[] = [];
  for (const el of root.querySelectorAll(FORBIDDEN)) problems.push(`element <${el.localName}>`);
  // Our own icons are the only SVG allowed.
  for (const el of root.querySelectorAll('svg')) {
    if (!el.closest('button, .message__sent, .message__error')) problems.push('svg from text');
  }
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) problems.push(`${el.localName}[${attr.name}]`);
    }
  }
  for (const a of root.querySelectorAll('[href], [src], [action], [data]')) {
    const url = a.getAttribute('href') ?? a.getAttribute('src') ?? '';
    if (!/^(https?:|mailto:)/i.test(url)) problems.push(`${a.localName} with url ${url}`);
    if (a.localName === 'a' && a.getAttribute('rel') !== 'noopener noreferrer')
      problems.push('a without rel');
  }
  return problems;
}
