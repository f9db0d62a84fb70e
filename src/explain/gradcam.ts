/** Grad-CAM (Selvaraju et al. 2017): channel weights = spatial mean of the target logit's gradient. */
import { weightedMap, type Activations } from './cam-base.js';

export interface CamMap {
  method: 'gradcam' | 'gradcampp' | 'shapcam' | 'partition';
  /** size×size in [0, 1] */
  map: Float32Array;
  /** the map at its own resolution (h×w), before upsampling and scaling */
  raw: Float64Array;
  h: number;
  w: number;
}

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
