/** `gamma`: u → u^γ on the image's own [0, 1] range, γ drawn log-uniformly (same γ for the 3 channels). */
import { closed, num } from '../../config/kit.js';
import { mapUnit } from './planes.js';
import { defineImageKind, ordered } from './types.js';

export const gamma = defineImageKind({
  name: 'gamma',
  description: 'gamma curve on the image range',
  options: closed({
    /** smallest γ (< 1 brightens) */
    min: num(0.1, 10, 0.7),
    /** largest γ (> 1 darkens) */
    max: num(0.1, 10, 1.5),
  }),
  p: 0.5,
  validate: (o) => ordered('min', o.min, 'max', o.max),
  apply(b, i, o) {
    const g = Math.exp(b.rng.uniform(Math.log(o.min), Math.log(o.max)));
    mapUnit(b, i, (u) => u ** g);
  },
});
