/**
 * The bottleneck head: 1,024→n→tanh→hidden→tanh→classes, its hidden width sized so that its
 * parameter count matches the quantum head's (the classical control of the same size).
 */
import { matmulF64, unaryF64InPlace } from '../engine/index.js';
import { BottleneckHead, bottleneckParamCount, matchedHiddenSize, type HeadModule } from '../nn/index.js';
import {
  checkLayers,
  linearRows,
  plainFrom,
  plainLinear,
  setLayers,
  softmaxInPlace,
  softmaxRows,
  splitAfter,
  transposeF64,
  type PlainLinear,
} from './plain.js';
import { quantumHead } from './quantum.js';
import type { HeadDef, HeadExport, HeadOptions, HeadShape, SplitHead } from './types.js';

export interface BottleneckExport extends HeadExport {
  kind: 'bottleneck';
  n: number;
  hiddenSize: number;
  pre: PlainLinear;
  hidden: PlainLinear;
  post: PlainLinear;
}

const hiddenFor = (s: HeadShape, o: HeadOptions) =>
  matchedHiddenSize(s.inDim, o.qubits, s.classes, quantumHead.paramCount(s, o));

/**
 * tanh → hidden (tanh) → post → softmax over a batch of rows, every step over the whole batch through
 * libtorch's float64 kernels (BLAS products, vectorised tanh/exp): SHAP's value functions push ~10⁵
 * rows per image through it.
 */
function bottleneckRest(e: BottleneckExport): SplitHead['rest'] {
  const { n, hiddenSize: H, classes: C } = e;
  const hwT = transposeF64(e.hidden.weight, H, n);
  const hb = Float64Array.from(e.hidden.bias);
  const pwT = transposeF64(e.post.weight, C, H);
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

const LAYERS = ['pre', 'hidden', 'post'] as const;

export const bottleneckHead: HeadDef<BottleneckExport> = {
  kind: 'bottleneck',
  explainName: 'bottleneck',
  create: (s, o) => new BottleneckHead(s.inDim, o.qubits, hiddenFor(s, o), s.classes, o.encoderNorm),
  paramCount: (s, o) => bottleneckParamCount(s.inDim, o.qubits, hiddenFor(s, o), s.classes),
  export(m: HeadModule) {
    const h = m as BottleneckHead;
    return {
      kind: 'bottleneck',
      classes: h.post.weight.shape[0],
      inDim: h.pre.weight.shape[1],
      n: h.n,
      hiddenSize: h.hiddenSize,
      pre: plainFrom(h.foldedPre(), h.pre.inFeatures),
      hidden: plainLinear(h.hidden),
      post: plainLinear(h.post),
    };
  },
  import(e) {
    const h = new BottleneckHead(e.inDim, e.n, e.hiddenSize, e.classes);
    setLayers(h, e, LAYERS);
    return h;
  },
  validate: (e, source) => checkLayers(e, LAYERS, source),
  probs(e, x, B) {
    const h1 = linearRows(e.pre, x, B, Math.tanh);
    const h2 = linearRows(e.hidden, h1, B, Math.tanh);
    return softmaxRows(linearRows(e.post, h2, B), e.classes);
  },
  split: (e) => splitAfter(e, e.pre, e.n, bottleneckRest(e)),
};
