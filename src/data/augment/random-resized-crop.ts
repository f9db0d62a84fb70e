/**
 * `randomResizedCrop` (torchvision's RandomResizedCrop): a box of a random share of the area and
 * aspect ratio, resized back to S×S (bilinear, edges clamped); channels and mask alike. After 10
 * draws that do not fit, the whole image (unchanged).
 */
import { closed, num } from '../../config/kit.js';
import { warp } from './planes.js';
import { defineImageKind, ordered } from './types.js';

export const randomResizedCrop = defineImageKind({
  name: 'randomResizedCrop',
  description: 'random crop (area share, aspect ratio) resized back to the image size',
  options: closed({
    /** smallest share of the image area the crop keeps */
    scaleMin: num(0.05, 1, 0.6),
    /** largest share of the area */
    scaleMax: num(0.05, 1, 1),
    /** smallest aspect ratio (width / height; drawn log-uniformly) */
    ratioMin: num(0.2, 5, 3 / 4),
    /** largest aspect ratio */
    ratioMax: num(0.2, 5, 4 / 3),
  }),
  p: 0.5,
  validate: (o) =>
    ordered('scaleMin', o.scaleMin, 'scaleMax', o.scaleMax) ??
    ordered('ratioMin', o.ratioMin, 'ratioMax', o.ratioMax),
  apply(b, i, o) {
    const S = b.size;
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = S * S * b.rng.uniform(o.scaleMin, o.scaleMax);
      const ratio = Math.exp(b.rng.uniform(Math.log(o.ratioMin), Math.log(o.ratioMax)));
      const w = Math.round(Math.sqrt(area * ratio));
      const h = Math.round(Math.sqrt(area / ratio));
      if (w < 1 || h < 1 || w > S || h > S) continue;
      const x0 = b.rng.int(S - w + 1);
      const y0 = b.rng.int(S - h + 1);
      warp(
        b,
        i,
        (xx, yy, out) => {
          out[0] = x0 + ((xx + 0.5) * w) / S - 0.5;
          out[1] = y0 + ((yy + 0.5) * h) / S - 0.5;
        },
        true,
      );
      return;
    }
  },
});
