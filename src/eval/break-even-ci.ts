/**
 * The noise break-even level with a grouped bootstrap interval. Inputs are per test case scores
 * (1/0 correct, or the fraction correct over seeds) of the hybrid without noise, at each swept noise
 * level, and of the classical reference, all on the same cases (paired). Each resample draws test
 * groups with replacement, recomputes the mean scores and the crossing with the caller's crossing
 * rule (src/noise's breakEven, passed in so eval does not depend on noise). A resample whose hybrid
 * never falls below the reference counts as +∞, one below it without noise as 0; the interval is
 * the percentile interval of those levels, and its upper end is "not reached" (null) when it lies
 * beyond the swept range.
 */
import { Rng } from '../util/rng.js';
import { percentileInterval } from './hierarchical-bootstrap.js';

export interface Crossing {
  level: number | null;
  status: string;
}

export type CrossingRule = (
  noiseless: number,
  levels: readonly number[],
  scores: readonly number[],
  reference: number,
) => Crossing;

export interface BreakEvenData {
  levels: readonly number[];
  groups: ArrayLike<string | number>;
  noiseless: ArrayLike<number>;
  /** per level: every case's score */
  atLevel: readonly ArrayLike<number>[];
  reference: ArrayLike<number>;
}

export interface BreakEvenInterval extends Crossing {
  /** [lo, hi] of the break-even level; an end beyond the swept levels is null (not reached); null: one group only */
  ci: [number | null, number | null] | null;
  notReached: boolean;
  resamples: number;
}

export function breakEvenInterval(
  data: BreakEvenData,
  crossing: CrossingRule,
  opts: { resamples?: number; seed?: number; level?: number } = {},
): BreakEvenInterval {
  const n = data.noiseless.length;
  const L = data.levels.length;
  if (n === 0) throw new RangeError('break-even interval: no test cases');
  if (data.atLevel.length !== L)
    throw new RangeError(`break-even interval: ${data.atLevel.length} score rows for ${L} levels`);
  for (const [name, a] of [
    ['groups', data.groups],
    ['reference', data.reference],
    ...data.atLevel.map((a, l) => [`level ${l}`, a] as const),
  ] as const)
    if (a.length !== n)
      throw new RangeError(`break-even interval: ${name} has ${a.length} values for ${n} cases`);
  const ids = new Map<string | number, number>();
  const groupOf = Int32Array.from({ length: n }, (_, i) => {
    let g = ids.get(data.groups[i]);
    if (g === undefined) ids.set(data.groups[i], (g = ids.size));
    return g;
  });
  const G = ids.size;
  const at = (w: Float64Array) => {
    let tot = 0;
    let nl = 0;
    let ref = 0;
    const sc = new Array<number>(L).fill(0);
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      tot += wi;
      nl += wi * data.noiseless[i];
      ref += wi * data.reference[i];
      for (let l = 0; l < L; l++) sc[l] += wi * data.atLevel[l][i];
    }
    return crossing(
      nl / tot,
      data.levels,
      sc.map((v) => v / tot),
      ref / tot,
    );
  };
  const estimate = at(new Float64Array(n).fill(1));
  const R = opts.resamples ?? 2000;
  const levelOf = (c: Crossing) => (c.level === null ? Infinity : c.level);
  if (G < 2) return { ...estimate, ci: null, notReached: estimate.level === null, resamples: 0 };
  const rng = new Rng(opts.seed ?? 0).fork('break-even');
  const gc = new Float64Array(G);
  const w = new Float64Array(n);
  const dist = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    gc.fill(0);
    for (let g = 0; g < G; g++) gc[rng.int(G)]++;
    for (let i = 0; i < n; i++) w[i] = gc[groupOf[i]];
    dist[r] = levelOf(at(w));
  }
  dist.sort();
  const [lo, hi] = percentileInterval(dist, opts.level ?? 0.95);
  const notReached = hi === Infinity;
  return {
    ...estimate,
    ci: [lo === Infinity ? null : lo, notReached ? null : hi],
    notReached,
    resamples: R,
  };
}
