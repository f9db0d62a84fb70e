/** Balanced accuracy as a paired-comparison metric: mean recall over the classes present. */
import { balancedAccuracyOf } from '../metrics.js';
import { weightedConfusion, type PairedMetric } from './types.js';

export const balancedAccuracy: PairedMetric = {
  name: 'balancedAccuracy',
  label: 'balanced accuracy',
  higherIsBetter: true,
  needsProbs: false,
  value: (labels, s, w, C, scratch) => balancedAccuracyOf(weightedConfusion(labels, s, w, C, scratch), C),
};
