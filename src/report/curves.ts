/** Engine-free curves for the report: one-vs-rest ROC with AUC, and calibration bins with ECE. */

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  auc: number;
}

/** ROC of scores for a binary truth (true = positive); ties are handled as one step. */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>): RocCurve {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (let i = 0; i < n; i++) if (positive[i]) P++;
  const N = n - P;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    if (positive[idx[k]]) tp++;
    else fp++;
    if (k === n - 1 || scores[idx[k + 1]] !== scores[idx[k]]) {
      fpr.push(N ? fp / N : 0);
      tpr.push(P ? tp / P : 0);
    }
  }
  let auc = 0;
  for (let i = 1; i < fpr.length; i++) auc += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
  return { fpr, tpr, auc: P && N ? auc : NaN };
}

/** One-vs-rest ROC per class from B×C probabilities. */
export function rocPerClass(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): RocCurve[] {
  const B = labels.length;
  return Array.from({ length: classes }, (_, c) => {
    const s = new Float64Array(B);
    const pos = new Array<boolean>(B);
    for (let b = 0; b < B; b++) {
      s[b] = probs[b * classes + c];
      pos[b] = labels[b] === c;
    }
    return rocCurve(s, pos);
  });
}

export interface Calibration {
  bins: { lo: number; hi: number; n: number; confidence: number; accuracy: number }[];
  /** expected calibration error (top-1 confidence vs accuracy, weighted by bin size) */
  ece: number;
}

/** Reliability bins of top-1 confidence against accuracy. */
export function calibration(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  nBins = 10,
): Calibration {
  const B = labels.length;
  const acc = new Float64Array(nBins);
  const conf = new Float64Array(nBins);
  const cnt = new Float64Array(nBins);
  for (let b = 0; b < B; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[b * classes + c] > probs[b * classes + best]) best = c;
    const p = probs[b * classes + best];
    const k = Math.min(nBins - 1, Math.floor(p * nBins));
    cnt[k]++;
    conf[k] += p;
    acc[k] += best === labels[b] ? 1 : 0;
  }
  let ece = 0;
  const bins: Calibration['bins'] = [];
  for (let k = 0; k < nBins; k++) {
    if (!cnt[k]) continue;
    const c = conf[k] / cnt[k];
    const a = acc[k] / cnt[k];
    ece += (cnt[k] / B) * Math.abs(c - a);
    bins.push({ lo: k / nBins, hi: (k + 1) / nBins, n: cnt[k], confidence: c, accuracy: a });
  }
  return { bins, ece };
}
