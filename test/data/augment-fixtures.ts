// Shared fixtures of the augmentation tests: a batch of normalised phantom slices, one-kind
// pipelines, and plane access.
import { augmentPipeline, makePhantomSet, toTensorData, type AugmentStep } from '../../src/data/index.js';
import { Rng } from '../../src/util/rng.js';

export const S = 32;
export const PLANE = S * S;

/** n phantom slices, N×3×S×S, z-scored per image (toTensorData, as the data pipeline gives them). */
export const phantomBatch = (n: number, seed = 3): Float32Array =>
  toTensorData(makePhantomSet(n, S, seed), S);

/** Runs one step of `kind` (p = 1 unless given) on a copy of x; returns the copy and the pipeline's result. */
export function run(step: AugmentStep, x: Float32Array, seed = 1, masks?: Float32Array) {
  const out = x.slice();
  const fn = augmentPipeline([{ p: 1, ...step }])!;
  const mix = fn(out, x.length / (3 * PLANE), S, new Rng(seed), masks);
  return { out, mix };
}

/** Channel c of image i. */
export const planeOf = (x: Float32Array, i: number, c = 0) =>
  x.subarray((i * 3 + c) * PLANE, (i * 3 + c + 1) * PLANE);

export const maxAbsDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);

export function variance(a: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  const m = s / a.length;
  let v = 0;
  for (let k = 0; k < a.length; k++) v += (a[k] - m) ** 2;
  return v / a.length;
}
