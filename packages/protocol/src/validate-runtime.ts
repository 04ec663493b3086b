/**
 * The building blocks of validators.generated.ts: zod/mini's parse semantics for the few kinds of
 * schema the protocol uses, without zod. Each factory runs once at load; a validator checks one
 * value and returns what zod's `safeParse` would return as `data` (objects are rebuilt in shape
 * order with unknown keys stripped, records and arrays copied, `unknown` passed through).
 *
 * A failed check throws {@link Invalid} with the path and message of what zod reports as its
 * first issue: a frame that is fine (every frame, in practice) then costs no issue bookkeeping.
 */
export type Key = string | number;
export type Path = readonly Key[];

/** Checks `v`, found at `key` under `path` (no key for the value at `path` itself). */
export type Validator = ((v: unknown, path: Path, key?: Key) => unknown) & {
  /** An object may leave this key out (zod's `optional`). */
  optional?: true;
};

/** zod/mini has no locale: every issue without a message of its own says this. */
const INVALID = 'Invalid input';

export class Invalid extends Error {
  constructor(
    readonly path: Path,
    message: string,
  ) {
    super(message);
  }
}

const at = (path: Path, key?: Key): Path => (key === undefined ? path : [...path, key]);

const fail = (path: Path, key?: Key, message = INVALID): never => {
  throw new Invalid(at(path, key), message);
};

// zod's records also want a plain object; a JSON object always is one.
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const unknown: Validator = (v) => v;

export const boolean: Validator = (v, p, k) => (typeof v === 'boolean' ? v : fail(p, k));

/** Length bounds first, then the pattern: the order the protocol's checks are written in. */
export const string =
  (min = 0, max = Infinity, pattern?: RegExp, message?: string): Validator =>
  (v, p, k) => {
    if (typeof v !== 'string' || v.length < min || v.length > max) return fail(p, k);
    return !pattern || pattern.test(v) ? v : fail(p, k, message);
  };

/** A finite number (an integer in the safe range, for `int`) within [min, max]. */
export const number =
  (int = false, min = -Infinity, max = Infinity): Validator =>
  (v, p, k) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!int || Number.isSafeInteger(v)) &&
    v >= min &&
    v <= max
      ? v
      : fail(p, k);

/** zod's `literal` and `enum`: one of `values` (compared as a Set does). */
export const oneOf =
  (...values: unknown[]): Validator =>
  (v, p, k) =>
    values.includes(v) ? v : fail(p, k);

export const nullable =
  (inner: Validator): Validator =>
  (v, p, k) =>
    v === null ? v : inner(v, p, k);

export const optional = (inner: Validator): Validator =>
  Object.assign((v: unknown, p: Path, k?: Key) => (v === undefined ? v : inner(v, p, k)), {
    optional: true as const,
  });

/** The items are checked before the length, as zod runs an array's checks after its items. */
export const array =
  (item: Validator, max = Infinity): Validator =>
  (v, p, k) => {
    if (!Array.isArray(v)) return fail(p, k);
    const q = at(p, k);
    const out = Array.from(v, (x, i) => item(x, q, i));
    return out.length > max ? fail(p, k) : out;
  };

/** A record with string keys; an own `__proto__` key is dropped, as zod drops it. */
export const record =
  (value: Validator): Validator =>
  (v, p, k) => {
    if (!isObject(v)) return fail(p, k);
    const q = at(p, k);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) if (key !== '__proto__') out[key] = value(v[key], q, key);
    return out;
  };

/**
 * A stripping object: keys in shape order, unknown keys left out. zod asks `key in input`, so a
 * key is present even when inherited; a missing key that is not optional is an issue at the key.
 */
export const object =
  (shape: Record<string, Validator>): Validator =>
  (v, p, k) => {
    if (!isObject(v)) return fail(p, k);
    const q = at(p, k);
    const out: Record<string, unknown> = {};
    for (const key in shape) {
      if (key in v) out[key] = shape[key](v[key], q, key);
      else if (!shape[key].optional) fail(q, key);
    }
    return out;
  };

/** A discriminated union: the option whose discriminator value the input has, or an issue there. */
export const union = (discriminator: string, options: [unknown, Validator][]): Validator => {
  const byValue = new Map(options);
  return (v, p, k) => {
    if (!isObject(v)) return fail(p, k);
    const option = byValue.get(v[discriminator]);
    return option ? option(v, p, k) : fail(at(p, k), discriminator);
  };
};

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** Runs a validator; the message names the first problem the way `describeIssues` does. */
export function check<T>(validator: Validator, value: unknown): Checked<T> {
  try {
    return { ok: true, value: validator(value, []) as T };
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const where = err.path.length ? err.path.join('.') : '(frame)';
    return { ok: false, message: `${where}: ${err.message}` };
  }
}
