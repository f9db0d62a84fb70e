/**
 * The input of a paired head comparison and its checked, typed-array form. Per fold (one fold when
 * there is no cross-validation): the test labels, a group id per test case (the split's patient
 * group or block, from the manifest), and per head seed the predictions (and, for ECE, the class
 * probabilities) of the head and of the reference. Seeds are paired by index (same count per head).
 */
import { confidenceBin } from './probabilistic.js';

export interface HeadSeeds {
  /** per seed: the predicted class of every test case */
  pred: readonly ArrayLike<number>[];
  /** per seed: class probabilities, N×classes row-major (needed for ECE only) */
  probs?: readonly ArrayLike<number>[];
}

export interface PairedFold {
  labels: ArrayLike<number>;
  /** group id of every test case: cases of one group are resampled (and permuted) together */
  groups: ArrayLike<string | number>;
  head: HeadSeeds;
  reference: HeadSeeds;
}

export interface PairedData {
  classes: number;
  folds: readonly PairedFold[];
}

/** One head seed on one fold's cases: prediction, top-class probability and its ECE bin. */
export interface SeedView {
  pred: Int32Array;
  conf: Float64Array | null;
  bin: Int32Array | null;
}

export interface PreparedFold {
  labels: Int32Array;
  /** group index (0..groups−1) of every case */
  groupOf: Int32Array;
  groups: number;
  a: SeedView[];
  b: SeedView[];
}

function seedView(
  pred: ArrayLike<number>,
  probs: ArrayLike<number> | undefined,
  C: number,
  where: string,
): SeedView {
  const n = pred.length;
  const p = Int32Array.from(pred);
  for (let i = 0; i < n; i++)
    if (!(p[i] >= 0 && p[i] < C) || p[i] !== pred[i])
      throw new RangeError(`${where}: prediction ${i} out of range: ${pred[i]}`);
  if (!probs) return { pred: p, conf: null, bin: null };
  if (probs.length !== n * C)
    throw new RangeError(`${where}: ${probs.length} probabilities, expected ${n}×${C}`);
  const conf = new Float64Array(n);
  const bin = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // the top-class probability; ECE takes the argmax of the probabilities as the prediction
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[i * C + c] > probs[i * C + best]) best = c;
    conf[i] = probs[i * C + best];
    if (!Number.isFinite(conf[i])) throw new RangeError(`${where}: probability row ${i} is not finite`);
    bin[i] = confidenceBin(conf[i]);
    p[i] = best;
  }
  return { pred: p, conf, bin };
}

/** Checks a comparison's input and turns it into typed arrays (group ids numbered in first-seen order). */
export function preparePaired(data: PairedData, needsProbs: boolean): PreparedFold[] {
  const C = data.classes;
  if (!Number.isInteger(C) || C < 2) throw new RangeError(`paired comparison: classes must be ≥ 2, got ${C}`);
  if (data.folds.length === 0) throw new RangeError('paired comparison: no folds');
  return data.folds.map((f, k) => {
    const n = f.labels.length;
    const where = `fold ${k}`;
    if (n === 0) throw new RangeError(`${where}: no test cases`);
    if (f.groups.length !== n) throw new RangeError(`${where}: ${f.groups.length} group ids for ${n} cases`);
    const S = f.head.pred.length;
    if (S === 0 || f.reference.pred.length !== S)
      throw new RangeError(
        `${where}: ${S} head seeds and ${f.reference.pred.length} reference seeds (need equal, ≥ 1)`,
      );
    const labels = Int32Array.from(f.labels);
    for (let i = 0; i < n; i++)
      if (!(labels[i] >= 0 && labels[i] < C) || labels[i] !== f.labels[i])
        throw new RangeError(`${where}: label ${i} out of range: ${f.labels[i]}`);
    const ids = new Map<string | number, number>();
    const groupOf = Int32Array.from({ length: n }, (_, i) => {
      let g = ids.get(f.groups[i]);
      if (g === undefined) ids.set(f.groups[i], (g = ids.size));
      return g;
    });
    const views = (h: HeadSeeds, name: string) =>
      h.pred.map((p, s) => {
        if (p.length !== n)
          throw new RangeError(`${where}: ${name} seed ${s} has ${p.length} predictions for ${n} cases`);
        if (needsProbs && !h.probs?.[s])
          throw new RangeError(`${where}: ${name} seed ${s} has no probabilities (needed for ECE)`);
        return seedView(p, needsProbs ? h.probs![s] : undefined, C, `${where}: ${name} seed ${s}`);
      });
    return {
      labels,
      groupOf,
      groups: ids.size,
      a: views(f.head, 'head'),
      b: views(f.reference, 'reference'),
    };
  });
}
