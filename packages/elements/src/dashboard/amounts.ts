/**
 * The dashboard's amounts (a figure and its unit apart, bytes, times, shares) through
 * Intl.NumberFormat in the element's locale; kept out of internal/numbers.ts, which the chat's
 * download carries too.
 */
import { durationFormat, numberFormat } from '../internal/numbers.js';

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
