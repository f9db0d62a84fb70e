/** What a metric kind of the paired comparison provides: its value for one head seed on weighted cases. */
import type { SeedView } from '../paired-data.js';
import { ECE_BINS } from '../probabilistic.js';

export type MetricName = 'accuracy' | 'balancedAccuracy' | 'macroF1' | 'ece';

export interface PairedMetric {
  name: MetricName;
  /** words for sentences and tables */
  label: string;
  /** false when lower is better (ECE): the comparison's difference is then reference − head */
  higherIsBetter: boolean;
  /** needs class probabilities, not only predictions */
  needsProbs: boolean;
  /**
   * The metric of one head seed with case i counted w[i] times (w ≥ 0, Σw > 0); `scratch` has room
   * for scratchSize(classes) values and is the function's to overwrite.
   */
  value(labels: Int32Array, s: SeedView, w: Float64Array, classes: number, scratch: Float64Array): number;
}

/** The weighted confusion matrix (flat, rows = truth) of one head seed, written into scratch. */
export function weightedConfusion(
  labels: Int32Array,
  s: SeedView,
  w: Float64Array,
  C: number,
  scratch: Float64Array,
): Float64Array {
  const m = scratch.subarray(0, C * C);
  m.fill(0);
  for (let i = 0; i < labels.length; i++) if (w[i] !== 0) m[labels[i] * C + s.pred[i]] += w[i];
  return m;
}

/** Room every metric kind's value() may use in its scratch buffer. */
export const scratchSize = (classes: number) => Math.max(classes * classes, 2 * ECE_BINS);
