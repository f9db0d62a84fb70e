/** `blur`: separable Gaussian blur with σ (pixels) drawn per image, edges clamped; same for the 3 channels. */
import { closed, num } from '../../config/kit.js';
import { plane } from './planes.js';
import { defineImageKind, ordered } from './types.js';

/** Normalised 1-D Gaussian taps, radius ⌈3σ⌉. */
function kernel(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let j = -r; j <= r; j++) sum += k[j + r] = Math.exp(-(j * j) / (2 * sigma * sigma));
  return k.map((v) => v / sum);
}

/** One pass along rows (step 1) or columns (step S) of an S×S plane. */
function pass(src: Float32Array, dst: Float32Array, S: number, k: Float64Array, alongRows: boolean): void {
  const r = (k.length - 1) / 2;
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      let acc = 0;
      for (let j = -r; j <= r; j++) {
        const xx = alongRows ? Math.min(S - 1, Math.max(0, x + j)) : x;
        const yy = alongRows ? y : Math.min(S - 1, Math.max(0, y + j));
        acc += k[j + r] * src[yy * S + xx];
      }
      dst[y * S + x] = acc;
    }
}

export const blur = defineImageKind({
  name: 'blur',
  description: 'Gaussian blur, random σ',
  options: closed({
    /** smallest σ in pixels */
    sigmaMin: num(0.05, 10, 0.1),
    /** largest σ in pixels */
    sigmaMax: num(0.05, 10, 1.5),
  }),
  p: 0.3,
  validate: (o) => ordered('sigmaMin', o.sigmaMin, 'sigmaMax', o.sigmaMax),
  apply(b, i, o) {
    const k = kernel(b.rng.uniform(o.sigmaMin, o.sigmaMax));
    const tmp = new Float32Array(b.size * b.size);
    for (let c = 0; c < 3; c++) {
      const img = plane(b, i, c);
      pass(img, tmp, b.size, k, true);
      pass(tmp, img, b.size, k, false);
    }
  },
});
