import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibration, classificationMetrics, rocCurve, rocOneVsRest } from '../../src/eval/index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('ROC AUC equals the hand-counted fraction of correctly ranked pairs, ties counting one half', () => {
  // positives score 0.9, 0.6, 0.4; negatives 0.7, 0.4, 0.1
  // pairs (pos > neg): 0.9 beats all 3; 0.6 beats 0.4 and 0.1 (2); 0.4 ties 0.4 (½) and beats 0.1 (1)
  // → (3 + 2 + 1.5) / 9
  const r = rocCurve([0.9, 0.7, 0.6, 0.4, 0.4, 0.1], [true, false, true, true, false, false])!;
  close(r.auc, 6.5 / 9);
  assert.deepEqual(r.fpr, [0, 0, 1 / 3, 1 / 3, 2 / 3, 1]);
  assert.deepEqual(r.tpr, [0, 1 / 3, 1 / 3, 2 / 3, 1, 1]);
  assert.deepEqual(r.thresholds, [Infinity, 0.9, 0.7, 0.6, 0.4, 0.1]);
  // perfect and reversed rankings
  close(rocCurve([0.9, 0.8, 0.2], [true, true, false])!.auc, 1);
  close(rocCurve([0.1, 0.8, 0.9], [true, false, false])!.auc, 0);
  assert.equal(rocCurve([0.3, 0.4], [true, true]), null);
});

test('one-vs-rest ROC per class; a class absent from the labels has no curve and is left out of the macro AUC', () => {
  // 3 classes, class 2 never occurs
  const probs = [0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.5, 0.4, 0.1, 0.2, 0.7, 0.1];
  const labels = [0, 1, 0, 1];
  const r = rocOneVsRest(probs, labels, 3);
  // class 0 scores: pos 0.8, 0.5; neg 0.3, 0.2 → 1; class 1 scores: pos 0.6, 0.7; neg 0.1, 0.4 → 1
  close(r.perClass[0]!.auc, 1);
  close(r.perClass[1]!.auc, 1);
  assert.equal(r.perClass[2], null);
  close(r.macroAuc!, 1);
  assert.throws(() => rocOneVsRest([0.5, 0.5], [0, 1], 2), /expected 2×2/);
  assert.throws(() => rocOneVsRest([0.5, NaN, 0.5, 0.5], [0, 1], 2), /probability 1 is not finite/);
});

test('expected calibration error from hand-computed reliability bins', () => {
  // 2 classes, 4 bins of width 0.25. Top-class confidences: 0.9 (right), 0.8 (wrong), 0.6 (right), 0.55 (right)
  // bin [0.75, 1): conf 0.85, acc 0.5 → gap 0.35, weight 2/4; bin [0.5, 0.75): conf 0.575, acc 1 → gap 0.425, weight 2/4
  const probs = [0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.55, 0.45];
  const labels = [0, 0, 1, 0];
  const c = calibration(probs, labels, 2, 4);
  close(c.ece, 0.5 * 0.35 + 0.5 * 0.425);
  close(c.mce, 0.425);
  assert.deepEqual(
    c.bins.map((b) => b.count),
    [0, 0, 2, 2],
  );
  assert.equal(c.bins[0].accuracy, null);
  close(c.bins[3].confidence!, 0.85);
  close(c.bins[2].accuracy!, 1);
  // a confidence of exactly 1 falls into the last bin
  assert.equal(calibration([1, 0], [0], 2, 4).bins[3].count, 1);
  close(calibration([1, 0], [0], 2, 4).ece, 0);
});

test('per-class specificity = TN / (TN + FP) from the confusion matrix', () => {
  // labels 0 0 1 1 2 2, predictions 0 1 1 1 0 2
  const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 2], 3);
  // class 0: TP 1, FP 1 (the 2 predicted 0), TN = 6 − 1 − 1 − 1 = 3 → 3/4
  close(m.perClass[0].specificity!, 3 / 4);
  // class 1: TP 2, FP 1, FN 0, TN 3 → 3/4
  close(m.perClass[1].specificity!, 3 / 4);
  // class 2: TP 1, FP 0, FN 1, TN 4 → 1
  close(m.perClass[2].specificity!, 1);
});
