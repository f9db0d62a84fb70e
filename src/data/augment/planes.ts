/**
 * Pixel helpers shared by the augmentation kinds: an image's channel planes and mask plane, its
 * intensity range, intensity maps through [0, 1] (normalised images are z-scores, so each image is
 * mapped to [0, 1] by its own min/max, transformed and mapped back), and geometric warps with
 * bilinear sampling that move the three channels and the mask identically.
 */
import type { AugmentBatch } from './types.js';

/** Channel c of image i (a view). */
export const plane = (b: AugmentBatch, i: number, c: number): Float32Array =>
  b.x.subarray((i * 3 + c) * b.size * b.size, (i * 3 + c + 1) * b.size * b.size);

/** The mask plane of image i (a view), or undefined without masks. */
export const maskPlane = (b: AugmentBatch, i: number): Float32Array | undefined =>
  b.masks?.subarray(i * b.size * b.size, (i + 1) * b.size * b.size);

/** Minimum and maximum over the three channels of image i. */
export function imageRange(b: AugmentBatch, i: number): { lo: number; hi: number } {
  const all = b.x.subarray(i * 3 * b.size * b.size, (i + 1) * 3 * b.size * b.size);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of all) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}

/**
 * Every pixel of image i through f(u, k) on u ∈ [0, 1] (the image's own min/max), then back;
 * k is the pixel's index in its plane. A constant image is left alone.
 */
export function mapUnit(b: AugmentBatch, i: number, f: (u: number, k: number) => number): void {
  const { lo, hi } = imageRange(b, i);
  const span = hi - lo;
  if (!(span > 0)) return;
  for (let c = 0; c < 3; c++) {
    const img = plane(b, i, c);
    for (let k = 0; k < img.length; k++) img[k] = lo + f((img[k] - lo) / span, k) * span;
  }
}

/** Bilinear sample of img (S×S) at (sx, sy); outside [0, S−1]² → bg unless `clamp` pulls it in. */
export function sample(
  img: Float32Array,
  S: number,
  sx: number,
  sy: number,
  bg: number,
  clamp: boolean,
): number {
  if (clamp) {
    sx = Math.min(S - 1, Math.max(0, sx));
    sy = Math.min(S - 1, Math.max(0, sy));
  } else if (!(sx >= 0 && sy >= 0 && sx <= S - 1 && sy <= S - 1)) return bg;
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const x1 = Math.min(x0 + 1, S - 1);
  const y1 = Math.min(y0 + 1, S - 1);
  const fx = sx - x0;
  const fy = sy - y0;
  const top = img[y0 * S + x0] * (1 - fx) + img[y0 * S + x1] * fx;
  const bot = img[y1 * S + x0] * (1 - fx) + img[y1 * S + x1] * fx;
  return top * (1 - fy) + bot * fy;
}

/**
 * Warp image i by an inverse map (output pixel → source coordinate, `src` fills [sx, sy]): the three
 * channels (outside → the channel's minimum, i.e. background) and the mask (outside → 0) alike.
 */
export function warp(
  b: AugmentBatch,
  i: number,
  src: (xx: number, yy: number, out: Float64Array) => void,
  clamp = false,
): void {
  const S = b.size;
  const coords = new Float64Array(2 * S * S);
  const at = new Float64Array(2);
  for (let yy = 0; yy < S; yy++)
    for (let xx = 0; xx < S; xx++) {
      src(xx, yy, at);
      coords[2 * (yy * S + xx)] = at[0];
      coords[2 * (yy * S + xx) + 1] = at[1];
    }
  const tmp = new Float32Array(S * S);
  const planes = [0, 1, 2].map((c) => plane(b, i, c));
  const mask = maskPlane(b, i);
  if (mask) planes.push(mask);
  planes.forEach((img, c) => {
    let bg = 0;
    if (c < 3) bg = img.reduce((m, v) => (v < m ? v : m), Infinity);
    for (let k = 0; k < S * S; k++) tmp[k] = sample(img, S, coords[2 * k], coords[2 * k + 1], bg, clamp);
    img.set(tmp);
  });
}
