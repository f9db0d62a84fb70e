/**
 * The SHAP background set: up to n rows (default 50) of the run's training features
 * (RUN/features/train, else val, else test), chosen with a seeded permutation, cached in memory
 * keyed by the feature file's content hash (never its modification time).
 */
import { existsSync, readFileSync } from 'node:fs';
import { sha256 } from '../data/index.js';
import { loadFeatures, runPaths } from '../run/index.js';
import { Rng } from '../util/rng.js';

export interface Background {
  rows: Float64Array;
  n: number;
  dim: number;
  source: string;
}

const cache = new Map<string, Background>();

export function loadBackground(run: string, n = 50, seed = 0): Background {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`background size must be a positive integer, got ${n}`);
  const p = runPaths(run);
  const file = ['train', 'val', 'test'].map((s) => p.features(s)).find((f) => existsSync(f));
  if (!file)
    throw new Error(
      `${p.featuresDir}: no feature file (train/val/test) for the SHAP background; extract features first`,
    );
  const key = `${file}:${sha256(readFileSync(file))}:${n}:${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const f = loadFeatures(file);
  if (f.y.length === 0) throw new Error(`${file}: the feature file is empty (no background rows)`);
  const k = Math.min(n, f.y.length);
  const order = new Rng(seed).permutation(f.y.length);
  const rows = new Float64Array(k * f.dim);
  for (let i = 0; i < k; i++) rows.set(f.x.subarray(order[i] * f.dim, (order[i] + 1) * f.dim), i * f.dim);
  const bg = { rows, n: k, dim: f.dim, source: file };
  cache.set(key, bg);
  return bg;
}
