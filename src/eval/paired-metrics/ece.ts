/** Expected calibration error (ECE_BINS top-label bins) as a paired-comparison metric; lower is better. */
import { ECE_BINS } from '../probabilistic.js';
import type { PairedMetric } from './types.js';

export const ece: PairedMetric = {
  name: 'ece',
  label: `ECE (${ECE_BINS} bins)`,
  higherIsBetter: false,
  needsProbs: true,
  value(labels, s, w, _classes, scratch) {
    // scratch[b]: weighted count of bin b; scratch[ECE_BINS + b]: Σ w·(correct − confidence) in it
    scratch.fill(0, 0, 2 * ECE_BINS);
    let all = 0;
    for (let i = 0; i < labels.length; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const b = s.bin![i];
      scratch[b] += wi;
      scratch[ECE_BINS + b] += wi * ((s.pred[i] === labels[i] ? 1 : 0) - s.conf![i]);
      all += wi;
    }
    // Σ_b (n_b / N)·|acc_b − conf_b| = Σ_b |Σ_{i∈b} w_i (correct_i − conf_i)| / N
    let e = 0;
    for (let b = 0; b < ECE_BINS; b++) if (scratch[b] > 0) e += Math.abs(scratch[ECE_BINS + b]);
    return e / all;
  },
};
