/**
 * Score-CAM (Wang et al. 2020), as pytorch-grad-cam computes it: each channel of the layer's
 * activations, upsampled to the image and scaled to [0, 1], masks the input; the channel's weight is
 * the softmax, over channels, of the target logit on its masked input; map = ReLU(Σ_k w_k·A_k).
 * Gradient-free: it needs only forward passes, so it works through any head (the circuit included)
 * and cannot be emptied by saturated or sign-flipped gradients. One forward per channel (batched).
 */
import { normalize01, upsample, weightedMap } from '../cam-base.js';
import type { CamContext, CamMap, CamMethod } from './types.js';

export function scoreCam(ctx: CamContext): CamMap {
  const a = ctx.grads(ctx.options.layer);
  const { K, h, w } = a;
  const S = ctx.size;
  const px = S * S;
  const hw = h * w;
  const scores = new Float64Array(K);
  const batch = Math.max(1, ctx.options.scoreCamBatch);
  for (let k0 = 0; k0 < K; k0 += batch) {
    const B = Math.min(batch, K - k0);
    const images = new Float32Array(B * 3 * px);
    for (let b = 0; b < B; b++) {
      const k = k0 + b;
      const mask = normalizeMinMax(upsample(a.A.subarray(k * hw, (k + 1) * hw), h, w, S));
      for (let c = 0; c < 3; c++)
        for (let p = 0; p < px; p++) images[(b * 3 + c) * px + p] = ctx.input[c * px + p] * mask[p];
    }
    const logits = ctx.logits(images, B);
    for (let b = 0; b < B; b++) scores[k0 + b] = logits[b * ctx.classes + ctx.targetClass];
  }
  const mx = Math.max(...scores);
  const e = scores.map((v) => Math.exp(v - mx));
  const z = e.reduce((s, v) => s + v, 0);
  const weights = e.map((v) => v / z);
  return { method: 'scorecam', ...weightedMap(weights, a.A, K, h, w, S), h, w };
}

/** (m − min) / (max − min); all zero for a constant map. */
function normalizeMinMax(m: Float32Array): Float32Array {
  let lo = Infinity;
  for (const v of m) lo = Math.min(lo, v);
  return normalize01(m.map((v) => v - lo));
}

export const scorecamMethod: CamMethod = {
  name: 'scorecam',
  label: 'Score-CAM',
  description: 'channel weights from forward passes on activation-masked inputs (gradient-free)',
  options: ['layer', 'scoreCamBatch'],
  gradient: false,
  compute: scoreCam,
};
