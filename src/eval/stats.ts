/**
 * Statistics for comparing heads: percentile bootstrap CIs (seeded), the paired McNemar exact test,
 * and mean ± sd with a t-based CI over seeds.
 */
import { Rng } from '../util/rng.js';

export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

/** Percentile bootstrap CI of statistic(indices) over n samples. */
export function bootstrapCI(
  n: number,
  statistic: (idx: Int32Array) => number,
  opts: { resamples?: number; seed?: number; level?: number } = {},
): Interval {
  if (n < 1) throw new RangeError('bootstrap: no samples');
  const R = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  const rng = new Rng(opts.seed ?? 0);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const estimate = statistic(all);
  const vals = new Float64Array(R);
  const idx = new Int32Array(n);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    vals[r] = statistic(idx);
  }
  vals.sort();
  const q = (p: number) => vals[Math.min(R - 1, Math.max(0, Math.floor(p * R)))];
  return { estimate, lo: q((1 - level) / 2), hi: q(1 - (1 - level) / 2) };
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

export interface McNemar {
  /** cases only model A got right */
  b: number;
  /** cases only model B got right */
  c: number;
  /** two-sided exact binomial p-value on the discordant pairs */
  p: number;
}

/** Paired McNemar exact test between two sets of predictions on the same cases. */
export function mcnemarExact(
  labels: ArrayLike<number>,
  predA: ArrayLike<number>,
  predB: ArrayLike<number>,
): McNemar {
  if (labels.length !== predA.length || labels.length !== predB.length)
    throw new RangeError('mcnemar: length mismatch');
  let b = 0;
  let c = 0;
  for (let i = 0; i < labels.length; i++) {
    const a = predA[i] === labels[i];
    const bb = predB[i] === labels[i];
    if (a && !bb) b++;
    else if (!a && bb) c++;
  }
  const n = b + c;
  if (n === 0) return { b, c, p: 1 };
  const k = Math.min(b, c);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return { b, c, p: Math.min(1, 2 * tail) };
}

/** Student t quantile for a two-sided 95% interval (df ≥ 1), from a table with interpolation. */
export function t975(df: number): number {
  const table: [number, number][] = [
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [6, 2.447],
    [7, 2.365],
    [8, 2.306],
    [9, 2.262],
    [10, 2.228],
    [12, 2.179],
    [15, 2.131],
    [20, 2.086],
    [25, 2.06],
    [30, 2.042],
    [40, 2.021],
    [60, 2.0],
    [120, 1.98],
  ];
  if (df >= 120) return 1.96 + (1.98 - 1.96) * (120 / df);
  for (let i = 0; i < table.length - 1; i++) {
    const [d0, t0] = table[i];
    const [d1, t1] = table[i + 1];
    if (df >= d0 && df <= d1) return t0 + ((t1 - t0) * (df - d0)) / (d1 - d0);
  }
  return table[0][1];
}

export interface SeedSummary {
  n: number;
  mean: number;
  sd: number;
  lo: number;
  hi: number;
}

/** mean ± sd over seeds with a t-based 95% CI of the mean. */
export function summarize(values: readonly number[]): SeedSummary {
  const n = values.length;
  if (n === 0) throw new RangeError('summarize: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? (t975(n - 1) * sd) / Math.sqrt(n) : 0;
  return { n, mean, sd, lo: mean - half, hi: mean + half };
}
