/**
 * The `classic` augmentation (what `backbone.augment: true` has always meant), in place on normalised
 * N×3×S×S batches, seeded: horizontal flip, small affine (rotation ±10°, scale 0.9–1.1, shift ±6%)
 * with bilinear sampling (outside → the image's minimum, i.e. background), a smooth multiplicative
 * bias field and gain/offset jitter, drawn per image in one fixed order. The same geometry applies to
 * the three channels of an image and to its mask (outside → 0). Never used on val/test.
 */
import type { Static } from '@sinclair/typebox';
import { bool, closed, num } from '../../config/kit.js';
import type { Rng } from '../../util/rng.js';
import { maskPlane, plane } from './planes.js';
import { defineImageKind, type AugmentBatch } from './types.js';

const D = { flip: true, rotateDeg: 10, scale: 0.1, shift: 0.06, bias: 0.15, gain: 0.1 };

const ClassicOptions = closed({
  /** horizontal flip of half the images */
  flip: bool(D.flip),
  /** rotation drawn from ±rotateDeg degrees */
  rotateDeg: num(0, 180, D.rotateDeg),
  /** scale drawn from 1 ± scale */
  scale: num(0, 0.9, D.scale),
  /** shift drawn from ±shift of the image size, per axis */
  shift: num(0, 0.5, D.shift),
  /** linear bias-field slope drawn from ±bias, per axis */
  bias: num(0, 1, D.bias),
  /** gain drawn from 1 ± gain and offset from ±gain (z-score units) */
  gain: num(0, 1, D.gain),
});
export type AugmentOptions = Partial<Static<typeof ClassicOptions>>;

/** The draws of one image, in the order they have always been drawn. */
function draw(rng: Rng, o: Static<typeof ClassicOptions>, S: number) {
  const flip = o.flip && rng.next() < 0.5;
  const ang = (rng.uniform(-1, 1) * o.rotateDeg * Math.PI) / 180;
  const sc = 1 + rng.uniform(-1, 1) * o.scale;
  const tx = rng.uniform(-1, 1) * o.shift * S;
  const ty = rng.uniform(-1, 1) * o.shift * S;
  const bx = rng.uniform(-1, 1) * o.bias;
  const by = rng.uniform(-1, 1) * o.bias;
  const gain = 1 + rng.uniform(-1, 1) * o.gain;
  const off = rng.uniform(-1, 1) * o.gain;
  return { flip, ang, sc, tx, ty, bx, by, gain, off };
}

/** Image i of the batch through the classic transform (mask: the same geometry, no intensity). */
function classicImage(b: AugmentBatch, i: number, o: Static<typeof ClassicOptions>): void {
  const S = b.size;
  const per = S * S;
  const { flip, ang, sc, tx, ty, bx, by, gain, off } = draw(b.rng, o, S);
  const tmp = new Float32Array(per);
  const c0 = (S - 1) / 2;
  // inverse map: output pixel → source coordinate
  const ca = Math.cos(ang) / sc;
  const sa = Math.sin(ang) / sc;
  const mask = maskPlane(b, i);
  const planes = mask ? 4 : 3;
  for (let c = 0; c < planes; c++) {
    const img = c < 3 ? plane(b, i, c) : mask!;
    let bg = c < 3 ? Infinity : 0;
    if (c < 3) for (let k = 0; k < per; k++) if (img[k] < bg) bg = img[k];
    for (let yy = 0; yy < S; yy++)
      for (let xx = 0; xx < S; xx++) {
        const dx = (flip ? S - 1 - xx : xx) - c0 - tx;
        const dy = yy - c0 - ty;
        const sx = ca * dx + sa * dy + c0;
        const sy = -sa * dx + ca * dy + c0;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        let v = bg;
        if (x0 >= 0 && y0 >= 0 && x0 < S - 1 && y0 < S - 1) {
          const fx = sx - x0;
          const fy = sy - y0;
          const p = y0 * S + x0;
          v =
            (img[p] * (1 - fx) + img[p + 1] * fx) * (1 - fy) +
            (img[p + S] * (1 - fx) + img[p + S + 1] * fx) * fy;
        }
        if (c === 3) {
          tmp[yy * S + xx] = v;
          continue;
        }
        const field = 1 + (bx * (xx - c0)) / S + (by * (yy - c0)) / S;
        tmp[yy * S + xx] = bg + (v - bg) * field * gain + off;
      }
    img.set(tmp);
  }
}

export const classic = defineImageKind({
  name: 'classic',
  description: 'flip + small affine + linear bias field + gain/offset (what augment: true means)',
  options: ClassicOptions,
  p: 1,
  apply: classicImage,
});

/** The classic augmentation of a whole batch (masks: n×S×S, optional), as it has always been. */
export function augmentBatch(
  x: Float32Array,
  n: number,
  size: number,
  rng: Rng,
  options: AugmentOptions = {},
  masks?: Float32Array,
): void {
  const o = { ...D, ...options };
  const S = size;
  if (!Number.isInteger(n) || n < 0 || x.length !== n * 3 * S * S)
    throw new Error(`augmentBatch: x has ${x.length} values, expected n×3×size×size = ${n}×3×${S}×${S}`);
  const b: AugmentBatch = { x, n, size, rng, ...(masks ? { masks } : {}) };
  for (let i = 0; i < n; i++) classicImage(b, i, o);
}
