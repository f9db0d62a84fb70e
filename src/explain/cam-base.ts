/**
 * The shared base of the class-activation maps: one forward through the backbone and a head with
 * the requested layer (and the final feature map) captured, one backward of the target class's
 * logit. For the quantum head the circuit is an autograd node (its adjoint VJP runs inside the same
 * backward and continues into the backbone), so the captured gradients are the hybrid model's true
 * gradients. Returns plain arrays.
 *
 * The head's forward runs under withStableTanhGrad: float32 tanh backward (1 − tanh²) is exactly
 * zero for |x| > 9, which emptied Grad-CAM on heads with saturated tanh units (bottleneck, and the
 * quantum head's input layer); the stable form keeps the true, tiny, gradient.
 *
 * gradPass() is the one place that runs a backward through backbone and head: activations() (one
 * image, any set of captured layers, for the gradient CAMs) and inputGradients() (a batch of
 * images, the gradient with respect to the input pixels, for Integrated Gradients) both use it.
 * headPathGradient() runs the head alone along a path of pooled features (Integrated Grad-CAM).
 */
import { Tensor, interpolateBilinear, noGrad, tidy, withStableTanhGrad } from '../engine/index.js';
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
  /** every captured layer (the main one included) */
  captured: Map<string, LayerCapture>;
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

/** One captured layer: K×h×w activations and gradients of the target logit. */
export interface LayerCapture {
  layer: string;
  K: number;
  h: number;
  w: number;
  A: Float32Array;
  dA: Float32Array;
}

interface GradPass {
  targetClass: number;
  /** the first image's logits */
  logits: Float64Array;
  captured: Map<string, LayerCapture>;
  final: Activations['final'];
  /** gradient of Σ_b logit_b[target] with respect to the input, B×3×S×S (when asked for) */
  inputGrad?: Float32Array;
}

/**
 * Forward B images (B×3×size×size) with `layers` captured, backward of Σ_b logit_b[target] (the
 * first image's predicted class when targetClass is undefined). Gradients are zeroed afterwards.
 */
function gradPass(
  net: DenseNet,
  head: HeadModule,
  input: Float32Array,
  size: number,
  layers: string[],
  opts: { targetClass?: number; inputGrad?: boolean },
): GradPass {
  const B = input.length / (3 * size * size);
  net.eval();
  head.eval();
  try {
    return tidy(() => {
      const x = Tensor.from(input, [B, 3, size, size]);
      if (opts.inputGrad) x.setRequiresGrad(true);
      const r = net.forwardAll(x, { capture: [...new Set([...layers, 'features'])] });
      // saturated tanh units must not zero the gradient (see withStableTanhGrad)
      const logitsT = withStableTanhGrad(() => head.forward(r.pooled));
      const logits = Float64Array.from(logitsT.narrow(0, 0, 1).toFloat32Array());
      let cls = opts.targetClass ?? 0;
      if (opts.targetClass === undefined)
        for (let c = 1; c < logits.length; c++) if (logits[c] > logits[cls]) cls = c;
      checkTargetClass(cls, logits.length);
      logitsT.narrow(1, cls, 1).sum().backward();
      const captured = new Map<string, LayerCapture>();
      for (const layer of layers) {
        const a = r.captured.get(layer)!;
        const g = a.grad;
        const [, K, h, w] = a.shape;
        const A = a.toFloat32Array();
        captured.set(layer, { layer, K, h, w, A, dA: g ? g.toFloat32Array() : new Float32Array(A.length) });
      }
      const f = r.captured.get('features')!;
      const ig = opts.inputGrad ? x.grad : null;
      return {
        targetClass: cls,
        logits,
        captured,
        final: {
          K: f.shape[1],
          h: f.shape[2],
          w: f.shape[3],
          A: f.toFloat32Array(),
          pooled: r.pooled.toFloat32Array(),
        },
        inputGrad: opts.inputGrad ? (ig ? ig.toFloat32Array() : new Float32Array(input.length)) : undefined,
      };
    });
  } finally {
    net.zeroGrad();
    head.zeroGrad();
    head.eval();
  }
}

/**
 * The predicted class when targetClass is undefined. `layer` is the main captured layer (its
 * arrays are the result's K, h, w, A, dA); `layers` captures more (in `captured`, with `layer`).
 */
export function activations(
  net: DenseNet,
  head: HeadModule,
  input: Float32Array,
  size: number,
  opts: { layer?: string; layers?: string[]; targetClass?: number; classes: number },
): Activations {
  const layer = opts.layer ?? DEFAULT_LAYER;
  const layers = [...new Set([layer, ...(opts.layers ?? [])])];
  for (const l of layers) checkLayer(net, l);
  checkInput(input, size);
  if (opts.targetClass !== undefined) checkTargetClass(opts.targetClass, opts.classes);
  const r = gradPass(net, head, input, size, layers, { targetClass: opts.targetClass });
  const main = r.captured.get(layer)!;
  const logits = r.logits;
  const mx = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - mx));
  const z = e.reduce((s, v) => s + v, 0);
  return {
    ...main,
    targetClass: r.targetClass,
    logits,
    probs: e.map((v) => v / z),
    final: r.final,
    captured: r.captured,
  };
}

/** ∂logit[target]/∂input for each of B images (B×3×size×size in, same shape out). */
export function inputGradients(
  net: DenseNet,
  head: HeadModule,
  inputs: Float32Array,
  size: number,
  targetClass: number,
): Float32Array {
  if (inputs.length === 0 || inputs.length % (3 * size * size) !== 0)
    throw new RangeError(
      `input gradients: ${inputs.length} values is not a whole number of 3×${size}×${size} images`,
    );
  return gradPass(net, head, inputs, size, [], { targetClass, inputGrad: true }).inputGrad!;
}

/**
 * The channel weights of Integrated Grad-CAM: ∂ log softmax(head(f))[target] / ∂f averaged over the
 * midpoint path from zero features, f·(i − ½)/m for i = 1..m (m rows in one batch), for the pooled
 * features f (K values). Head only: scaling the final feature map scales its average pool, so the
 * backbone is not run again. Σ_k weight_k·f_k approaches log p(f) − log p(0) (completeness).
 */
export function headPathGradient(
  head: HeadModule,
  pooled: Float32Array,
  targetClass: number,
  steps: number,
): Float64Array {
  const K = pooled.length;
  const m = Math.max(1, Math.round(steps));
  const path = new Float32Array(m * K);
  for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) path[i * K + k] = ((i + 0.5) / m) * pooled[k];
  head.eval();
  try {
    return tidy(() => {
      const x = Tensor.from(path, [m, K]).setRequiresGrad(true);
      const ls = withStableTanhGrad(() => head.forward(x)).logSoftmax(1);
      checkTargetClass(targetClass, ls.shape[1]);
      ls.narrow(1, targetClass, 1).sum().backward();
      const g = x.grad ? x.grad.toFloat32Array() : new Float32Array(m * K);
      const out = new Float64Array(K);
      for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) out[k] += g[i * K + k] / m;
      return out;
    });
  } finally {
    head.zeroGrad();
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

/** A raw h×w map → ReLU, upsampled to size×size and scaled to [0, 1] (the CAM's display map). */
export function rawToMap(
  raw: Float64Array,
  h: number,
  w: number,
  size: number,
): { raw: Float64Array; map: Float32Array } {
  const pos = raw.map((v) => Math.max(0, v));
  return { raw: pos, map: normalize01(upsample(pos, h, w, size)) };
}
