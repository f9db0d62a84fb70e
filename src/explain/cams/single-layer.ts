/**
 * What the single-layer gradient CAMs (Grad-CAM, Grad-CAM++, HiResCAM) share: the registry entry
 * that reads one layer's activations and target-logit gradients (option 'layer'), and the map built
 * from one weight per channel.
 */
import { weightedMap, type Activations } from '../cam-base.js';
import type { CamMap, CamMethod } from './types.js';

/** A CAM of one layer's activations and gradients, as a registry entry (options ['layer'], gradient). */
export function singleLayerMethod(
  name: string,
  label: string,
  description: string,
  cam: (a: Activations, size: number) => CamMap,
): CamMethod {
  return {
    name,
    label,
    description,
    options: ['layer'],
    gradient: true,
    compute: (ctx) => cam(ctx.grads(ctx.options.layer), ctx.size),
  };
}

/** ReLU(Σ_k w_k·A_k) with w_k = weight(k, hw) (k: the channel, hw: its positions), upsampled. */
export function channelWeightCam(
  method: string,
  a: Activations,
  size: number,
  weight: (k: number, hw: number) => number,
): CamMap {
  const hw = a.h * a.w;
  const weights = new Float64Array(a.K);
  for (let k = 0; k < a.K; k++) weights[k] = weight(k, hw);
  return { method, ...weightedMap(weights, a.A, a.K, a.h, a.w, size), h: a.h, w: a.w };
}
