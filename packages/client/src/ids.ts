/**
 * Command ids double as idempotency keys and as the new message's id, so they must be unique across
 * every client of a room and match the protocol's IdSchema (1-64 of A-Z a-z 0-9 _ . : -).
 */
export function makeId(prefix = 'c'): string {
  const c = globalThis.crypto;
  // randomUUID exists only in secure contexts (https, localhost); getRandomValues exists everywhere.
  if (typeof c?.randomUUID === 'function') return `${prefix}-${c.randomUUID()}`;
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
