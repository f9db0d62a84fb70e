/**
 * Grad-CAM++ (Chattopadhay et al. 2018), as pytorch-grad-cam computes it: per position
 * α = g² / (2g² + Σ_ij A · g³), channel weight = Σ_ij α·ReLU(g).
 */
import { weightedMap, type Activations } from '../cam-base.js';
import type { CamMap, CamMethod } from './types.js';

export function gradCamPlusPlus(a: Activations, size: number): CamMap {
  const hw = a.h * a.w;
  const weights = new Float64Array(a.K);
  for (let k = 0; k < a.K; k++) {
    let sumA = 0;
    for (let p = 0; p < hw; p++) sumA += a.A[k * hw + p];
    let s = 0;
    for (let p = 0; p < hw; p++) {
      const g = a.dA[k * hw + p];
      if (g === 0) continue;
      const g2 = g * g;
      const alpha = g2 / (2 * g2 + sumA * g2 * g + 1e-7);
      s += alpha * Math.max(0, g);
    }
    weights[k] = s;
  }
  return { method: 'gradcampp', ...weightedMap(weights, a.A, a.K, a.h, a.w, size), h: a.h, w: a.w };
}

export const gradcamppMethod: CamMethod = {
  name: 'gradcampp',
  label: 'Grad-CAM++',
  description: 'Grad-CAM with second-order positional weights α (pytorch-grad-cam form) at any layer',
  options: ['layer'],
  gradient: true,
  compute: (ctx) => gradCamPlusPlus(ctx.grads(ctx.options.layer), ctx.size),
};
