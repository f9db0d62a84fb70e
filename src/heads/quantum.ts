/**
 * The quantum head: the "dressed" circuit 1,024→n linear, tanh·π/2, n-qubit circuit, ⟨Z⟩ per wire,
 * n→classes linear. Its plain export is the DressedHeadParams the TypeScript simulator runs (SHAP,
 * the noise study, the web viewer).
 */
import { Tensor, noGrad, tidy } from '../engine/index.js';
import { QuantumHead, quantumHeadParamCount, type HeadModule } from '../nn/index.js';
import {
  dressedCircuit,
  dressedHeadForward,
  dressedReadout,
  exactEvaluator,
  validateDressedHead,
  type DressedHeadParams,
} from '../quantum/index.js';
import { setLinear } from './plain.js';
import type { HeadDef, HeadExport, HeadOptions } from './types.js';

export interface QuantumExport extends HeadExport {
  kind: 'quantum';
  dressed: Omit<DressedHeadParams, 'pre' | 'post' | 'circuit'> & {
    pre: { weight: number[]; bias: number[] };
    post: { weight: number[]; bias: number[] };
    circuit: Omit<DressedHeadParams['circuit'], 'weights'> & { weights: number[] };
  };
}

const layerOptions = (o: HeadOptions) => ({
  qubits: o.qubits,
  layers: o.layers,
  template: o.template,
  embedding: o.embedding,
  reupload: o.reupload,
});

/** The quantum head's plain-array parameters, as the TypeScript simulator runs them (validated). */
function dressedParams(e: QuantumExport): DressedHeadParams {
  const d = e.dressed;
  const p: DressedHeadParams = {
    inDim: d.inDim,
    nQubits: d.nQubits,
    nClasses: d.nClasses,
    pre: { weight: Float32Array.from(d.pre.weight), bias: Float32Array.from(d.pre.bias) },
    post: { weight: Float32Array.from(d.post.weight), bias: Float32Array.from(d.post.bias) },
    circuit: { ...d.circuit, weights: Float64Array.from(d.circuit.weights) },
  };
  validateDressedHead(p);
  return p;
}

/** The dressed head from its circuit angles on: batched circuit, readout, softmax (B×classes). */
export function circuitProbs(p: DressedHeadParams, angles: Float64Array, B: number): Float64Array {
  const expvals = exactEvaluator(dressedCircuit(p), angles, p.circuit.weights, B);
  return dressedReadout(p, expvals, B).probs;
}

export const quantumHead: HeadDef<QuantumExport> = {
  kind: 'quantum',
  explainName: 'hybrid',
  create: (s, o) => new QuantumHead(s.inDim, s.classes, layerOptions(o), o.encoderNorm),
  paramCount: (s, o) => quantumHeadParamCount(s.inDim, s.classes, layerOptions(o)),
  export(m: HeadModule) {
    const h = m as QuantumHead;
    const d = h.toDressed();
    return {
      kind: 'quantum',
      classes: h.classes,
      inDim: h.inDim,
      dressed: {
        ...d,
        pre: { weight: Array.from(d.pre.weight), bias: Array.from(d.pre.bias) },
        post: { weight: Array.from(d.post.weight), bias: Array.from(d.post.bias) },
        circuit: { ...d.circuit, weights: Array.from(d.circuit.weights) },
      },
    };
  },
  import(e) {
    const d = e.dressed;
    const h = new QuantumHead(e.inDim, e.classes, {
      qubits: d.nQubits,
      layers: d.circuit.layers,
      template: d.circuit.template,
      embedding: d.circuit.embedding,
      reupload: d.circuit.reupload,
    });
    setLinear(h.pre, { inDim: d.inDim, outDim: d.nQubits, ...d.pre });
    setLinear(h.post, { inDim: d.nQubits, outDim: d.nClasses, ...d.post });
    tidy(() =>
      noGrad(() =>
        h.quantum.weights.copy_(Tensor.from(Float32Array.from(d.circuit.weights), h.quantum.weights.shape)),
      ),
    );
    return h;
  },
  validate(e, source) {
    try {
      dressedParams(e);
    } catch (err) {
      throw new Error(`${source}: quantum head: ${(err as Error).message}`);
    }
  },
  probs: (e, x, B, opts) =>
    dressedHeadForward(dressedParams(e), x, { batch: B, evaluator: opts.evaluator }).probs,
  split(e) {
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
  },
  circuit: dressedParams,
};
