/**
 * Numbers and units as the reader's language writes them, through Intl.NumberFormat: digits,
 * separators, unit names and their order come from the locale, so "5 ms" reads "٥ ملي ث" in
 * Arabic instead of the Latin "ms 5" an RTL paragraph made of a hand-built "5 ms".
 *
 * The locale is the element's: the nearest `lang` attribute (its own, an ancestor's, the page's
 * <html lang>), else the browser's, as a screen reader would pick the language.
 */

/** The element's language (nearest `lang`), or undefined for the browser's default. */
export function localeOf(el: Element): string | undefined {
  return el.closest('[lang]')?.getAttribute('lang') || undefined;
}

const formats = new Map<string, Intl.NumberFormat>();

/** One cached formatter per locale and options: building one costs far more than using it. */
export function numberFormat(
  locale: string | undefined,
  options: Intl.NumberFormatOptions = {},
): Intl.NumberFormat {
  const key = `${locale ?? ''} ${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, options);
    } catch {
      // `lang` is not a language tag: the browser's default rather than an exception.
      format = new Intl.NumberFormat(undefined, options);
    }
    formats.set(key, format);
  }
  return format;
}

/** The formatter and the figure for a duration: ms below a second, seconds above. */
export function durationFormat(ms: number, locale: string | undefined, digits: number) {
  const seconds = ms >= 1000;
  const format = numberFormat(locale, {
    style: 'unit',
    unit: seconds ? 'second' : 'millisecond',
    unitDisplay: 'short',
    maximumFractionDigits: seconds ? digits : 0,
  });
  return { format, n: seconds ? ms / 1000 : Math.round(ms) };
}

/** A duration: milliseconds below a second, seconds with `digits` decimals above ("1.2 s"). */
export function formatDuration(ms: number, locale?: string, digits = ms < 10_000 ? 1 : 0): string {
  const { format, n } = durationFormat(ms, locale, digits);
  return format.format(n);
}
