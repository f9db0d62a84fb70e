/** Random plain-array heads for the SHAP tests (no libtorch needed). */
import { Rng } from '../../src/util/rng.js';
import type { BottleneckExport, LinearExport, QuantumExport } from '../../src/heads/index.js';

const arr = (rng: Rng, n: number, s: number) => Array.from({ length: n }, () => rng.normal(0, s));
const lin = (rng: Rng, inDim: number, outDim: number, s: number) => ({
  inDim,
  outDim,
  weight: arr(rng, inDim * outDim, s),
  bias: arr(rng, outDim, 0.1),
});

export function randomHead(
  kind: 'linear' | 'bottleneck' | 'quantum',
  d: number,
  seed: number,
  classes = 4,
  qubits = 3,
): LinearExport | BottleneckExport | QuantumExport {
  const rng = new Rng(seed);
  const s = 1 / Math.sqrt(d);
  if (kind === 'linear') return { kind, classes, inDim: d, fc: lin(rng, d, classes, 2 * s) };
  if (kind === 'bottleneck')
    return {
      kind,
      classes,
      inDim: d,
      n: 3,
      hiddenSize: 5,
      pre: lin(rng, d, 3, 2 * s),
      hidden: lin(rng, 3, 5, 1),
      post: lin(rng, 5, classes, 1),
    };
  const layers = 2;
  return {
    kind: 'quantum',
    classes,
    inDim: d,
    dressed: {
      inDim: d,
      nQubits: qubits,
      nClasses: classes,
      pre: { weight: arr(rng, qubits * d, 2 * s), bias: arr(rng, qubits, 0.1) },
      post: { weight: arr(rng, classes * qubits, 1), bias: arr(rng, classes, 0.1) },
      circuit: {
        embedding: 'X' as const,
        template: 'strong' as const,
        layers,
        reupload: false,
        weights: Array.from({ length: layers * qubits * 3 }, () => rng.uniform(0, 2 * Math.PI)),
      },
    },
  };
}

export function randomRows(n: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * d }, () => Math.max(0, rng.normal(0.5, 1)));
}
