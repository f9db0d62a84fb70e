/**
 * `cutmix` (Yun et al. 2019), batch level: one λ ~ Beta(α, α) per batch and a permutation; a box of
 * area share 1−λ (centre uniform, clipped at the border) from image perm[i] is pasted into image i
 * (channels and mask), and λ becomes the share of image i that is left, which the loss uses.
 */
import { closed, num } from '../../config/kit.js';
import { sampleBeta } from './mix-draw.js';
import { defineMixKind } from './types.js';

export const cutmix = defineMixKind({
  name: 'cutmix',
  description: 'paste a box from a partner image, labels mixed by area',
  options: closed({
    /** α of Beta(α, α) */
    alpha: num(0, 10, 1, 'min'),
  }),
  p: 1,
  mix(b, o) {
    const S = b.size;
    const lam = sampleBeta(b.rng, o.alpha);
    const perm = b.rng.permutation(b.n);
    const cut = Math.sqrt(1 - lam);
    const [w, h] = [Math.round(S * cut), Math.round(S * cut)];
    const [cx, cy] = [b.rng.int(S), b.rng.int(S)];
    const x1 = Math.max(0, cx - Math.floor(w / 2));
    const x2 = Math.min(S, cx - Math.floor(w / 2) + w);
    const y1 = Math.max(0, cy - Math.floor(h / 2));
    const y2 = Math.min(S, cy - Math.floor(h / 2) + h);
    const paste = (data: Float32Array, planes: number) => {
      const d = planes * S * S;
      const src = data.slice(0, b.n * d);
      for (let i = 0; i < b.n; i++)
        for (let c = 0; c < planes; c++) {
          const a = i * d + c * S * S;
          const p = perm[i] * d + c * S * S;
          for (let y = y1; y < y2; y++)
            data.set(src.subarray(p + y * S + x1, p + y * S + x2), a + y * S + x1);
        }
    };
    paste(b.x, 3);
    if (b.masks) paste(b.masks, 1);
    const area = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    return { perm, lambda: 1 - area / (S * S) };
  },
});
