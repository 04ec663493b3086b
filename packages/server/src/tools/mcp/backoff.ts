/** First wait after a server went away, and the longest: 1 s doubling to 60 s. */
export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;

/**
 * How long to wait before attempt `attempts + 1` (`attempts` failed since the server was last
 * ready): doubling from 1 s up to 60 s, with up to a fifth taken off at random, so the rooms of a
 * deployment that lost the same server do not all knock at the same instant.
 */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling * (1 - 0.2 * random()));
}
