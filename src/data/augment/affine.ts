/**
 * `affine`: rotation, isotropic scale and shift about the image centre, bilinear (outside → the
 * channel's minimum, i.e. background; the mask → 0). Channels and mask move together.
 */
import { closed, num } from '../../config/kit.js';
import { warp } from './planes.js';
import { defineImageKind, ordered } from './types.js';

export const affine = defineImageKind({
  name: 'affine',
  description: 'rotation / scale / shift',
  options: closed({
    /** rotation drawn from ±rotateDeg degrees */
    rotateDeg: num(0, 180, 15),
    /** smallest scale (zoom out below 1) */
    scaleMin: num(0.25, 4, 0.9),
    /** largest scale */
    scaleMax: num(0.25, 4, 1.1),
    /** shift drawn from ±shift of the image size, per axis */
    shift: num(0, 0.5, 0.08),
  }),
  p: 0.5,
  validate: (o) => ordered('scaleMin', o.scaleMin, 'scaleMax', o.scaleMax),
  apply(b, i, o) {
    const S = b.size;
    const ang = (b.rng.uniform(-1, 1) * o.rotateDeg * Math.PI) / 180;
    const sc = b.rng.uniform(o.scaleMin, o.scaleMax);
    const tx = b.rng.uniform(-1, 1) * o.shift * S;
    const ty = b.rng.uniform(-1, 1) * o.shift * S;
    const c0 = (S - 1) / 2;
    const ca = Math.cos(ang) / sc;
    const sa = Math.sin(ang) / sc;
    warp(b, i, (xx, yy, out) => {
      const dx = xx - c0 - tx;
      const dy = yy - c0 - ty;
      out[0] = ca * dx + sa * dy + c0;
      out[1] = -sa * dx + ca * dy + c0;
    });
  },
});
