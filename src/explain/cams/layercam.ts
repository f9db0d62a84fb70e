/**
 * LayerCAM (Jiang et al. 2021): per position, ReLU(∂y/∂A_k)·A_k summed over channels, ReLU; over
 * several layers fused as pytorch-grad-cam does (each layer's map scaled to [0, 1] on a common grid,
 * then the mean). The common grid is the finest of the fused layers, so the raw cells keep the
 * shallow layers' resolution.
 */
import { normalize01, upsample, rawToMap, type LayerCapture } from '../cam-base.js';
import type { CamMap, CamMethod } from './types.js';

/** One layer's LayerCAM before scaling: Σ_k ReLU(g_k)·A_k, ReLU (h×w). */
export function layerCamRaw(a: LayerCapture): Float64Array {
  const hw = a.h * a.w;
  const raw = new Float64Array(hw);
  for (let k = 0; k < a.K; k++)
    for (let p = 0; p < hw; p++) raw[p] += Math.max(0, a.dA[k * hw + p]) * a.A[k * hw + p];
  return raw.map((v) => Math.max(0, v));
}

export function layerCam(layers: LayerCapture[], size: number): CamMap {
  if (!layers.length) throw new RangeError('LayerCAM needs at least one layer');
  const fine = layers.reduce((b, l) => (l.h * l.w > b.h * b.w ? l : b));
  const { h, w } = fine;
  const fused = new Float64Array(h * w);
  for (const l of layers) {
    const m = normalize01(l.h === h && l.w === w ? Float32Array.from(layerCamRaw(l)) : upsampleTo(l, h));
    for (let p = 0; p < fused.length; p++) fused[p] += m[p] / layers.length;
  }
  return { method: 'layercam', ...rawToMap(fused, h, w, size), h, w };
}

function upsampleTo(l: LayerCapture, side: number): Float32Array {
  if (l.h !== l.w) throw new RangeError(`LayerCAM: layer ${l.layer} is not square (${l.h}×${l.w})`);
  return upsample(layerCamRaw(l), l.h, l.w, side);
}

export const layercamMethod: CamMethod = {
  name: 'layercam',
  label: 'LayerCAM',
  description: 'Σ_k ReLU(∂y/∂A_k)·A_k, fused over several layers (layerCamLayers)',
  options: ['layerCamLayers'],
  gradient: true,
  layers: (o) => o.layerCamLayers,
  compute: (ctx) =>
    layerCam(
      ctx.options.layerCamLayers.map((l) => ctx.grads(l)),
      ctx.size,
    ),
};
