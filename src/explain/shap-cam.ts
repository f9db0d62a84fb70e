/**
 * SHAP-CAM: feature attributions projected to space through the final feature maps. Pooled feature
 * k is the spatial mean of map A_k, so position p's share of feature k is A_k(p)/Σ_p A_k(p); the
 * map is Σ_k φ_k·A_k(p)/Σ_p A_k(p), which sums to Σφ (the signed map keeps that conservation; the
 * displayed map is its positive part, upsampled and scaled to [0, 1]).
 */
import { normalize01, upsample, type Activations } from './cam-base.js';
import type { CamMap } from './cams/types.js';

export function shapCam(
  final: Activations['final'],
  phi: ArrayLike<number>,
  size: number,
): CamMap & { signed: Float64Array } {
  const { K, h, w, A } = final;
  if (phi.length !== K) throw new RangeError(`SHAP-CAM: ${phi.length} attributions for ${K} feature maps`);
  const hw = h * w;
  const signed = new Float64Array(hw);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let p = 0; p < hw; p++) s += A[k * hw + p];
    if (!(s > 0) || phi[k] === 0) continue;
    const f = phi[k] / s;
    for (let p = 0; p < hw; p++) signed[p] += f * A[k * hw + p];
  }
  const raw = signed.map((v) => Math.max(0, v));
  return { method: 'shapcam', map: normalize01(upsample(raw, h, w, size)), raw, signed, h, w };
}
