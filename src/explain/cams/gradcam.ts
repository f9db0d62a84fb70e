/** Grad-CAM (Selvaraju et al. 2017): channel weights = spatial mean of the target logit's gradient. */
import { weightedMap, type Activations } from '../cam-base.js';
import type { CamMap, CamMethod } from './types.js';

export function gradCam(a: Activations, size: number): CamMap {
  const hw = a.h * a.w;
  const weights = new Float64Array(a.K);
  for (let k = 0; k < a.K; k++) {
    let s = 0;
    for (let p = 0; p < hw; p++) s += a.dA[k * hw + p];
    weights[k] = s / hw;
  }
  return { method: 'gradcam', ...weightedMap(weights, a.A, a.K, a.h, a.w, size), h: a.h, w: a.w };
}

export const gradcamMethod: CamMethod = {
  name: 'gradcam',
  label: 'Grad-CAM',
  description: 'ReLU(Σ_k mean(∂y/∂A_k)·A_k) at any layer',
  options: ['layer'],
  gradient: true,
  compute: (ctx) => gradCam(ctx.grads(ctx.options.layer), ctx.size),
};
