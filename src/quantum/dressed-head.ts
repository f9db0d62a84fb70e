/**
 * The "dressed" quantum head as plain arrays, runnable without libtorch (SHAP, noise studies, the
 * web viewer): features (B×inDim) → linear inDim→n → tanh·π/2 → n-qubit circuit (AngleEmbedding +
 * StronglyEntanglingLayers or BasicEntanglerLayers, optional re-uploading) → ⟨Z⟩ per wire →
 * linear n→classes → softmax.
 */
import type { Circuit } from './circuit.js';
import { exactEvaluator, type Evaluator } from './param-shift.js';
import { headCircuit, type Rotation, type TemplateName } from './templates/index.js';

export interface DressedHeadParams {
  inDim: number;
  nQubits: number;
  nClasses: number;
  pre: { weight: Float32Array; bias: Float32Array };
  circuit: {
    embedding: Rotation;
    template: TemplateName;
    layers: number;
    reupload: boolean;
    weights: Float64Array;
  };
  post: { weight: Float32Array; bias: Float32Array };
}

export interface DressedHeadOutput {
  angles: Float64Array;
  expvals: Float64Array;
  logits: Float64Array;
  probs: Float64Array;
}

export function dressedCircuit(p: DressedHeadParams): Circuit {
  return headCircuit({
    qubits: p.nQubits,
    layers: p.circuit.layers,
    template: p.circuit.template,
    embedding: p.circuit.embedding,
    reupload: p.circuit.reupload,
  });
}

export function validateDressedHead(p: DressedHeadParams): void {
  const n = p.nQubits;
  const check = (name: string, a: ArrayLike<number>, len: number) => {
    if (a.length !== len) throw new RangeError(`${name}: expected ${len} values, got ${a.length}`);
    for (let i = 0; i < a.length; i++)
      if (!Number.isFinite(a[i])) throw new Error(`${name}[${i}]: not finite`);
  };
  check('pre.weight', p.pre.weight, n * p.inDim);
  check('pre.bias', p.pre.bias, n);
  check('post.weight', p.post.weight, p.nClasses * n);
  check('post.bias', p.post.bias, p.nClasses);
  check('circuit.weights', p.circuit.weights, dressedCircuit(p).nWeights);
}

/** The circuit's input angles tanh(W x + b)·π/2, B×n. */
export function dressedAngles(
  p: DressedHeadParams,
  features: Float32Array | Float64Array,
  B: number,
): Float64Array {
  const { inDim: d, nQubits: n } = p;
  if (features.length !== B * d)
    throw new RangeError(`features: expected B×${d} = ${B * d} values, got ${features.length}`);
  const out = new Float64Array(B * n);
  const W = p.pre.weight;
  for (let b = 0; b < B; b++)
    for (let q = 0; q < n; q++) {
      let s = p.pre.bias[q];
      const wo = q * d;
      const fo = b * d;
      for (let k = 0; k < d; k++) s += W[wo + k] * features[fo + k];
      out[b * n + q] = Math.tanh(s) * (Math.PI / 2);
    }
  return out;
}

/** Post layer and softmax from ⟨Z⟩ values. */
export function dressedReadout(
  p: DressedHeadParams,
  expvals: Float64Array,
  B: number,
): { logits: Float64Array; probs: Float64Array } {
  const { nQubits: n, nClasses: C } = p;
  const logits = new Float64Array(B * C);
  const probs = new Float64Array(B * C);
  for (let b = 0; b < B; b++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = p.post.bias[c];
      for (let q = 0; q < n; q++) s += p.post.weight[c * n + q] * expvals[b * n + q];
      logits[b * C + c] = s;
      mx = Math.max(mx, s);
    }
    let z = 0;
    for (let c = 0; c < C; c++) z += probs[b * C + c] = Math.exp(logits[b * C + c] - mx);
    for (let c = 0; c < C; c++) probs[b * C + c] /= z;
  }
  return { logits, probs };
}

export function dressedHeadForward(
  p: DressedHeadParams,
  features: Float32Array | Float64Array,
  opts: { batch?: number; evaluator?: Evaluator } = {},
): DressedHeadOutput {
  const B = opts.batch ?? features.length / p.inDim;
  if (!Number.isInteger(B) || B < 1)
    throw new RangeError(`features: length ${features.length} is not a multiple of ${p.inDim}`);
  const angles = dressedAngles(p, features, B);
  const expvals = (opts.evaluator ?? exactEvaluator)(dressedCircuit(p), angles, p.circuit.weights, B);
  return { angles, expvals, ...dressedReadout(p, expvals, B) };
}
