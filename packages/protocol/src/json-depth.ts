/**
 * How deeply a JSON value nests, found without recursion: whatever reads a value after us (zod,
 * the JSON Schema validator, the form) recurses per level, so a 5,000-deep array must be refused
 * before any of them sees it, and by code that cannot overflow the stack itself.
 */

/**
 * The deepest nesting a client frame or REST body may have: `{}` and `[]` are depth 1, a scalar 0.
 * A frame's own object is one level, so a tool's arguments inside `tool.invoke` get one less.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of `value` (scalars 0, `[]` 1, `[[1]]` 2), or `limit + 1` as soon as it is
 * known to be deeper than `limit`: the walk stops there, so a hostile value costs no more than
 * `limit` levels of it. Iterative; every container is visited once.
 */
export function jsonDepth(value: unknown, limit: number = MAX_JSON_DEPTH): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return limit + 1;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, depth + 1]);
  }
  return deepest;
}

/** Whether `value` nests deeper than `limit` levels. */
export function exceedsDepth(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  return jsonDepth(value, limit) > limit;
}
