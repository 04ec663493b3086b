/**
 * The automaton regex-safety.ts explores: a Glushkov automaton (one position per character
 * matcher, copies for counted repetition, no empty moves) that keeps the multiplicity of every
 * route, since a backtracking matcher tries each route separately: `(a|a)` and `(a*)*` reach the
 * same position two ways, and that is what makes them slow.
 */
import { RegexRefusal, type CharSet, type RegexNode } from './regex-parse.js';

/** A lookaround is run at many positions, so its own backtracking must stay small. */
const LOOKAROUND_WORK = 256;
const MAX_POSITIONS = 400;
export const SATURATE = 2 ** 40;

/** Steps left for building and exploring; one budget can be shared by a schema's patterns. */
export interface RegexBudget {
  steps: number;
}

/** Routes and the total extra work (lookarounds) along them: counted together, never merged. */
export interface Weight {
  n: number;
  c: number;
}
export const ONE: Weight = { n: 1, c: 0 };
const sat = (x: number) => Math.min(x, SATURATE);
const mul = (a: Weight, b: Weight): Weight => ({
  n: sat(a.n * b.n),
  c: sat(a.c * b.n + a.n * b.c),
});
const add = (a: Weight, b: Weight): Weight => ({ n: sat(a.n + b.n), c: sat(a.c + b.c) });
export const cost = (w: Weight) => w.n + w.c;

export type Routes = Map<number, Weight>;
export interface Frag {
  /** Ways to match the empty string. */
  nul: Weight;
  first: Routes;
  last: Routes;
}

function merge(into: Routes, from: Routes, by: Weight = ONE): Routes {
  if (by.n === 0) return into;
  for (const [p, w] of from) {
    const m = mul(w, by);
    const had = into.get(p);
    into.set(p, had ? add(had, m) : m);
  }
  return into;
}

export class TooComplex extends Error {}

/** The automaton: one position per character matcher (copies for counted repetition). */
export class Automaton {
  sets: CharSet[] = [];
  follow: Routes[] = [];

  /** Building spends the budget too: one step per route merged. */
  constructor(private readonly budget: RegexBudget) {}

  private merge(into: Routes, from: Routes, by: Weight = ONE): Routes {
    this.budget.steps -= from.size;
    if (this.budget.steps < 0) throw new TooComplex();
    return merge(into, from, by);
  }

  private position(set: CharSet): number {
    if (this.sets.length >= MAX_POSITIONS) throw new TooComplex();
    this.sets.push(set);
    this.follow.push(new Map());
    return this.sets.length - 1;
  }

  private link(last: Routes, first: Routes): void {
    for (const [p, a] of last) this.merge(this.follow[p], first, a);
  }

  private seq(a: Frag, b: Frag): Frag {
    this.link(a.last, b.first);
    return {
      nul: mul(a.nul, b.nul),
      first: this.merge(new Map(a.first), b.first, a.nul),
      last: this.merge(new Map(b.last), a.last, b.nul),
    };
  }

  build(node: RegexNode): Frag {
    switch (node.t) {
      case 'chars': {
        const p = this.position(node.set);
        return { nul: { n: 0, c: 0 }, first: new Map([[p, ONE]]), last: new Map([[p, ONE]]) };
      }
      case 'assert':
        return {
          nul: { n: 1, c: node.body ? lookaroundCost(node.body, this.budget) : 0 },
          first: new Map(),
          last: new Map(),
        };
      case 'seq':
        return node.items.reduce<Frag>((f, item) => this.seq(f, this.build(item)), {
          nul: ONE,
          first: new Map(),
          last: new Map(),
        });
      case 'alt': {
        const out: Frag = { nul: { n: 0, c: 0 }, first: new Map(), last: new Map() };
        for (const o of node.options) {
          const f = this.build(o);
          out.nul = add(out.nul, f.nul);
          this.merge(out.first, f.first);
          this.merge(out.last, f.last);
        }
        return out;
      }
      case 'repeat':
        return this.repeat(node.body, node.min, node.max);
    }
  }

  /**
   * `body{min,max}` as V8 runs it: `min` required copies, then either a loop or `max - min`
   * nested optional copies. An iteration beyond `min` that matches empty fails (the spec's empty
   * check), so optional parts and loops match empty one way only.
   */
  private repeat(body: RegexNode, min: number, max: number): Frag {
    if (min > MAX_POSITIONS || (max !== Infinity && max > MAX_POSITIONS)) throw new TooComplex();
    let out: Frag = { nul: ONE, first: new Map(), last: new Map() };
    for (let k = 0; k < min; k++) out = this.seq(out, this.build(body));
    if (max === Infinity) {
      const loop = this.build(body);
      this.link(loop.last, loop.first);
      return this.seq(out, { nul: ONE, first: loop.first, last: loop.last });
    }
    let tail: Frag | null = null;
    for (let k = min; k < max; k++) {
      const copy = this.build(body);
      const inner: Frag = tail ? this.seq(copy, tail) : copy;
      tail = { nul: ONE, first: inner.first, last: inner.last };
    }
    return tail ? this.seq(out, tail) : out;
  }
}

/** The most a lookaround body (no quantifiers, so no loops) can backtrack per evaluation. */
function lookaroundCost(body: RegexNode, budget: RegexBudget): number {
  const a = new Automaton(budget);
  const f = a.build(body);
  // Positions are numbered left to right and, without loops, only lead rightwards.
  const reach: Weight[] = a.sets.map((_, q) => f.first.get(q) ?? { n: 0, c: 0 });
  let total = 1 + f.nul.c;
  for (let p = 0; p < reach.length; p++) {
    total += cost(reach[p]) + cost(mul(reach[p], f.last.get(p) ?? { n: 0, c: 0 }));
    for (const [q, w] of a.follow[p]) reach[q] = add(reach[q], mul(reach[p], w));
  }
  if (total > LOOKAROUND_WORK) throw new RegexRefusal('lookaround');
  return total;
}
