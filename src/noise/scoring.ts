/**
 * Test metrics of one setting with seeded percentile-bootstrap 95% CIs (src/eval bootstrapCI). Every
 * point of a study resamples the same test indices (same seed), so intervals are paired across
 * settings and with the classical reference.
 */
import { bootstrapCI, metricsFromConfusion, type Interval } from '../eval/index.js';

export interface PointScore {
  accuracy: Interval;
  macroF1: Interval;
}

export interface ScoreOptions {
  resamples: number;
  seed: number;
}

function confusionOf(labels: Int32Array, preds: Int32Array, classes: number, idx: Int32Array): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < idx.length; i++) m[labels[idx[i]]][preds[idx[i]]]++;
  return m;
}

function accuracyOf(labels: Int32Array, preds: Int32Array, idx: Int32Array): number {
  let c = 0;
  for (let i = 0; i < idx.length; i++) if (labels[idx[i]] === preds[idx[i]]) c++;
  return c / idx.length;
}

export function checkPredictions(labels: Int32Array, preds: Int32Array, classes: number): void {
  if (labels.length !== preds.length)
    throw new RangeError(`labels (${labels.length}) and predictions (${preds.length}) differ in length`);
  if (labels.length === 0) throw new RangeError('no test samples to score');
  for (let i = 0; i < labels.length; i++)
    if (!(labels[i] >= 0 && labels[i] < classes))
      throw new RangeError(`test label ${i} is ${labels[i]}, outside 0..${classes - 1}`);
}

export function scorePredictions(
  labels: Int32Array,
  preds: Int32Array,
  classes: number,
  o: ScoreOptions,
): PointScore {
  checkPredictions(labels, preds, classes);
  const n = labels.length;
  const opts = { resamples: o.resamples, seed: o.seed };
  return {
    accuracy: bootstrapCI(n, (idx) => accuracyOf(labels, preds, idx), opts),
    macroF1: bootstrapCI(
      n,
      (idx) => metricsFromConfusion(confusionOf(labels, preds, classes, idx)).macroF1,
      opts,
    ),
  };
}

/** Paired bootstrap CI of accuracy(a) − accuracy(b) on the same test samples. */
export function accuracyDelta(labels: Int32Array, a: Int32Array, b: Int32Array, o: ScoreOptions): Interval {
  return bootstrapCI(labels.length, (idx) => accuracyOf(labels, a, idx) - accuracyOf(labels, b, idx), o);
}
