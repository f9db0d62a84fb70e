/** The draws of the batch-mixing kinds: λ ~ Beta(α, α) (through two Gamma draws) and a partner permutation. */
import type { Rng } from '../../util/rng.js';

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1: boosted by U^(1/shape)). */
function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = rng.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** λ ~ Beta(α, α). */
export function sampleBeta(rng: Rng, alpha: number): number {
  const a = sampleGamma(rng, alpha);
  const b = sampleGamma(rng, alpha);
  return a + b > 0 ? a / (a + b) : 0.5;
}
