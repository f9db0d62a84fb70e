/** Accuracy as a paired-comparison metric: weighted fraction of correct predictions. */
import type { PairedMetric } from './types.js';

export const accuracy: PairedMetric = {
  name: 'accuracy',
  label: 'accuracy',
  higherIsBetter: true,
  needsProbs: false,
  value(labels, s, w) {
    let ok = 0;
    let all = 0;
    for (let i = 0; i < labels.length; i++) {
      all += w[i];
      if (s.pred[i] === labels[i]) ok += w[i];
    }
    return ok / all;
  },
};
