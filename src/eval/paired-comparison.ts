/**
 * pairedVerdict: the structured verdict of one head against a reference on one metric.
 *
 * Method (the choice, justified): with one fold (no cross-validation) the interval and the p-value
 * come from one hierarchical bootstrap over test groups × head seeds (hierarchical-bootstrap.ts), so
 * both carry test-set and seed variance and p < 1 − level exactly when the interval excludes 0 (up
 * to the resampling grain). The grouped permutation test (grouped-permutation.ts) conditions on the
 * trained seeds, so with several seeds its p ignores seed variance (in the A/A simulation it
 * rejects too often); it gives the p of one seed on one fold, where there is no interval.
 * With k ≥ 2 folds the default ('auto') is the Nadeau–Bengio corrected resampled t-test on the
 * per-fold differences (each the seed mean on that fold's test set): fold-to-fold spread already
 * contains test-set, seed and backbone/split variance, the correction accounts for the overlap of
 * the folds' training sets (which a bootstrap that treats folds as independent ignores), and its
 * t quantile with k − 1 degrees of freedom stays honest for k = 3..5, where a percentile bootstrap
 * over 3–5 fold values cannot. The hierarchical bootstrap over folds × groups × seeds remains
 * available (method: 'hierarchical-bootstrap') as a sensitivity check.
 * Small samples: the bootstrap's variance is bias-corrected and its interval t-widened with
 * Welch–Satterthwaite degrees of freedom over groups and seeds (hierarchical-bootstrap.ts header);
 * one seed or one test group on one fold is `inconclusive` with no interval.
 */
import { groupedPermutationTest } from './grouped-permutation.js';
import { hierarchicalBootstrap } from './hierarchical-bootstrap.js';
import { nadeauBengio } from './nadeau-bengio.js';
import { preparePaired, type PairedData, type PreparedFold } from './paired-data.js';
import { foldDiff, unitWeights } from './paired-diff.js';
import { pairedMetric, scratchSize, type MetricName, type PairedMetric } from './paired-metrics/index.js';
import { verdictLabel, type Verdict } from './verdict-object.js';

export interface PairedVerdictOptions {
  head: string;
  reference: string;
  metric: MetricName;
  /** equivalence margin in points (default 1) */
  margin?: number;
  method?: 'auto' | 'hierarchical-bootstrap' | 'nadeau-bengio';
  /** bootstrap resamples (default 2000) */
  resamples?: number;
  /** permutations of the grouped test (default 2000) */
  permutations?: number;
  seed?: number;
  /** two-sided interval level (default 0.95) */
  level?: number;
  /** Nadeau–Bengio n_test/n_train (default 1/(k − 1), k-fold cross-validation) */
  testTrainRatio?: number;
}

function preparedFoldDiffs(folds: readonly PreparedFold[], metric: PairedMetric, C: number): number[] {
  const scratch = new Float64Array(scratchSize(C));
  return folds.map((f) => 100 * foldDiff(f, metric, unitWeights(f.labels.length), C, scratch));
}

/** Per fold, the seed-mean difference head − reference in points (oriented: positive = head better). */
export function foldDifferences(data: PairedData, metric: MetricName): number[] {
  const m = pairedMetric(metric);
  return preparedFoldDiffs(preparePaired(data, m.needsProbs), m, data.classes);
}

export function pairedVerdict(data: PairedData, opts: PairedVerdictOptions): Verdict {
  const metric = pairedMetric(opts.metric);
  const folds = preparePaired(data, metric.needsProbs);
  const C = data.classes;
  const K = folds.length;
  const margin = opts.margin ?? 1;
  const level = opts.level ?? 0.95;
  if (!(margin >= 0)) throw new RangeError(`verdict: margin must be ≥ 0 points, got ${margin}`);
  const method =
    opts.method === 'auto' || !opts.method
      ? K >= 2
        ? 'nadeau-bengio'
        : 'hierarchical-bootstrap'
      : opts.method;
  const seeds = Math.min(...folds.map((f) => f.a.length));
  const base = {
    head: opts.head,
    reference: opts.reference,
    metric: metric.name,
    level,
    margin,
    pHolm: null,
    method,
  };
  const groups = folds.reduce((a, f) => a + f.groups, 0);
  if (method === 'nadeau-bengio') {
    const diffs = preparedFoldDiffs(folds, metric, C);
    const nb = nadeauBengio(diffs, opts.testTrainRatio ?? 1 / (K - 1), level);
    const ci: [number, number] = [nb.lo, nb.hi];
    const n = { folds: K, groups, seeds, resamples: 0, permutations: 0 };
    return { ...base, label: verdictLabel(ci, margin), diff: nb.mean, ci, p: nb.p, n };
  }
  if (K === 1 && (seeds === 1 || groups < 2)) {
    // one trained pair, or one test group (its variance unestimable): no interval; the grouped
    // permutation test is exact for these models
    const perm = groupedPermutationTest(folds, metric, C, {
      permutations: opts.permutations,
      seed: opts.seed,
    });
    const n = { folds: K, groups, seeds, resamples: 0, permutations: perm.permutations };
    return {
      ...base,
      method: 'grouped-permutation',
      label: 'inconclusive',
      diff: 100 * perm.statistic,
      ci: null,
      p: perm.p,
      n,
    };
  }
  const boot = hierarchicalBootstrap(folds, metric, C, { resamples: opts.resamples, seed: opts.seed, level });
  const ci: [number, number] = [100 * boot.lo, 100 * boot.hi];
  const n = { folds: K, groups, seeds, resamples: boot.resamples, permutations: 0 };
  return { ...base, label: verdictLabel(ci, margin), diff: 100 * boot.estimate, ci, p: boot.p, n };
}
