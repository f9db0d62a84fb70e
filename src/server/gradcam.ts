/**
 * Grad-CAM on the run's backbone (its own linear classifier): capture a layer's feature map with its
 * gradient, weight channels by the spatially averaged gradient of the target class score, ReLU,
 * upsample bilinearly to the input size, scale to [0, 1]. Synchronous libtorch work: callers
 * serialise it through the model queue.
 */
import { Tensor, interpolateBilinear, noGrad, tidy } from '../engine/index.js';
import type { DenseNet } from '../nn/index.js';

export interface GradCam {
  layer: string;
  targetClass: number;
  /** S×S in [0, 1] */
  map: Float32Array;
}

export function gradCam(
  net: DenseNet,
  input: Float32Array,
  size: number,
  layer: string,
  target?: number,
): GradCam {
  if (!net.layerNames().includes(layer))
    throw new RangeError(`layer '${layer}' is not one of: ${net.layerNames().join(', ')}`);
  return tidy(() => {
    const x = Tensor.from(input, [1, 3, size, size]);
    const r = net.forwardAll(x, { capture: [layer] });
    const logits = r.logits.toFloat32Array();
    const cls = target ?? logits.indexOf(Math.max(...logits));
    if (!Number.isInteger(cls) || cls < 0 || cls >= logits.length)
      throw new RangeError(`targetClass ${target} is out of range (0..${logits.length - 1})`);
    r.logits.narrow(1, cls, 1).sum().backward();
    const A = r.captured.get(layer)!;
    const dA = A.grad;
    if (!dA) throw new Error(`no gradient reached layer '${layer}'`);
    const cam = noGrad(() => {
      const w = dA.mean([2, 3], true);
      const m = A.detach().mul(w).sum([1], true).relu();
      return interpolateBilinear(m, [size, size], false).toFloat32Array();
    });
    let mx = 0;
    for (const v of cam) mx = Math.max(mx, v);
    if (mx > 0) for (let i = 0; i < cam.length; i++) cam[i] /= mx;
    return { layer, targetClass: cls, map: cam };
  });
}
