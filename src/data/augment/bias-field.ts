/**
 * `biasField`: a smooth multiplicative field exp(second-order polynomial in x, y ∈ [−1, 1]) on the
 * image's own [0, 1] range (background, at 0, stays 0), like an MRI coil's inhomogeneity; the same
 * field for the 3 channels.
 */
import { closed, num } from '../../config/kit.js';
import { mapUnit } from './planes.js';
import { defineImageKind } from './types.js';

export const biasField = defineImageKind({
  name: 'biasField',
  description: 'smooth multiplicative bias field',
  options: closed({
    /** each polynomial coefficient is drawn from ±strength (log-field units) */
    strength: num(0, 2, 0.3),
  }),
  p: 0.5,
  apply(b, i, o) {
    const cf = Array.from({ length: 5 }, () => b.rng.uniform(-1, 1) * o.strength);
    const S = b.size;
    const field = new Float64Array(S * S);
    for (let yy = 0; yy < S; yy++)
      for (let xx = 0; xx < S; xx++) {
        const X = S > 1 ? (2 * xx) / (S - 1) - 1 : 0;
        const Y = S > 1 ? (2 * yy) / (S - 1) - 1 : 0;
        const e = cf[0] * X + cf[1] * Y + cf[2] * X * Y + cf[3] * (X * X - 1 / 3) + cf[4] * (Y * Y - 1 / 3);
        field[yy * S + xx] = Math.exp(e);
      }
    mapUnit(b, i, (u, k) => u * field[k]);
  },
});
