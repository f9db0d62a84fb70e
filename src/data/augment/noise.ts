/**
 * `noise`: additive Gaussian noise with σ drawn as a share of the image's own standard deviation
 * (over its 3 channels), so it means the same at any normalisation; one noise plane for the 3 channels.
 */
import { closed, num } from '../../config/kit.js';
import { plane } from './planes.js';
import { defineImageKind, ordered } from './types.js';

export const noise = defineImageKind({
  name: 'noise',
  description: 'Gaussian noise, σ relative to the image std',
  options: closed({
    /** smallest σ / image std */
    sigmaMin: num(0, 2, 0.02),
    /** largest σ / image std */
    sigmaMax: num(0, 2, 0.1),
  }),
  p: 0.5,
  validate: (o) => ordered('sigmaMin', o.sigmaMin, 'sigmaMax', o.sigmaMax),
  apply(b, i, o) {
    const planes = [0, 1, 2].map((c) => plane(b, i, c));
    let s = 0;
    let s2 = 0;
    for (const img of planes) for (const v of img) [s, s2] = [s + v, s2 + v * v];
    const n = 3 * b.size * b.size;
    const std = Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
    const sigma = b.rng.uniform(o.sigmaMin, o.sigmaMax) * std;
    for (let k = 0; k < b.size * b.size; k++) {
      const e = b.rng.normal(0, sigma);
      for (const img of planes) img[k] += e;
    }
  },
});
