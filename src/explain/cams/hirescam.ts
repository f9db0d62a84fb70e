/**
 * HiResCAM (Draelos & Carin 2020): the gradient times the activation, position by position,
 * summed over channels — ReLU(Σ_k ∂y/∂A_k ⊙ A_k). Unlike Grad-CAM it does not average the gradient
 * over space, so for a head that is linear in the pooled features it shows exactly each position's
 * contribution to the logit.
 */
import { rawToMap, type Activations } from '../cam-base.js';
import { singleLayerMethod } from './single-layer.js';
import type { CamMap } from './types.js';

export function hiResCam(a: Activations, size: number): CamMap {
  const hw = a.h * a.w;
  const raw = new Float64Array(hw);
  for (let k = 0; k < a.K; k++) for (let p = 0; p < hw; p++) raw[p] += a.dA[k * hw + p] * a.A[k * hw + p];
  return { method: 'hirescam', ...rawToMap(raw, a.h, a.w, size), h: a.h, w: a.w };
}

export const hirescamMethod = singleLayerMethod(
  'hirescam',
  'HiResCAM',
  'ReLU(Σ_k ∂y/∂A_k ⊙ A_k) at any layer (no spatial averaging of the gradient)',
  hiResCam,
);
