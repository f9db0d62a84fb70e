/** Expected calibration error (ECE_BINS top-label bins) as a paired-comparison metric; lower is better. */
import { ECE_BINS } from '../probabilistic.js';
import type { PairedMetric } from './types.js';

export const ece: PairedMetric = {
  name: 'ece',
  label: `ECE (${ECE_BINS} bins)`,
  higherIsBetter: false,
  needsProbs: true,
  value(labels, s, w) {
    const count = new Float64Array(ECE_BINS);
    const gap = new Float64Array(ECE_BINS);
    let all = 0;
    for (let i = 0; i < labels.length; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const b = s.bin![i];
      count[b] += wi;
      gap[b] += wi * ((s.pred[i] === labels[i] ? 1 : 0) - s.conf![i]);
      all += wi;
    }
    // Σ_b (n_b / N)·|acc_b − conf_b| = Σ_b |Σ_{i∈b} w_i (correct_i − conf_i)| / N
    let e = 0;
    for (let b = 0; b < ECE_BINS; b++) if (count[b] > 0) e += Math.abs(gap[b]);
    return e / all;
  },
};
