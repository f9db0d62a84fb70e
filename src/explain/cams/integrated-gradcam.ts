/**
 * Integrated Grad-CAM at the final feature map: Grad-CAM's channel weights with the gradient
 * integrated along the path from zero features (Integrated Gradients at the layer, as Captum's
 * LayerIntegratedGradients, summed per channel; Sattarzadeh et al. 2021 integrate over the input
 * instead), of the target's log-softmax. A gradient at one point means nothing on a head whose
 * tanh encoder is saturated (the hybrid heads of a real run: every unit at |u| ≈ 18), so Grad-CAM's
 * map, whose cells sum to the head's first-order term g·f, is empty wherever that term is ≤ 0. The
 * path integral makes the cells sum to log p(A) − log p(0) instead (completeness), positive
 * whenever the image raises the class's probability over no features at all.
 */
import { DEFAULT_LAYER, headPathGradient, weightedMap } from '../cam-base.js';
import type { CamContext, CamMap, CamMethod } from './types.js';

export function integratedGradCam(ctx: CamContext): CamMap {
  const { K, h, w, A, pooled } = ctx.grads(DEFAULT_LAYER).final;
  const weights = headPathGradient(ctx.head, pooled, ctx.targetClass, ctx.options.pathSteps);
  return { method: 'igradcam', ...weightedMap(weights, A, K, h, w, ctx.size), h, w };
}

export const igradcamMethod: CamMethod = {
  name: 'igradcam',
  label: 'Integrated Grad-CAM',
  description:
    'final feature map weighted by the log-softmax gradient integrated from zero features (works through saturated heads)',
  options: ['pathSteps'],
  gradient: true,
  compute: integratedGradCam,
};
