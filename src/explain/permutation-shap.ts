/**
 * Permutation SHAP (as `shap`'s PermutationExplainer): for each random permutation, features are
 * switched on one by one from the all-masked state (forward) and then switched off in the same
 * order from the all-on state (backward, antithetic), and each feature is credited with the change
 * it caused. Each pass telescopes, so Σφ = f(x) − E f(bg) exactly. With the first layer linear in the
 * mask, a pass is d+1 incremental pre-activation updates and one batched run of the head's
 * remainder. The standard error per feature is reported from the spread over passes.
 */
import { Rng } from '../util/rng.js';
import type { MaskedHead } from './masked-head.js';
import { shapResult, type ShapResult } from './shap-result.js';

export interface PermutationShapOptions {
  /** antithetic permutation pairs (default 1: 2·(d+1) evaluations) */
  permutations?: number;
  seed?: number;
}

export function permutationShap(m: MaskedHead, o: PermutationShapOptions = {}): ShapResult {
  const npermutations = o.permutations ?? 1;
  if (!Number.isInteger(npermutations) || npermutations < 1)
    throw new RangeError(`Permutation SHAP: permutations must be a positive integer, got ${npermutations}`);
  const { d, C, nb, h } = m;
  const rng = new Rng(o.seed ?? 0);
  const sum = new Float64Array(C * d);
  const sumSq = new Float64Array(C * d);
  const block = nb * h;
  const passes = 2 * npermutations;
  for (let p = 0; p < npermutations; p++) {
    const perm = rng.permutation(d);
    for (const backward of [false, true]) {
      // pre-activations of the d+1 states along the path
      const pre = new Float64Array((d + 1) * block);
      if (backward) for (let r = 0; r < nb; r++) pre.set(m.preX, r * h);
      else pre.set(m.preBg, 0);
      for (let k = 0; k < d; k++) {
        pre.copyWithin((k + 1) * block, k * block, (k + 1) * block);
        m.addFeature(perm[k], pre, (k + 1) * block, backward ? -1 : 1);
      }
      const v = m.valuesOfPre(pre, d + 1);
      for (let k = 0; k < d; k++) {
        const i = perm[k];
        for (let c = 0; c < C; c++) {
          const diff = v[(k + 1) * C + c] - v[k * C + c];
          const g = backward ? -diff : diff;
          sum[c * d + i] += g;
          sumSq[c * d + i] += g * g;
        }
      }
    }
  }
  const phi = sum.map((s) => s / passes);
  const stdErr = sumSq.map((s, j) => {
    const mean = phi[j];
    const v = passes > 1 ? Math.max(0, (s - passes * mean * mean) / (passes - 1)) : 0;
    return Math.sqrt(v / passes);
  });
  return shapResult('permutation', phi, m.base, m.fx, passes * (d + 1), stdErr);
}
