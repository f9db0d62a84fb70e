/**
 * A head split at its first layer: pre = W·x + b (linear in the features, so linear in any SHAP
 * mask), then a nonlinear remainder that maps a batch of pre-activations to class probabilities.
 * Linear head: remainder = softmax. Bottleneck: tanh → hidden → tanh → post → softmax. Quantum:
 * tanh·π/2 → batched statevector circuit → ⟨Z⟩ → post → softmax (one circuit run per batch).
 */
import type { HeadExport } from '../train/run-folder.js';
import { dressedParams } from '../train/run-folder.js';
import { matmulF64, unaryF64InPlace } from '../engine/index.js';
import { dressedCircuit, dressedReadout, exactEvaluator, type DressedHeadParams } from '../quantum/index.js';

export interface SplitHead {
  kind: HeadExport['kind'];
  /** input features d */
  inDim: number;
  /** first-layer width h */
  width: number;
  classes: number;
  /** h×d row-major */
  W: Float64Array;
  /** h */
  b: Float64Array;
  /** B×h pre-activations → B×classes probabilities */
  rest(pre: Float64Array, B: number): Float64Array;
}

/** Row-wise softmax of a B×C batch, in place (the exp of the whole batch in one vectorised call). */
export function softmaxInPlace(z: Float64Array, C: number): Float64Array {
  const B = z.length / C;
  for (let r = 0; r < B; r++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, z[r * C + c]);
    for (let c = 0; c < C; c++) z[r * C + c] -= mx;
  }
  unaryF64InPlace('exp', z);
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += z[r * C + c];
    for (let c = 0; c < C; c++) z[r * C + c] /= s;
  }
  return z;
}

/**
 * tanh → hidden (tanh) → post → softmax over a batch of rows, every step over the whole batch through
 * libtorch's float64 kernels (BLAS products, vectorised tanh/exp): SHAP's value functions push ~10⁵
 * rows per image through it.
 */
function bottleneckRest(e: Extract<HeadExport, { kind: 'bottleneck' }>): SplitHead['rest'] {
  const { n, hiddenSize: H, classes: C } = e;
  const transpose = (w: readonly number[], rows: number, cols: number) => {
    const t = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
    return t;
  };
  const hwT = transpose(e.hidden.weight, H, n);
  const hb = Float64Array.from(e.hidden.bias);
  const pwT = transpose(e.post.weight, C, H);
  const pb = Float64Array.from(e.post.bias);
  return (pre, B) => {
    const t1 = unaryF64InPlace('tanh', Float64Array.from(pre));
    const t2 = matmulF64(t1, B, n, hwT, H);
    for (let k = 0; k < B * H; k++) t2[k] += hb[k % H];
    unaryF64InPlace('tanh', t2);
    const out = matmulF64(t2, B, H, pwT, C);
    for (let k = 0; k < B * C; k++) out[k] += pb[k % C];
    return softmaxInPlace(out, C);
  };
}

/** The dressed head from its circuit angles on: batched circuit, readout, softmax (B×classes). */
export function circuitProbs(p: DressedHeadParams, angles: Float64Array, B: number): Float64Array {
  const expvals = exactEvaluator(dressedCircuit(p), angles, p.circuit.weights, B);
  return dressedReadout(p, expvals, B).probs;
}

export function splitHead(e: HeadExport): SplitHead {
  if (e.kind === 'linear')
    return {
      kind: e.kind,
      inDim: e.inDim,
      width: e.classes,
      classes: e.classes,
      W: Float64Array.from(e.fc.weight),
      b: Float64Array.from(e.fc.bias),
      rest: (pre) => softmaxInPlace(Float64Array.from(pre), e.classes),
    };
  if (e.kind === 'bottleneck')
    return {
      kind: e.kind,
      inDim: e.inDim,
      width: e.n,
      classes: e.classes,
      W: Float64Array.from(e.pre.weight),
      b: Float64Array.from(e.pre.bias),
      rest: bottleneckRest(e),
    };
  const p = dressedParams(e);
  return {
    kind: e.kind,
    inDim: e.inDim,
    width: p.nQubits,
    classes: e.classes,
    W: Float64Array.from(p.pre.weight),
    b: Float64Array.from(p.pre.bias),
    rest: (pre, B) =>
      circuitProbs(
        p,
        pre.map((v) => Math.tanh(v) * (Math.PI / 2)),
        B,
      ),
  };
}
