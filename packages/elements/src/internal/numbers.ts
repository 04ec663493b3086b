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
  const lang = el.closest('[lang]')?.getAttribute('lang')?.trim();
  if (!lang) return undefined;
  try {
    return Intl.getCanonicalLocales(lang)[0];
  } catch {
    return undefined; // not a language tag: the browser's default rather than an exception
  }
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
    format = new Intl.NumberFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/** A number and its unit, apart (a tile shows the unit smaller), in the locale's words. */
export interface Amount {
  value: string;
  unit: string;
}

/** Splits a `unit`-style formatted number into its figure and its unit name. */
function split(format: Intl.NumberFormat, n: number): Amount {
  let value = '';
  let unit = '';
  for (const part of format.formatToParts(n)) {
    if (part.type === 'unit') unit += part.value;
    else if (part.type !== 'literal') value += part.value;
  }
  return { value, unit: unit.trim() };
}

function durationFormat(ms: number, locale: string | undefined, digits: number) {
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

/** The same, figure and unit apart. */
export function durationAmount(ms: number, locale?: string, digits = ms < 10_000 ? 2 : 1): Amount {
  const { format, n } = durationFormat(ms, locale, digits);
  return split(format, n);
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

function bytesFormat(bytes: number, locale: string | undefined, perSecond: boolean) {
  let n = bytes;
  let i = 0;
  while (Math.abs(n) >= 1024 && i < BYTE_UNITS.length - 1) {
    n /= 1024;
    i++;
  }
  const format = numberFormat(locale, {
    style: 'unit',
    unit: perSecond ? `${BYTE_UNITS[i]}-per-second` : BYTE_UNITS[i],
    unitDisplay: 'short',
    maximumFractionDigits: i === 0 ? 0 : 1,
  });
  return { format, n };
}

/** Bytes (binary multiples, one decimal above a kilobyte), or bytes per second; figure and unit apart. */
export function bytesAmount(bytes: number, locale?: string, perSecond = false): Amount {
  const { format, n } = bytesFormat(bytes, locale, perSecond);
  return split(format, n);
}

/** Bytes as one string, in the locale's order ("1.5 kB"). */
export function formatBytes(bytes: number, locale?: string): string {
  const { format, n } = bytesFormat(bytes, locale, false);
  return format.format(n);
}

const UNITS = { s: 'second', min: 'minute', h: 'hour', d: 'day' } as const;

/** A whole number of a unit of time ("3 min", "1 h"). */
export function formatTime(n: number, unit: keyof typeof UNITS, locale?: string): string {
  return numberFormat(locale, { style: 'unit', unit: UNITS[unit], unitDisplay: 'short' }).format(n);
}

/** A share (0.25) as a percentage ("25%"). */
export function formatPercent(share: number, locale?: string): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}
