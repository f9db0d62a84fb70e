/**
 * Classification metrics from labels and predictions: confusion matrix, accuracy, balanced
 * accuracy, macro-F1, per-class precision / recall / specificity. Undefined values (a class with no
 * predictions or no examples) are null, never 0 or NaN.
 */

export interface ClassMetrics {
  precision: number | null;
  recall: number | null;
  specificity: number | null;
  f1: number | null;
  support: number;
}

export interface Metrics {
  n: number;
  accuracy: number;
  balancedAccuracy: number;
  macroF1: number;
  confusion: number[][];
  perClass: ClassMetrics[];
}

function checkLabels(labels: ArrayLike<number>, preds: ArrayLike<number>, classes: number): void {
  if (labels.length !== preds.length)
    throw new RangeError(`labels (${labels.length}) and predictions (${preds.length}) differ in length`);
  if (labels.length === 0) throw new RangeError('no samples to evaluate');
  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i] >= 0 && labels[i] < classes) || !Number.isInteger(labels[i]))
      throw new RangeError(`label ${i} out of range: ${labels[i]}`);
    if (!(preds[i] >= 0 && preds[i] < classes) || !Number.isInteger(preds[i]))
      throw new RangeError(`prediction ${i} out of range: ${preds[i]}`);
  }
}

export function confusionMatrix(
  labels: ArrayLike<number>,
  preds: ArrayLike<number>,
  classes: number,
): number[][] {
  checkLabels(labels, preds, classes);
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][preds[i]]++;
  return m;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function metricsFromConfusion(confusion: number[][]): Metrics {
  const C = confusion.length;
  const n = confusion.flat().reduce((a, b) => a + b, 0);
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < C; c++) {
    const tp = confusion[c][c];
    correct += tp;
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    const fp = predicted - tp;
    const fn = support - tp;
    const tn = n - tp - fp - fn;
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 =
      precision === null || recall === null
        ? null
        : precision + recall > 0
          ? (2 * precision * recall) / (precision + recall)
          : 0;
    perClass.push({ precision, recall, specificity: ratio(tn, tn + fp), f1, support });
  }
  const present = perClass.filter((p) => p.support > 0);
  const recalls = present.map((p) => p.recall as number);
  const f1s = present.map((p) => p.f1 ?? 0);
  return {
    n,
    accuracy: n > 0 ? correct / n : 0,
    balancedAccuracy: recalls.reduce((a, b) => a + b, 0) / Math.max(1, recalls.length),
    macroF1: f1s.reduce((a, b) => a + b, 0) / Math.max(1, f1s.length),
    confusion,
    perClass,
  };
}

export function classificationMetrics(
  labels: ArrayLike<number>,
  preds: ArrayLike<number>,
  classes: number,
): Metrics {
  return metricsFromConfusion(confusionMatrix(labels, preds, classes));
}

/** Row-wise argmax of a B×C score matrix. */
export function argmaxRows(scores: ArrayLike<number>, classes: number): Int32Array {
  const B = scores.length / classes;
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[b * classes + c] > scores[b * classes + best]) best = c;
    out[b] = best;
  }
  return out;
}
