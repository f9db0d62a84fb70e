/**
 * Classification metrics from labels and predictions: confusion matrix, accuracy, balanced
 * accuracy, macro-F1, per-class precision / recall / specificity. Undefined values (a class with no
 * predictions or no examples) are null, never 0 or NaN. Balanced accuracy averages recall over the
 * classes present in the truth; macro-F1 averages F1 over the union of true and predicted classes
 * (a class only predicted scores F1 = 0, as in scikit-learn's average='macro'). Both rules live in
 * balancedAccuracyOf / macroF1Of (flat, possibly weighted confusion counts), used everywhere.
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
  const flat = confusion.flat();
  return {
    n,
    accuracy: n > 0 ? correct / n : 0,
    balancedAccuracy: balancedAccuracyOf(flat, C),
    macroF1: macroF1Of(flat, C),
    confusion,
    perClass,
  };
}

/** Mean recall over the classes with (weighted) support; conf is a flat C×C matrix (rows = truth). */
export function balancedAccuracyOf(conf: ArrayLike<number>, C: number): number {
  let sum = 0;
  let k = 0;
  for (let c = 0; c < C; c++) {
    let support = 0;
    for (let j = 0; j < C; j++) support += conf[c * C + j];
    if (support > 0) {
      sum += conf[c * C + c] / support;
      k++;
    }
  }
  return k > 0 ? sum / k : 0;
}

/** Mean F1 over the union of true and predicted classes; conf is a flat C×C matrix (rows = truth). */
export function macroF1Of(conf: ArrayLike<number>, C: number): number {
  let sum = 0;
  let k = 0;
  for (let c = 0; c < C; c++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < C; j++) {
      support += conf[c * C + j];
      predicted += conf[j * C + c];
    }
    if (support > 0 || predicted > 0) {
      // F1 = 2·tp / (support + predicted): 0 when the class is only true or only predicted
      sum += (2 * conf[c * C + c]) / (support + predicted);
      k++;
    }
  }
  return k > 0 ? sum / k : 0;
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
