/**
 * Hierarchical, grouped, paired percentile bootstrap of the difference between two heads. Each
 * resample draws folds with replacement (when there are several), then, independently for every
 * fold drawn, the fold's test groups with replacement (every case of a group drawn k times counts
 * k times) and its head seeds with replacement; the head and the reference are evaluated on that
 * same resample (paired), the statistic being the mean over drawn folds of the seed-mean
 * difference. The observed estimate is the same statistic on the data as they are. Seeded and
 * deterministic; typed arrays throughout (2,000 resamples of 800 cases × 10 seeds: well under 1 s).
 */
import { Rng } from '../util/rng.js';
import type { PreparedFold } from './paired-data.js';
import { foldDiff, unitWeights } from './paired-diff.js';
import type { PairedMetric } from './paired-metrics/index.js';

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** two-sided confidence level, default 0.95 */
  level?: number;
}

export interface BootstrapResult {
  estimate: number;
  lo: number;
  hi: number;
  resamples: number;
  /** the sorted resampled statistics */
  distribution: Float64Array;
}

/** The percentile interval of a sorted sample (nearest-rank, as bootstrapCI). */
export function percentileInterval(sorted: Float64Array, level: number): [number, number] {
  const R = sorted.length;
  const q = (p: number) => sorted[Math.min(R - 1, Math.max(0, Math.floor(p * R)))];
  return [q((1 - level) / 2), q(1 - (1 - level) / 2)];
}

export function hierarchicalBootstrap(
  folds: readonly PreparedFold[],
  metric: PairedMetric,
  classes: number,
  opts: BootstrapOptions = {},
): BootstrapResult {
  const R = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  if (!(R >= 1 && Number.isInteger(R)))
    throw new RangeError(`bootstrap: resamples must be a positive integer, got ${R}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level must be in (0, 1), got ${level}`);
  const rng = new Rng(opts.seed ?? 0).fork('hierarchical-bootstrap');
  const scratch = new Float64Array(classes * classes);
  const K = folds.length;
  const estimate =
    folds.reduce((a, f) => a + foldDiff(f, metric, unitWeights(f.labels.length), classes, scratch), 0) / K;
  const weights = folds.map((f) => new Float64Array(f.labels.length));
  const groupCount = folds.map((f) => new Float64Array(f.groups));
  const seedCount = folds.map((f) => new Int32Array(f.a.length));
  const dist = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const fi = K > 1 ? rng.int(K) : k;
      const f = folds[fi];
      const gc = groupCount[fi];
      gc.fill(0);
      for (let g = 0; g < f.groups; g++) gc[rng.int(f.groups)]++;
      const w = weights[fi];
      for (let i = 0; i < w.length; i++) w[i] = gc[f.groupOf[i]];
      const sc = seedCount[fi];
      sc.fill(0);
      for (let s = 0; s < sc.length; s++) sc[rng.int(sc.length)]++;
      sum += foldDiff(f, metric, w, classes, scratch, sc);
    }
    dist[r] = sum / K;
  }
  dist.sort();
  const [lo, hi] = percentileInterval(dist, level);
  return { estimate, lo, hi, resamples: R, distribution: dist };
}
