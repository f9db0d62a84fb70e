/**
 * The paired difference of one fold: mean over head seeds (with resampled multiplicities) of the
 * metric of the head minus that of the reference, oriented so that positive means the head is
 * better (reference − head for a lower-is-better metric such as ECE). Shared by the hierarchical
 * bootstrap and the grouped permutation test. A fold without reference seeds (b = [], head-interval.ts)
 * gives the head's own metric, not oriented: the same resampling then yields one head's interval.
 */
import type { PreparedFold, SeedView } from './paired-data.js';
import type { PairedMetric } from './paired-metrics/index.js';

export function foldDiff(
  f: PreparedFold,
  metric: PairedMetric,
  w: Float64Array,
  classes: number,
  scratch: Float64Array,
  seedCount: Int32Array | null = null,
  a: SeedView[] = f.a,
  b: SeedView[] = f.b,
): number {
  const sign = metric.higherIsBetter || b.length === 0 ? 1 : -1;
  let sum = 0;
  let total = 0;
  for (let s = 0; s < a.length; s++) {
    const k = seedCount ? seedCount[s] : 1;
    if (k === 0) continue;
    const ref = b.length ? metric.value(f.labels, b[s], w, classes, scratch) : 0;
    const d = metric.value(f.labels, a[s], w, classes, scratch) - ref;
    sum += k * sign * d;
    total += k;
  }
  return sum / total;
}

/** Case weights 1 (the observed test set). */
export const unitWeights = (n: number) => new Float64Array(n).fill(1);

/** Every seed's oriented difference (head vs reference) on cases weighted by w, written into out. */
export function seedDiffs(
  f: PreparedFold,
  metric: PairedMetric,
  w: Float64Array,
  classes: number,
  scratch: Float64Array,
  out: Float64Array,
): Float64Array {
  const sign = metric.higherIsBetter || f.b.length === 0 ? 1 : -1;
  for (let s = 0; s < f.a.length; s++) {
    const ref = f.b.length ? metric.value(f.labels, f.b[s], w, classes, scratch) : 0;
    out[s] = sign * (metric.value(f.labels, f.a[s], w, classes, scratch) - ref);
  }
  return out;
}
