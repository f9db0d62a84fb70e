/**
 * Metrics on class probabilities (N×C, row-major): one-vs-rest ROC curves and AUCs (ties count
 * one half, as in the Mann–Whitney statistic), and expected calibration error with the bins of a
 * reliability diagram. A class with no positives or no negatives has no ROC (null), never 0 or NaN.
 * ECE_BINS is the one bin count used for every ECE qmri reports (compare, report, resampled ECE).
 */

/** Equal-width confidence bins of every expected calibration error qmri computes. */
export const ECE_BINS = 15;

/** The bin of a top-class probability p among `bins` equal-width bins (the last one includes 1). */
export function confidenceBin(p: number, bins: number = ECE_BINS): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
}

export interface RocCurve {
  /** false positive rates, from 0 to 1 (one point per distinct score, plus (0, 0)) */
  fpr: number[];
  tpr: number[];
  /** score threshold of each point (Infinity for the first) */
  thresholds: number[];
  auc: number;
}

export interface RocResult {
  perClass: (RocCurve | null)[];
  /** mean AUC over the classes that have a curve */
  macroAuc: number | null;
}

function checkProbs(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  const n = labels.length;
  if (n === 0) throw new RangeError('no samples to evaluate');
  if (probs.length !== n * classes)
    throw new RangeError(`probabilities have ${probs.length} values, expected ${n}×${classes}`);
  for (let i = 0; i < probs.length; i++)
    if (!Number.isFinite(probs[i])) throw new RangeError(`probability ${i} is not finite (${probs[i]})`);
  for (let i = 0; i < n; i++)
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classes)
      throw new RangeError(`label ${i} out of range: ${labels[i]}`);
  return n;
}

/** ROC curve of scores against binary targets; null when one of the two groups is empty. */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>): RocCurve | null {
  const n = scores.length;
  let P = 0;
  for (let i = 0; i < n; i++) if (positive[i]) P++;
  const N = n - P;
  if (P === 0 || N === 0) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Infinity];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let i = 0; i < n;) {
    const s = scores[order[i]];
    let dtp = 0;
    let dfp = 0;
    for (; i < n && scores[order[i]] === s; i++)
      if (positive[order[i]]) dtp++;
      else dfp++;
    // trapezoid over a block of tied scores = pairs ranked correctly + half the tied pairs
    auc += (dfp * (2 * tp + dtp)) / 2;
    tp += dtp;
    fp += dfp;
    fpr.push(fp / N);
    tpr.push(tp / P);
    thresholds.push(s);
  }
  return { fpr, tpr, thresholds, auc: auc / (P * N) };
}

/** One-vs-rest ROC per class and the macro AUC. */
export function rocOneVsRest(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): RocResult {
  const n = checkProbs(probs, labels, classes);
  const perClass: (RocCurve | null)[] = [];
  for (let c = 0; c < classes; c++) {
    const s = new Float64Array(n);
    const pos = new Array<boolean>(n);
    for (let i = 0; i < n; i++) {
      s[i] = probs[i * classes + c];
      pos[i] = labels[i] === c;
    }
    perClass.push(rocCurve(s, pos));
  }
  const aucs = perClass.filter((r): r is RocCurve => r !== null).map((r) => r.auc);
  return { perClass, macroAuc: aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null };
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** mean top-class probability in the bin (null when empty) */
  confidence: number | null;
  /** fraction of the bin's top-class predictions that are right (null when empty) */
  accuracy: number | null;
}

export interface Calibration {
  /** expected calibration error: Σ_b (n_b / N) · |accuracy_b − confidence_b| */
  ece: number;
  /** the largest |accuracy_b − confidence_b| over non-empty bins */
  mce: number;
  bins: ReliabilityBin[];
}

/** Top-label calibration over `bins` equal-width confidence bins (the last one includes 1). */
export function calibration(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  bins: number = ECE_BINS,
): Calibration {
  const n = checkProbs(probs, labels, classes);
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    const p = probs[i * classes + best];
    const b = confidenceBin(p, bins);
    count[b]++;
    conf[b] += p;
    if (best === labels[i]) correct[b]++;
  }
  let ece = 0;
  let mce = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const k = count[b];
    const bin: ReliabilityBin = {
      lo: b / bins,
      hi: (b + 1) / bins,
      count: k,
      confidence: k ? conf[b] / k : null,
      accuracy: k ? correct[b] / k : null,
    };
    if (k) {
      const gap = Math.abs(bin.accuracy! - bin.confidence!);
      ece += (k / n) * gap;
      mce = Math.max(mce, gap);
    }
    out.push(bin);
  }
  return { ece, mce, bins: out };
}
