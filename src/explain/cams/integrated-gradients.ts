/**
 * Integrated Gradients (Sundararajan et al. 2017) at pixel resolution, through the engine's
 * autograd: IG = (x − x₀) ⊙ mean_{i=1..m} ∂y/∂x at x₀ + (i − ½)/m·(x − x₀), with the baseline x₀ a
 * zero image (the normalised mean intensity) and m = igSteps midpoint steps in one batch. Its sum
 * approaches y(x) − y(x₀) (completeness). The map is the positive part of IG summed over the three
 * input channels, at the image's own S×S resolution.
 */
import { inputGradients, rawToMap } from '../cam-base.js';
import type { CamContext, CamMap, CamMethod } from './types.js';

/** The signed per-pixel attribution (S×S, summed over channels). */
export function integratedGradients(ctx: CamContext): Float64Array {
  const S = ctx.size;
  const n = 3 * S * S;
  const m = Math.max(1, Math.round(ctx.options.igSteps));
  const path = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const t = (i + 0.5) / m;
    for (let j = 0; j < n; j++) path[i * n + j] = t * ctx.input[j];
  }
  const g = inputGradients(ctx.net, ctx.head, path, S, ctx.targetClass);
  const px = S * S;
  const out = new Float64Array(px);
  for (let i = 0; i < m; i++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < px; p++) out[p] += (ctx.input[c * px + p] * g[i * n + c * px + p]) / m;
  return out;
}

export function igCam(ctx: CamContext): CamMap {
  const S = ctx.size;
  return { method: 'intgrad', ...rawToMap(integratedGradients(ctx), S, S, S), h: S, w: S };
}

export const intgradMethod: CamMethod = {
  name: 'intgrad',
  label: 'Integrated Gradients',
  description: 'pixel-resolution path-integrated input gradients from a zero (mean) image',
  options: ['igSteps'],
  gradient: true,
  compute: igCam,
};
