/**
 * The shared base of the class-activation maps: one forward through the backbone and a head with
 * the requested layer (and the final feature map) captured, one backward of the target class's
 * logit. For the quantum head the circuit is an autograd node (its adjoint VJP runs inside the same
 * backward and continues into the backbone), so the captured gradients are the hybrid model's true
 * gradients. Returns plain arrays.
 */
import { Tensor, interpolateBilinear, noGrad, tidy } from '../engine/index.js';
import type { DenseNet, HeadModule } from '../nn/index.js';

export const DEFAULT_LAYER = 'features';

export interface Activations {
  layer: string;
  targetClass: number;
  logits: Float64Array;
  probs: Float64Array;
  /** captured layer: K×h×w activations and gradients of the target logit */
  K: number;
  h: number;
  w: number;
  A: Float32Array;
  dA: Float32Array;
  /** the final feature map (features, after ReLU) K×h×w and the pooled features K */
  final: { K: number; h: number; w: number; A: Float32Array; pooled: Float32Array };
}

export function checkLayer(net: DenseNet, layer: string): void {
  const valid = net.layerNames();
  if (!valid.includes(layer)) throw new Error(`unknown layer '${layer}'; valid layers: ${valid.join(', ')}`);
}

export function checkTargetClass(targetClass: number, classes: number): void {
  if (!Number.isInteger(targetClass) || targetClass < 0 || targetClass >= classes)
    throw new RangeError(`target class ${targetClass} is out of range 0..${classes - 1}`);
}

export function checkInput(input: Float32Array, size: number): void {
  if (input.length !== 3 * size * size)
    throw new RangeError(`image input has ${input.length} values, expected 3×${size}×${size}`);
}

/** The predicted class when targetClass is undefined. */
export function activations(
  net: DenseNet,
  head: HeadModule,
  input: Float32Array,
  size: number,
  opts: { layer?: string; targetClass?: number; classes: number },
): Activations {
  const layer = opts.layer ?? DEFAULT_LAYER;
  checkLayer(net, layer);
  checkInput(input, size);
  if (opts.targetClass !== undefined) checkTargetClass(opts.targetClass, opts.classes);
  net.eval();
  head.eval();
  try {
    return tidy(() => {
      const x = Tensor.from(input, [1, 3, size, size]);
      const r = net.forwardAll(x, { capture: [...new Set([layer, 'features'])] });
      const logitsT = head.forward(r.pooled);
      const logits = Float64Array.from(logitsT.toFloat32Array());
      let cls = opts.targetClass ?? 0;
      if (opts.targetClass === undefined)
        for (let c = 1; c < logits.length; c++) if (logits[c] > logits[cls]) cls = c;
      checkTargetClass(cls, logits.length);
      logitsT.narrow(1, cls, 1).sum().backward();
      const a = r.captured.get(layer)!;
      const g = a.grad;
      const [, K, h, w] = a.shape;
      const f = r.captured.get('features')!;
      const mx = Math.max(...logits);
      const e = logits.map((v) => Math.exp(v - mx));
      const z = e.reduce((s, v) => s + v, 0);
      return {
        layer,
        targetClass: cls,
        logits,
        probs: e.map((v) => v / z),
        K,
        h,
        w,
        A: a.toFloat32Array(),
        dA: g ? g.toFloat32Array() : new Float32Array(K * h * w),
        final: {
          K: f.shape[1],
          h: f.shape[2],
          w: f.shape[3],
          A: f.toFloat32Array(),
          pooled: r.pooled.toFloat32Array(),
        },
      };
    });
  } finally {
    net.zeroGrad();
    head.zeroGrad();
    head.eval();
  }
}

/** Bilinear upsampling of an h×w map to size×size (libtorch, align_corners=false). */
export function upsample(map: Float32Array | Float64Array, h: number, w: number, size: number): Float32Array {
  if (h === size && w === size) return Float32Array.from(map);
  return tidy(() =>
    noGrad(() =>
      interpolateBilinear(Tensor.from(Float32Array.from(map), [1, 1, h, w]), [size, size]).toFloat32Array(),
    ),
  );
}

/** Σ_k weight_k·A_k, ReLU, upsampled and scaled to [0, 1] (all zero when nothing is positive). */
export function weightedMap(
  weights: Float64Array,
  A: Float32Array,
  K: number,
  h: number,
  w: number,
  size: number,
): { raw: Float64Array; map: Float32Array } {
  const hw = h * w;
  const raw = new Float64Array(hw);
  for (let k = 0; k < K; k++) {
    const wk = weights[k];
    if (wk === 0) continue;
    for (let p = 0; p < hw; p++) raw[p] += wk * A[k * hw + p];
  }
  for (let p = 0; p < hw; p++) raw[p] = Math.max(0, raw[p]);
  return { raw, map: normalize01(upsample(raw, h, w, size)) };
}

export function normalize01(m: Float32Array): Float32Array {
  let mx = 0;
  for (const v of m) mx = Math.max(mx, v);
  return mx > 0 ? m.map((v) => Math.max(0, v) / mx) : new Float32Array(m.length);
}
