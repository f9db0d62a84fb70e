/** Macro-F1 as a paired-comparison metric: mean F1 over the union of true and predicted classes. */
import { macroF1Of } from '../metrics.js';
import { weightedConfusion, type PairedMetric } from './types.js';

export const macroF1: PairedMetric = {
  name: 'macroF1',
  label: 'macro-F1',
  higherIsBetter: true,
  needsProbs: false,
  value: (labels, s, w, C, scratch) => macroF1Of(weightedConfusion(labels, s, w, C, scratch), C),
};
