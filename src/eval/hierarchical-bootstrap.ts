/**
 * Hierarchical, grouped, paired percentile bootstrap of the difference between two heads. Within a
 * fold, each resample draws the fold's test groups with replacement (every case of a group drawn k
 * times counts k times) and its head seeds with replacement; the head and the reference are
 * evaluated on that same resample (paired), the statistic being the seed-mean difference (averaged
 * over folds). With several folds the folds are resampled too (see below). The observed estimate
 * is the same statistic on the data as they are. Seeded and deterministic; typed arrays throughout
 * (2,000 resamples of 800 cases × 10 seeds: a fraction of a CPU second).
 *
 * Test groups and seeds are crossed (every seed is evaluated on every case), and resampling both
 * (Owen's "pigeonhole" bootstrap, Ann. Appl. Stat. 2007) counts the case × seed noise three times
 * instead of once: with E[v_AB] = σ²_g + σ²_s + 3σ²_e against the true σ²_g + σ²_s + σ²_e, the plain
 * percentile interval covers ~99.5% instead of 95% in the simulation test. The same pass also
 * resamples groups only (v_A = σ²_g + σ²_e) and seeds only (v_B = σ²_s + σ²_e), which gives the
 * moment estimate W = 2(v_A + v_B) − v_AB (floored at max(v_A, v_B), its expected lower bound).
 * Folds are nested above: each fold has its own test set, seeds and backbone, so the spread of the
 * fold means already holds every lower level; resampling folds and then groups × seeds inside them
 * would count the lower levels twice. So with k ≥ 2 folds the variance is the folds-only bootstrap
 * variance × k/(k − 1) (its small-sample bias), floored at W (it cannot be smaller in expectation).
 * The interval is the groups × seeds percentile interval scaled about the estimate by √(V / v_AB),
 * V the corrected variance, so it keeps the bootstrap's shape. One seed on one fold: v_B = 0 and
 * v_AB = v_A, the plain grouped percentile bootstrap (t-widened on G − 1 degrees of freedom, below).
 *
 * Small samples (issue #17: 3 seeds and 2 test groups gave a 27.5% A/A false-positive rate). Two
 * corrections, both standard for a plug-in variance with few units per level:
 *  1. Bias: a bootstrap over n units gives the plug-in variance, (n − 1)/n of the unbiased one. So
 *     v_A' = v_A·G/(G − 1), v_B' = v_B·S/(S − 1), and the crossed (case × seed) excess
 *     v_AB − v_A − v_B, whose leading term carries (1 − 1/G)(1 − 1/S), is scaled by GS/((G − 1)(S − 1));
 *     W = v_A' + v_B' − excess' (floored at max(v_A', v_B') as before). With G, S large this is the
 *     moment estimate above.
 *  2. Degrees of freedom: V is estimated from G groups and S seeds, so the interval uses Student's
 *     t instead of the normal (a percentile interval has no such widening). The degrees of freedom
 *     are Welch–Satterthwaite's over two parts of V: the seed level v_B' (S − 1 df) and the group
 *     level beyond the case × seed share, c_g = v_A' − excess' floored at 0 (G − 1 df):
 *     ν = (v_B' + c_g)² / (v_B'²/(S − 1) + c_g²/(G − 1)), at least min(G − 1, S − 1); with folds,
 *     ν = k − 1 when the folds' variance is the one used. The interval is widened about the estimate
 *     by t_ν/z (same quantile level), and the p-value is read from the same widened distribution, so
 *     p < 1 − level still matches an interval that excludes 0. v_B' is the sample variance of the S
 *     seeds' differences over S: S − 1 df whatever share of it the case × seed term makes up. An
 *     earlier version gave that share its own (G − 1)(S − 1) df, which holds only when a seed's errors
 *     are independent from case to case; a trained head's are not (a seed moves its decision boundary
 *     and flips many cases together). On real linear heads (bench/train/aa-rate.ts) it said
 *     better/worse in 8.8% of 1,000 A/A comparisons with 2 seeds per side and 6.6% with 5, and in the
 *     structured simulation (test/eval/calibration-sim.test.ts) in 8–13%; this one stays at ≤ 5% plus
 *     binomial noise on both, at the cost of over-covering (99%) where case × seed errors really are
 *     independent (BENCHMARKS.md, issue #17).
 * One test group (one fold) leaves the test-set variance unestimable: ν is NaN and the caller
 * (pairedVerdict) reports `inconclusive` without an interval, as for one seed.
 */
import { Rng } from '../util/rng.js';
import { tQuantile } from './distributions.js';
import type { PreparedFold } from './paired-data.js';
import { foldDiff, seedDiffs, unitWeights } from './paired-diff.js';
import { scratchSize, type PairedMetric } from './paired-metrics/index.js';

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** two-sided confidence level, default 0.95 */
  level?: number;
}

export interface BootstrapResult {
  estimate: number;
  /** two-sided bootstrap test of a zero difference, (1 + 2·min tail count) / (R + 1) style, capped at 1 */
  p: number;
  lo: number;
  hi: number;
  resamples: number;
  /** the sorted resampled statistics (groups and seeds resampled, before the variance correction) */
  distribution: Float64Array;
  /**
   * bootstrap variances: groups only (A), seeds only (B), both (AB), folds only (0 with one fold);
   * corrected: V (small-sample unbiased); scale: √(V / v_AB) · t_ν/z
   */
  variance: { groups: number; seeds: number; both: number; folds: number; corrected: number; scale: number };
  /** degrees of freedom of V (Welch–Satterthwaite over groups and seeds, or k − 1); NaN with one test group */
  df: number;
}

/** The percentile interval of a sorted sample (nearest-rank, as bootstrapCI). */
export function percentileInterval(sorted: Float64Array, level: number): [number, number] {
  const R = sorted.length;
  const q = (p: number) => sorted[Math.min(R - 1, Math.max(0, Math.floor(p * R)))];
  return [q((1 - level) / 2), q(1 - (1 - level) / 2)];
}

const variance = (v: Float64Array) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
};

/** Two-sided bootstrap p of "no difference": how far 0 lies in the tail of the scaled distribution. */
function bootstrapP(dist: Float64Array, estimate: number, scale: number): number {
  let below = 0;
  let above = 0;
  for (const v of dist) {
    const x = estimate + (v - estimate) * scale;
    if (x <= 0) below++;
    if (x >= 0) above++;
  }
  return Math.min(1, (2 * (1 + Math.min(below, above))) / (dist.length + 1));
}

/** The normal quantile, as Student's t with (practically) infinite degrees of freedom. */
const normalQuantile = (p: number) => tQuantile(p, 1e9);

/**
 * The unbiased groups × seeds variance and its Welch–Satterthwaite degrees of freedom (header, 1–2).
 * df is Infinity without any variance, NaN with one group (test-set variance unestimable).
 */
export function smallSample(
  vA: number,
  vB: number,
  vAB: number,
  G: number,
  S: number,
): { within: number; df: number } {
  const a = G > 1 ? (vA * G) / (G - 1) : 0;
  const b = S > 1 ? (vB * S) / (S - 1) : 0;
  const excess = G > 1 && S > 1 ? ((vAB - vA - vB) * G * S) / ((G - 1) * (S - 1)) : 0;
  const within = Math.max(a + b - excess, a, b);
  if (G < 2) return { within, df: NaN };
  // the seed level as a whole (S − 1 df) and the group level beyond the case × seed share (G − 1 df)
  const cg = Math.max(0, a - Math.max(0, excess));
  const terms = (cg * cg) / (G - 1) + (S > 1 ? (b * b) / (S - 1) : 0);
  if (!(terms > 0)) return { within, df: Infinity };
  const lo = S > 1 ? Math.min(G - 1, S - 1) : G - 1;
  return { within, df: Math.max(lo, (cg + b) ** 2 / terms) };
}

export function hierarchicalBootstrap(
  folds: readonly PreparedFold[],
  metric: PairedMetric,
  classes: number,
  opts: BootstrapOptions = {},
): BootstrapResult {
  const R = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  if (!(R >= 2 && Number.isInteger(R)))
    throw new RangeError(`bootstrap: resamples must be an integer ≥ 2, got ${R}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level must be in (0, 1), got ${level}`);
  const rng = new Rng(opts.seed ?? 0).fork('hierarchical-bootstrap');
  const scratch = new Float64Array(scratchSize(classes));
  const K = folds.length;
  const estimate =
    folds.reduce((a, f) => a + foldDiff(f, metric, unitWeights(f.labels.length), classes, scratch), 0) / K;
  // per fold: every seed's difference on the test set as it is (for the seeds-only resample)
  const observed = folds.map((f) =>
    seedDiffs(f, metric, unitWeights(f.labels.length), classes, scratch, new Float64Array(f.a.length)),
  );
  const weights = folds.map((f) => new Float64Array(f.labels.length));
  const groupCount = folds.map((f) => new Float64Array(f.groups));
  const seedCount = folds.map((f) => new Int32Array(f.a.length));
  const diffs = folds.map((f) => new Float64Array(f.a.length));
  const both = new Float64Array(R);
  const groupsOnly = new Float64Array(R);
  const seedsOnly = new Float64Array(R);
  const foldsOnly = new Float64Array(R);
  const foldMean = observed.map((d) => d.reduce((x, y) => x + y, 0) / d.length);
  for (let r = 0; r < R; r++) {
    let [ab, a, b] = [0, 0, 0];
    for (let k = 0; k < K; k++) {
      const f = folds[k];
      const [gc, w, sc, d, d0] = [groupCount[k], weights[k], seedCount[k], diffs[k], observed[k]];
      gc.fill(0);
      for (let g = 0; g < f.groups; g++) gc[rng.int(f.groups)]++;
      for (let i = 0; i < w.length; i++) w[i] = gc[f.groupOf[i]];
      sc.fill(0);
      for (let s = 0; s < sc.length; s++) sc[rng.int(sc.length)]++;
      seedDiffs(f, metric, w, classes, scratch, d);
      const S = d.length;
      for (let s = 0; s < S; s++) {
        ab += (sc[s] * d[s]) / S;
        a += d[s] / S;
        b += (sc[s] * d0[s]) / S;
      }
    }
    [both[r], groupsOnly[r], seedsOnly[r]] = [ab / K, a / K, b / K];
    if (K > 1) {
      let m = 0;
      for (let k = 0; k < K; k++) m += foldMean[rng.int(K)];
      foldsOnly[r] = m / K;
    }
  }
  const [vA, vB, vAB, vF] = [variance(groupsOnly), variance(seedsOnly), variance(both), variance(foldsOnly)];
  const G = Math.min(...folds.map((f) => f.groups));
  const S = Math.min(...folds.map((f) => f.a.length));
  const { within, df: dfWithin } = smallSample(vA, vB, vAB, G, S);
  const foldLevel = K > 1 && (vF * K) / (K - 1) > within;
  const corrected = foldLevel ? (vF * K) / (K - 1) : within;
  const df = foldLevel ? K - 1 : dfWithin;
  const widen = Number.isFinite(df)
    ? tQuantile(1 - (1 - level) / 2, df) / normalQuantile(1 - (1 - level) / 2)
    : 1;
  const scale = (vAB > 0 ? Math.sqrt(corrected / vAB) : 1) * widen;
  both.sort();
  const [qlo, qhi] = percentileInterval(both, level);
  const p = bootstrapP(both, estimate, scale);
  return {
    p,
    estimate,
    lo: estimate + (qlo - estimate) * scale,
    hi: estimate + (qhi - estimate) * scale,
    resamples: R,
    distribution: both,
    variance: { groups: vA, seeds: vB, both: vAB, folds: vF, corrected, scale },
    df,
  };
}
