/**
 * The Nadeau–Bengio corrected resampled t-test (Nadeau & Bengio 2003, "Inference for the
 * generalization error"; Bouckaert & Frank 2004 for k-fold use): the per-fold differences d_1..d_k
 * are correlated because the folds' training sets overlap, so the variance of their mean is
 * inflated from s²/k to (1/k + n_test/n_train)·s². t = mean / √that, with k − 1 degrees of freedom;
 * the interval is mean ± t_{(1+level)/2, k−1}·√that. For k-fold cross-validation
 * n_test/n_train = 1/(k − 1).
 */
import { tCdf, tQuantile } from './distributions.js';

export interface CorrectedTTest {
  mean: number;
  /** the corrected standard error √((1/k + n_test/n_train)·s²) */
  se: number;
  df: number;
  t: number;
  /** two-sided */
  p: number;
  lo: number;
  hi: number;
}

export function nadeauBengio(diffs: readonly number[], testTrainRatio: number, level = 0.95): CorrectedTTest {
  const k = diffs.length;
  if (k < 2) throw new RangeError(`Nadeau–Bengio test: needs ≥ 2 folds, got ${k}`);
  if (!(testTrainRatio > 0))
    throw new RangeError(`Nadeau–Bengio test: n_test/n_train must be positive, got ${testTrainRatio}`);
  const mean = diffs.reduce((a, b) => a + b, 0) / k;
  const s2 = diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (k - 1);
  const se = Math.sqrt((1 / k + testTrainRatio) * s2);
  const df = k - 1;
  if (se === 0)
    return {
      mean,
      se,
      df,
      t: mean === 0 ? 0 : Math.sign(mean) * Infinity,
      p: mean === 0 ? 1 : 0,
      lo: mean,
      hi: mean,
    };
  const t = mean / se;
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  const half = tQuantile((1 + level) / 2, df) * se;
  return { mean, se, df, t, p, lo: mean - half, hi: mean + half };
}
