/**
 * `contrast`: scales the image's deviations from its mean by a drawn factor on its own [0, 1] range
 * (clipped to [0, 1]); same factor for the 3 channels.
 */
import { closed, num } from '../../config/kit.js';
import { imageRange, mapUnit, plane } from './planes.js';
import { defineImageKind, ordered } from './types.js';

export const contrast = defineImageKind({
  name: 'contrast',
  description: 'contrast change about the image mean',
  options: closed({
    /** smallest factor (< 1 flattens) */
    min: num(0, 10, 0.75),
    /** largest factor */
    max: num(0, 10, 1.33),
  }),
  p: 0.5,
  validate: (o) => ordered('min', o.min, 'max', o.max),
  apply(b, i, o) {
    const f = b.rng.uniform(o.min, o.max);
    const { lo, hi } = imageRange(b, i);
    let sum = 0;
    for (let c = 0; c < 3; c++) for (const v of plane(b, i, c)) sum += v;
    const mean = hi > lo ? (sum / (3 * b.size * b.size) - lo) / (hi - lo) : 0;
    mapUnit(b, i, (u) => Math.min(1, Math.max(0, mean + (u - mean) * f)));
  },
});
