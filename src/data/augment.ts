/**
 * Training-time augmentation, in place on normalised N×3×S×S batches, seeded: horizontal flip,
 * small affine (rotation ±10°, scale 0.9–1.1, shift ±6%) with bilinear sampling (outside → the
 * image's minimum, i.e. background), a smooth multiplicative bias field and gain/offset jitter.
 * The same geometry applies to the three channels of an image and, when given, to its mask plane
 * (e.g. the tumor box as a 0/1 mask for box-guided training; outside → 0, no intensity change); the
 * masks change no random draw, so a seeded batch's images are the same with or without them.
 * Never used on val/test.
 */
import type { Rng } from '../util/rng.js';

export interface AugmentOptions {
  flip?: boolean;
  rotateDeg?: number;
  scale?: number;
  shift?: number;
  bias?: number;
  gain?: number;
}

const DEFAULTS: Required<AugmentOptions> = {
  flip: true,
  rotateDeg: 10,
  scale: 0.1,
  shift: 0.06,
  bias: 0.15,
  gain: 0.1,
};

/** Bilinear sample of an S×S plane at (sx, sy); `bg` outside the interpolable area. */
function sample(img: Float32Array, S: number, sx: number, sy: number, bg: number): number {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  if (!(x0 >= 0 && y0 >= 0 && x0 < S - 1 && y0 < S - 1)) return bg;
  const fx = sx - x0;
  const fy = sy - y0;
  const p = y0 * S + x0;
  return (
    (img[p] * (1 - fx) + img[p + 1] * fx) * (1 - fy) + (img[p + S] * (1 - fx) + img[p + S + 1] * fx) * fy
  );
}

/** One image's geometry: output pixel (xx, yy) → source coordinate. */
interface Geometry {
  flip: boolean;
  ca: number;
  sa: number;
  tx: number;
  ty: number;
}

function sourceOf(g: Geometry, xx: number, yy: number, c0: number, S: number): [number, number] {
  const dx = (g.flip ? S - 1 - xx : xx) - c0 - g.tx;
  const dy = yy - c0 - g.ty;
  return [g.ca * dx + g.sa * dy + c0, -g.sa * dx + g.ca * dy + c0];
}

/** The same geometry on a mask plane (outside → 0), in place. */
function warpMask(mask: Float32Array, tmp: Float32Array, g: Geometry, S: number): void {
  const c0 = (S - 1) / 2;
  for (let yy = 0; yy < S; yy++)
    for (let xx = 0; xx < S; xx++) {
      const [sx, sy] = sourceOf(g, xx, yy, c0, S);
      tmp[yy * S + xx] = sample(mask, S, sx, sy, 0);
    }
  mask.set(tmp);
}

/**
 * In place on the first n images of x (n×3×size×size); `masks` (n×size×size), when given, get each
 * image's geometry too.
 */
export function augmentBatch(
  x: Float32Array,
  n: number,
  size: number,
  rng: Rng,
  options: AugmentOptions = {},
  masks?: Float32Array,
): void {
  const o = { ...DEFAULTS, ...options };
  const S = size;
  const per = S * S;
  if (!Number.isInteger(n) || n < 0 || x.length !== n * 3 * per)
    throw new Error(`augmentBatch: x has ${x.length} values, expected n×3×size×size = ${n}×3×${S}×${S}`);
  if (masks && masks.length !== n * per)
    throw new Error(`augmentBatch: masks have ${masks.length} values, expected n×size×size = ${n}×${S}×${S}`);
  const tmp = new Float32Array(per);
  const c0 = (S - 1) / 2;
  for (let i = 0; i < n; i++) {
    const flip = o.flip && rng.next() < 0.5;
    const ang = (rng.uniform(-1, 1) * o.rotateDeg * Math.PI) / 180;
    const sc = 1 + rng.uniform(-1, 1) * o.scale;
    const tx = rng.uniform(-1, 1) * o.shift * S;
    const ty = rng.uniform(-1, 1) * o.shift * S;
    const bx = rng.uniform(-1, 1) * o.bias;
    const by = rng.uniform(-1, 1) * o.bias;
    const gain = 1 + rng.uniform(-1, 1) * o.gain;
    const off = rng.uniform(-1, 1) * o.gain;
    // inverse map: output pixel → source coordinate
    const g: Geometry = { flip, ca: Math.cos(ang) / sc, sa: Math.sin(ang) / sc, tx, ty };
    for (let c = 0; c < 3; c++) {
      const img = x.subarray((i * 3 + c) * per, (i * 3 + c + 1) * per);
      let bg = Infinity;
      for (let k = 0; k < per; k++) if (img[k] < bg) bg = img[k];
      for (let yy = 0; yy < S; yy++)
        for (let xx = 0; xx < S; xx++) {
          const [sx, sy] = sourceOf(g, xx, yy, c0, S);
          const v = sample(img, S, sx, sy, bg);
          const field = 1 + (bx * (xx - c0)) / S + (by * (yy - c0)) / S;
          tmp[yy * S + xx] = bg + (v - bg) * field * gain + off;
        }
      img.set(tmp);
    }
    if (masks) warpMask(masks.subarray(i * per, (i + 1) * per), tmp, g, S);
  }
}
