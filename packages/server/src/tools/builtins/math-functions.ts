/**
 * The functions and constants `math.evaluate` knows, and the "did you mean" for names it does not.
 * Split from the parser so the list reads as a reference.
 */

export interface Fn {
  min: number;
  max: number;
  fn: (...xs: number[]) => number;
}

const fn1 = (fn: (x: number) => number): Fn => ({ min: 1, max: 1, fn });
const fn2 = (fn: (x: number, y: number) => number): Fn => ({ min: 2, max: 2, fn });
const variadic = (fn: (...xs: number[]) => number): Fn => ({ min: 1, max: Infinity, fn });

/** Half away from zero, via decimal exponent shifts so round(2.675, 2) is 2.68 as written. */
function roundTo(x: number, digits = 0): number {
  const shift = (v: number, by: number) => {
    const [mantissa, exp] = v.toExponential().split('e');
    return Number(`${mantissa}e${Number(exp) + by}`);
  };
  if (x === 0 || !Number.isFinite(x)) return x;
  return Math.sign(x) * shift(Math.round(shift(Math.abs(x), digits)), -digits);
}

function log(x: number, base?: number): number {
  if (base === undefined || base === 10) return Math.log10(x);
  if (base === 2) return Math.log2(x);
  return base > 0 && base !== 1 ? Math.log(x) / Math.log(base) : NaN;
}

export const FUNCTIONS: Record<string, Fn> = {
  sqrt: fn1(Math.sqrt),
  cbrt: fn1(Math.cbrt),
  abs: fn1(Math.abs),
  sign: fn1(Math.sign),
  sin: fn1(Math.sin),
  cos: fn1(Math.cos),
  tan: fn1(Math.tan),
  asin: fn1(Math.asin),
  acos: fn1(Math.acos),
  atan: fn1(Math.atan),
  atan2: fn2(Math.atan2),
  sinh: fn1(Math.sinh),
  cosh: fn1(Math.cosh),
  tanh: fn1(Math.tanh),
  exp: fn1(Math.exp),
  ln: fn1(Math.log),
  log: { min: 1, max: 2, fn: log },
  log2: fn1(Math.log2),
  log10: fn1(Math.log10),
  floor: fn1(Math.floor),
  ceil: fn1(Math.ceil),
  round: { min: 1, max: 2, fn: roundTo },
  trunc: fn1(Math.trunc),
  min: variadic(Math.min),
  max: variadic(Math.max),
  hypot: variadic(Math.hypot),
  pow: fn2(Math.pow),
  // Floored modulo (sign of the divisor), unlike `%`, which keeps the dividend's sign as in JS.
  mod: fn2((a, b) => a - b * Math.floor(a / b)),
};

export const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

export function suggest(name: string): string {
  const known = [...Object.keys(FUNCTIONS), ...Object.keys(CONSTANTS)];
  const best = known
    .map((k) => ({ k, d: distance(name, k) }))
    .sort((x, y) => x.d - y.d)
    .find((c) => c.d <= Math.min(2, Math.floor(c.k.length / 2)));
  return best ? `: did you mean '${best.k}'?` : '';
}
