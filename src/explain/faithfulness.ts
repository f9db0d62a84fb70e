/**
 * Faithfulness of a map: deletion and insertion curves (Petsiuk et al. 2018, RISE) and their areas.
 * The image's pixels are ranked by the map (highest first, ties by position); at fractions
 * 0, 1/n, …, 1 of them:
 *
 *   deletion   the top fraction is replaced by the deletion baseline — a zero image, i.e. the image's
 *              mean intensity in the z-scored model input (as Integrated Gradients' baseline) — and
 *              the explained class's probability is read; a faithful map makes it fall fast (low AUC);
 *   insertion  the top fraction of the image is pasted onto the insertion baseline — a blurred copy
 *              of the image (the blur masker's) — a faithful map makes it rise fast (high AUC).
 *
 * AUC: trapezoid over the fraction in [0, 1], so both lie in [0, 1]. Every curve image of a map goes
 * through the model in batched forward passes (`probs`). An empty map ranks nothing: null curves.
 */
import { blurImage } from './blur-masker.js';

export interface FaithfulnessOptions {
  /** curve points after the start (fractions k/steps, k = 0..steps) */
  steps: number;
  /** images per forward pass */
  batch: number;
}

export const DEFAULT_FAITHFULNESS: FaithfulnessOptions = { steps: 16, batch: 34 };

export interface Faithfulness {
  /** the explained class's probability at fractions 0, 1/steps, …, 1 */
  deletion: number[];
  insertion: number[];
  deletionAuc: number;
  insertionAuc: number;
}

/** B images (B×3×S×S) → B×classes probabilities of the explained model. */
export type ProbsOf = (images: Float32Array, B: number) => Float32Array;

/** Pixel indices by map value, highest first (ties by index); null when nothing is positive. */
export function pixelOrder(map: ArrayLike<number>): Int32Array | null {
  let any = false;
  for (let p = 0; p < map.length; p++) if (map[p] > 0) any = true;
  if (!any) return null;
  const idx = Array.from({ length: map.length }, (_, i) => i);
  idx.sort((a, b) => map[b] - map[a] || a - b);
  return Int32Array.from(idx);
}

/** Trapezoid area of y over equally spaced points on [0, 1]. */
export function curveAuc(y: ArrayLike<number>): number {
  const n = y.length - 1;
  if (n < 1) throw new RangeError('a curve needs at least two points');
  let s = 0;
  for (let k = 0; k < n; k++) s += (y[k] + y[k + 1]) / 2;
  return s / n;
}

/**
 * The 2·(steps+1) curve images of one map: deletion (input → zero) then insertion (blurred →
 * input), each channel of a pixel switched together.
 */
export function curveImages(
  input: Float32Array,
  size: number,
  order: Int32Array,
  steps: number,
  blurred: Float32Array = blurImage(input, size),
): Float32Array {
  const px = size * size;
  const per = 3 * px;
  const n = steps + 1;
  const out = new Float32Array(2 * n * per);
  for (let k = 0; k < n; k++) {
    const del = out.subarray(k * per, (k + 1) * per);
    const ins = out.subarray((n + k) * per, (n + k + 1) * per);
    del.set(input);
    ins.set(blurred);
    const top = Math.round((k * px) / steps);
    for (let i = 0; i < top; i++) {
      const p = order[i];
      for (let c = 0; c < 3; c++) {
        del[c * px + p] = 0;
        ins[c * px + p] = input[c * px + p];
      }
    }
  }
  return out;
}

/** Deletion and insertion curves of one map for class `cls`; null for an empty map. */
export function faithfulness(
  map: ArrayLike<number>,
  input: Float32Array,
  size: number,
  cls: number,
  probs: ProbsOf,
  o: FaithfulnessOptions = DEFAULT_FAITHFULNESS,
): Faithfulness | null {
  if (map.length !== size * size) throw new RangeError(`faithfulness: the map must be ${size}×${size}`);
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new RangeError(`faithfulness steps must be ≥ 1`);
  const order = pixelOrder(map);
  if (!order) return null;
  const images = curveImages(input, size, order, o.steps);
  const per = 3 * size * size;
  const total = images.length / per;
  const y: number[] = [];
  const batch = Math.max(1, o.batch);
  for (let b0 = 0; b0 < total; b0 += batch) {
    const B = Math.min(batch, total - b0);
    const p = probs(images.slice(b0 * per, (b0 + B) * per), B);
    const classes = p.length / B;
    for (let b = 0; b < B; b++) y.push(p[b * classes + cls]);
  }
  const deletion = y.slice(0, o.steps + 1);
  const insertion = y.slice(o.steps + 1);
  return { deletion, insertion, deletionAuc: curveAuc(deletion), insertionAuc: curveAuc(insertion) };
}
