/** The registry of metrics a paired head comparison can be decided on (one file per kind). */
import { accuracy } from './accuracy.js';
import { balancedAccuracy } from './balanced-accuracy.js';
import { ece } from './ece.js';
import { macroF1 } from './macro-f1.js';
import type { MetricName, PairedMetric } from './types.js';

export { scratchSize, type MetricName, type PairedMetric } from './types.js';

export const PAIRED_METRICS: Record<MetricName, PairedMetric> = {
  accuracy,
  balancedAccuracy,
  macroF1,
  ece,
};

/** The metric names, in registry order (the config's choices for compare.primaryMetric). */
export const METRIC_NAMES = Object.keys(PAIRED_METRICS) as MetricName[];

export function pairedMetric(name: string): PairedMetric {
  const m = (PAIRED_METRICS as Record<string, PairedMetric | undefined>)[name];
  if (!m) throw new RangeError(`unknown metric '${name}' (one of ${Object.keys(PAIRED_METRICS).join(', ')})`);
  return m;
}
