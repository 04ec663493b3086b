const ALLOWED = new Set(['http:', 'https:', 'mailto:']);

/**
 * The href a link may have, or null: only absolute http(s) and mailto URLs. Parsing with URL (not a
 * regex) sees what the browser would: `java\tscript:`, `JaVaScRiPt:`, entity tricks and leading
 * control characters all come out as their real scheme. The normalised href is what gets rendered,
 * so the string checked is the string used. Relative links are refused: they would resolve against
 * the host page, which is not where the message's author meant.
 */
export function safeHref(href: string | null | undefined): string | null {
  if (!href) return null;
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return null;
  }
  return ALLOWED.has(url.protocol) ? url.href : null;
}

/** A code block's language, cut down to something safe to show and use as a class name. */
export function safeLanguage(lang: string | undefined): string {
  const first = (lang ?? '').trim().split(/\s+/)[0] ?? '';
  return first.replace(/[^\w+#.-]/g, '').slice(0, 24);
}
