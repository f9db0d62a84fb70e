/** Grad-CAM (Selvaraju et al. 2017): channel weights = spatial mean of the target logit's gradient. */
import type { Activations } from '../cam-base.js';
import { channelWeightCam, singleLayerMethod } from './single-layer.js';
import type { CamMap } from './types.js';

export function gradCam(a: Activations, size: number): CamMap {
  return channelWeightCam('gradcam', a, size, (k, hw) => {
    let s = 0;
    for (let p = 0; p < hw; p++) s += a.dA[k * hw + p];
    return s / hw;
  });
}

export const gradcamMethod = singleLayerMethod(
  'gradcam',
  'Grad-CAM',
  'ReLU(Σ_k mean(∂y/∂A_k)·A_k) at any layer',
  gradCam,
);
