/**
 * Grouped paired permutation test (sign flip) of "the head and the reference are exchangeable":
 * each permutation swaps the two heads' outputs (every seed) on a random half of the test groups,
 * independently per fold, and recomputes the fold-mean difference; p = (1 + #{|T*| ≥ |T|}) / (1 + R),
 * two-sided. For accuracy this is the sign-flip test on per-group differences; for other metrics
 * the swap keeps whole groups together. When 2^groups ≤ the permutation budget every sign pattern
 * is enumerated and p is exact (#{|T*| ≥ |T|} / 2^groups). The test conditions on the trained seeds:
 * it measures test-set (group) sampling, while the bootstrap interval also carries seed variance.
 */
import { Rng } from '../util/rng.js';
import type { PreparedFold, SeedView } from './paired-data.js';
import { foldDiff, unitWeights } from './paired-diff.js';
import { scratchSize, type PairedMetric } from './paired-metrics/index.js';

export interface PermutationResult {
  /** the observed (oriented) difference */
  statistic: number;
  p: number;
  permutations: number;
  exact: boolean;
}

const copyView = (v: SeedView): SeedView => ({
  pred: v.pred.slice(),
  conf: v.conf ? v.conf.slice() : null,
  bin: v.bin ? v.bin.slice() : null,
});

/** Writes into (a2, b2) the views of (a, b) with the two swapped on the cases of flipped groups. */
function swapInto(f: PreparedFold, flip: Uint8Array, a2: SeedView[], b2: SeedView[]): void {
  const n = f.labels.length;
  for (let s = 0; s < f.a.length; s++) {
    const a = f.a[s];
    const b = f.b[s];
    const x = a2[s];
    const y = b2[s];
    for (let i = 0; i < n; i++) {
      const swap = flip[f.groupOf[i]] === 1;
      x.pred[i] = swap ? b.pred[i] : a.pred[i];
      y.pred[i] = swap ? a.pred[i] : b.pred[i];
    }
    if (a.conf && b.conf && a.bin && b.bin && x.conf && y.conf && x.bin && y.bin)
      for (let i = 0; i < n; i++) {
        const swap = flip[f.groupOf[i]] === 1;
        x.conf[i] = swap ? b.conf[i] : a.conf[i];
        y.conf[i] = swap ? a.conf[i] : b.conf[i];
        x.bin[i] = swap ? b.bin[i] : a.bin[i];
        y.bin[i] = swap ? a.bin[i] : b.bin[i];
      }
  }
}

export function groupedPermutationTest(
  folds: readonly PreparedFold[],
  metric: PairedMetric,
  classes: number,
  opts: { permutations?: number; seed?: number } = {},
): PermutationResult {
  const R = opts.permutations ?? 2000;
  if (!(R >= 1 && Number.isInteger(R)))
    throw new RangeError(`permutation test: permutations must be a positive integer, got ${R}`);
  const scratch = new Float64Array(scratchSize(classes));
  const ones = folds.map((f) => unitWeights(f.labels.length));
  const K = folds.length;
  const observed = folds.reduce((a, f, k) => a + foldDiff(f, metric, ones[k], classes, scratch), 0) / K;
  const G = folds.reduce((a, f) => a + f.groups, 0);
  const exact = G <= 30 && 2 ** G <= R;
  const total = exact ? 2 ** G : R;
  const flips = folds.map((f) => new Uint8Array(f.groups));
  const a2 = folds.map((f) => f.a.map(copyView));
  const b2 = folds.map((f) => f.b.map(copyView));
  const rng = new Rng(opts.seed ?? 0).fork('grouped-permutation');
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  let extreme = 0;
  for (let r = 0; r < total; r++) {
    let bit = 0;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const flip = flips[k];
      for (let g = 0; g < flip.length; g++, bit++)
        flip[g] = exact ? Math.floor(r / 2 ** bit) % 2 : rng.int(2);
      swapInto(folds[k], flip, a2[k], b2[k]);
      sum += foldDiff(folds[k], metric, ones[k], classes, scratch, null, a2[k], b2[k]);
    }
    if (Math.abs(sum / K) >= Math.abs(observed) - tol) extreme++;
  }
  const p = exact ? extreme / total : (1 + extreme) / (1 + total);
  return { statistic: observed, p: Math.min(1, p), permutations: total, exact };
}
