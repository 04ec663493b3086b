/**
 * Whether a JSON Schema `pattern` can make a backtracking matcher (V8's Irregexp, in workerd and
 * in the browser) take more than linear time.
 *
 * The rule, precisely: a backtracking matcher that fails explores every partial path of the
 * pattern's automaton that reads a prefix of the input, from every start position. We build that
 * automaton (a Glushkov automaton that keeps path multiplicities, so `(a|a)` and `(a*)*` count
 * twice), add the implicit "try again one character later" loop unless the pattern is anchored
 * with `^`, and explore, over every possible input, how many partial paths are alive after each
 * character and how many routes they try next. A pattern is accepted only when that work stays
 * within {@link REGEX_WORK_PER_CHAR} for every input, so matching any string of n characters
 * costs at most that many steps per character: linear. Exponential patterns (`^(a+)+$`,
 * `(a|aa)+$`) and polynomial ones (`a*a*b`, an unanchored `[a-z]+@`, which is quadratic in a run
 * of letters) both grow without bound and are refused. The model over-approximates wherever it is
 * not exact (Unicode property escapes are "any character", lookarounds are assumed to pass), so
 * it may refuse a fast pattern but never accepts a slow one. Backreferences and quantifiers inside
 * lookarounds are refused outright; a pattern too big to explore within a fixed budget is refused
 * as too complex to check.
 */
import {
  ANY,
  RegexRefusal,
  contains,
  parseRegex,
  type CharSet,
  type RegexNode,
} from './regex-parse.js';
import { Automaton, ONE, SATURATE, TooComplex, cost, type RegexBudget } from './regex-automaton.js';

export type { RegexBudget };

export const MAX_PATTERN_LENGTH = 512;
/** Paths alive plus routes tried, per input character; beyond it a pattern is not linear enough. */
export const REGEX_WORK_PER_CHAR = 512;
const MAX_VECTORS = 5_000;
/** Steps one pattern's check may take (a few ms); beyond, it is too complex to check. */
export const REGEX_CHECK_STEPS = 50_000;

function hasQuantifier(n: RegexNode): boolean {
  if (n.t === 'repeat') return true;
  if (n.t === 'seq') return n.items.some(hasQuantifier);
  if (n.t === 'alt') return n.options.some(hasQuantifier);
  return n.t === 'assert' && !!n.body && hasQuantifier(n.body);
}

function checkLookarounds(n: RegexNode): void {
  if (n.t === 'assert' && n.body && hasQuantifier(n.body)) throw new RegexRefusal('lookquant');
  if (n.t === 'repeat') checkLookarounds(n.body);
  if (n.t === 'seq') n.items.forEach(checkLookarounds);
  if (n.t === 'alt') n.options.forEach(checkLookarounds);
  if (n.t === 'assert' && n.body) checkLookarounds(n.body);
}

/** Every match attempt must pass `^` before reading a character, or it is tried everywhere. */
function anchored(n: RegexNode): boolean {
  if (n.t === 'assert') return n.kind === 'start';
  if (n.t === 'alt') return n.options.every(anchored);
  if (n.t !== 'seq') return false;
  for (const item of n.items) {
    if (item.t === 'assert' && item.kind !== 'start') continue;
    return anchored(item);
  }
  return false;
}

/** Input classes: intervals of code points every position's set treats alike. */
function minterms(sets: CharSet[]): number[] {
  const cuts = new Set<number>([0]);
  for (const s of sets) for (let i = 0; i < s.length; i += 2) cuts.add(s[i]).add(s[i + 1] + 1);
  const points = [...cuts].filter((c) => c <= ANY[1]).sort((a, b) => a - b);
  const seen = new Set<string>();
  const reps: number[] = [];
  for (const cp of points) {
    const sig = sets.map((s) => (contains(s, cp) ? 1 : 0)).join('');
    if (seen.has(sig)) continue;
    seen.add(sig);
    reps.push(cp);
  }
  return reps;
}

type Verdict = 'ok' | 'slow' | 'complex';

/** Explores the paths alive after each character, over all inputs; see the file comment. */
function explore(tree: RegexNode, budget: RegexBudget): Verdict {
  const a = new Automaton(budget);
  const root = a.build(tree);
  const n = a.sets.length;
  // Extra states: `n` is the implicit retry loop (unanchored) or the start (anchored).
  const unanchored = !anchored(tree);
  const startFollow = new Map(root.first);
  if (unanchored) startFollow.set(n, ONE);
  const follow = [...a.follow, startFollow];
  const sets = [...a.sets, ANY];
  const accept = (p: number) => (p === n ? root.nul : (root.last.get(p) ?? { n: 0, c: 0 }));
  const work = follow.map((routes, p) => {
    let w = 1 + cost(accept(p));
    for (const r of routes.values()) w += cost(r);
    return Math.min(w, SATURATE);
  });
  const setIds = new Map<string, number>();
  const setOf = sets.map((s) => {
    const k = s.join(',');
    if (!setIds.has(k)) setIds.set(k, setIds.size);
    return setIds.get(k)!;
  });
  const distinct = [...setIds.keys()].map((k) => (k ? k.split(',').map(Number) : []));
  const reps = minterms(distinct);
  const member = distinct.map((s) => reps.map((cp) => contains(s, cp)));

  const targets = follow.map((r) => [...r.keys()]);
  const counts = follow.map((r) => [...r.values()].map((w) => w.n));
  const memberOf = setOf.map((id) => member[id]);
  // A vector of alive paths: positions (ascending) and how many paths are at each.
  const acc = new Float64Array(follow.length);
  const seen = new Set<string>([`${n}:1,`]);
  const queue: [number[], number[]][] = [[[n], [1]]];
  while (queue.length) {
    const [ps, ks] = queue.pop()!;
    let total = 0;
    for (let i = 0; i < ps.length; i++) total += ks[i] * work[ps[i]];
    if (total > REGEX_WORK_PER_CHAR) return 'slow';
    const touched: number[] = [];
    for (let i = 0; i < ps.length; i++) {
      const t = targets[ps[i]];
      const c = counts[ps[i]];
      for (let j = 0; j < t.length; j++) {
        if (acc[t[j]] === 0) touched.push(t[j]);
        acc[t[j]] = Math.min(acc[t[j]] + ks[i] * c[j], SATURATE);
      }
    }
    // Sorted, so one vector has one key however it was reached.
    touched.sort((x, y) => x - y);
    const next = touched.map((q) => acc[q]);
    for (const q of touched) acc[q] = 0;
    // The start state is left behind after the first character, the retry loop never.
    for (let m = 0; m < reps.length; m++) {
      budget.steps -= touched.length + 1;
      if (budget.steps < 0) return 'complex';
      let key = '';
      for (let i = 0; i < touched.length; i++) {
        if (memberOf[touched[i]][m]) key += `${touched[i]}:${next[i]},`;
      }
      if (!key || seen.has(key)) continue;
      seen.add(key);
      if (seen.size > MAX_VECTORS) return 'complex';
      const qs: number[] = [];
      const qk: number[] = [];
      for (let i = 0; i < touched.length; i++) {
        if (!memberOf[touched[i]][m]) continue;
        qs.push(touched[i]);
        qk.push(next[i]);
      }
      queue.push([qs, qk]);
    }
  }
  return 'ok';
}

/** Which construct to name when a pattern is refused as slow. */
function diagnose(tree: RegexNode, unanchored: boolean): string {
  const nested = (n: RegexNode, inLoop: boolean): boolean => {
    if (n.t === 'repeat') {
      if (inLoop && n.min !== n.max) return true;
      return nested(n.body, inLoop || n.max > 1);
    }
    if (n.t === 'seq') return n.items.some((x) => nested(x, inLoop));
    if (n.t === 'alt') return n.options.some((x) => nested(x, inLoop));
    return false;
  };
  const altInLoop = (n: RegexNode, inLoop: boolean): boolean => {
    if (n.t === 'repeat') return altInLoop(n.body, inLoop || n.max > 1);
    if (n.t === 'seq') return n.items.some((x) => altInLoop(x, inLoop));
    if (n.t === 'alt') return inLoop || n.options.some((x) => altInLoop(x, inLoop));
    return false;
  };
  if (nested(tree, false)) {
    return 'nests a repeated group inside a repetition, which can take exponential time';
  }
  if (altInLoop(tree, false)) {
    return 'repeats alternatives that can match the same text, which can take exponential time';
  }
  return unanchored
    ? 'has a repetition that can match the same text from many start positions, which takes polynomial time (anchor it with ^, or make adjacent repetitions match different characters)'
    : 'has adjacent repetitions that can match the same text, which takes polynomial time';
}

const cache = new Map<string, string | null>();
const TOO_COMPLEX = 'is too complex to check for slow matching';

/**
 * Null when `source`, compiled with the `u` flag, matches any input in linear time; otherwise
 * what is wrong with it, as a phrase that follows the pattern ("nests a repeated group…").
 * Spends at most {@link REGEX_CHECK_STEPS} of `budget`; answers are cached by source.
 */
export function regexProblem(source: string, budget?: RegexBudget): string | null {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  const shared = budget ?? { steps: REGEX_CHECK_STEPS };
  const own = { steps: Math.min(REGEX_CHECK_STEPS, shared.steps) };
  const before = own.steps;
  const problem = analyse(source, own);
  shared.steps -= before - Math.max(own.steps, 0);
  // "Too complex" for want of a shared budget says nothing about the pattern itself.
  if (problem === TOO_COMPLEX && before < REGEX_CHECK_STEPS) return problem;
  if (cache.size >= 500) cache.clear();
  cache.set(source, problem);
  return problem;
}

function analyse(source: string, budget: RegexBudget): string | null {
  if (source.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(source, 'u');
  } catch {
    return 'is not a valid regular expression';
  }
  let tree: RegexNode;
  try {
    tree = parseRegex(source);
    checkLookarounds(tree);
    const verdict = explore(tree, budget);
    if (verdict === 'ok') return null;
    if (verdict === 'slow') return diagnose(tree, !anchored(tree));
    return TOO_COMPLEX;
  } catch (err) {
    if (err instanceof TooComplex) return TOO_COMPLEX;
    if (!(err instanceof RegexRefusal)) throw err;
    switch (err.message) {
      case 'backreference':
        return 'uses a backreference, which can take exponential time';
      case 'lookquant':
        return 'has a quantifier inside a lookaround, which can take super-linear time';
      case 'lookaround':
        return 'has a lookaround that can backtrack too much';
      default:
        return 'uses regular expression syntax this check does not support';
    }
  }
}
