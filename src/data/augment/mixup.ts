/**
 * `mixup` (Zhang et al. 2018), batch level: one λ ~ Beta(α, α) per batch and a permutation; image i
 * becomes λ·x_i + (1−λ)·x_perm[i] and the loss mixes the labels the same way (src/train/fit.ts).
 * Masks are left alone (mixing is not a geometric change).
 */
import { closed, num } from '../../config/kit.js';
import { sampleBeta } from './mix-draw.js';
import { defineMixKind } from './types.js';

export const mixup = defineMixKind({
  name: 'mixup',
  description: 'blend image pairs, labels mixed by λ ~ Beta(α, α)',
  options: closed({
    /** α of Beta(α, α): small α keeps λ near 0 or 1 */
    alpha: num(0, 10, 0.4, 'min'),
  }),
  p: 1,
  mix(b, o) {
    const lambda = sampleBeta(b.rng, o.alpha);
    const perm = b.rng.permutation(b.n);
    const d = 3 * b.size * b.size;
    const src = b.x.slice(0, b.n * d);
    for (let i = 0; i < b.n; i++) {
      const a = i * d;
      const p = perm[i] * d;
      for (let k = 0; k < d; k++) b.x[a + k] = lambda * src[a + k] + (1 - lambda) * src[p + k];
    }
    return { perm, lambda };
  },
});
