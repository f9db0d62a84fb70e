/**
 * Grad-CAM++ (Chattopadhay et al. 2018), as pytorch-grad-cam computes it: per position
 * α = g² / (2g² + Σ_ij A · g³), channel weight = Σ_ij α·ReLU(g).
 */
import type { Activations } from '../cam-base.js';
import { channelWeightCam, singleLayerMethod } from './single-layer.js';
import type { CamMap } from './types.js';

export function gradCamPlusPlus(a: Activations, size: number): CamMap {
  return channelWeightCam('gradcampp', a, size, (k, hw) => {
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
    return s;
  });
}

export const gradcamppMethod = singleLayerMethod(
  'gradcampp',
  'Grad-CAM++',
  'Grad-CAM with second-order positional weights α (pytorch-grad-cam form) at any layer',
  gradCamPlusPlus,
);
