/**
 * QuantumLayer: the variational circuit as a layer of a libtorch model. Forward runs the batched
 * TypeScript simulator on the B×n input angles; the gradient reaches libtorch autograd through
 * ExternalFunction, a libtorch autograd node, so loss.backward() alone reaches the circuit: exact
 * mode uses the adjoint method, noisy or finite-shot mode uses the parameter-shift rule over the supplied evaluator. The circuit weights live in a libtorch leaf
 * tensor (float32) so any engine optimizer updates them.
 */
import { Tensor, noGrad, tidy } from '../engine/index.js';
import {
  adjointVjp,
  exactEvaluator,
  headCircuit,
  paramShiftVjp,
  type Circuit,
  type Evaluator,
  type HeadCircuitConfig,
} from '../quantum/index.js';
import { ExternalFunction } from './external-function.js';
import { uniformTensor } from './layers.js';
import { Module } from './module.js';

export interface QuantumLayerOptions extends HeadCircuitConfig {
  /** 'adjoint' (exact statevector) or 'parameter-shift' (valid with noise and shots). */
  gradient?: 'adjoint' | 'parameter-shift';
  /** Circuit evaluator for forward and parameter-shift (default: exact statevector). */
  evaluator?: Evaluator;
}

export class QuantumLayer extends Module {
  readonly circuit: Circuit;
  readonly weights: Tensor;

  constructor(readonly options: QuantumLayerOptions) {
    super();
    if (options.qubits < 2 || options.qubits > 12)
      throw new RangeError(`quantum head qubits must be in [2, 12], got ${options.qubits}`);
    this.circuit = headCircuit(options);
    // PennyLane's TorchLayer default: uniform in [0, 2π)
    this.weights = this.registerParameter(
      'weights',
      tidy(() => noGrad(() => uniformTensor([this.circuit.nWeights], Math.PI).add(Math.PI))),
    );
  }

  forward(z: Tensor): Tensor {
    const [B, n] = z.shape;
    if (z.shape.length !== 2 || n !== this.circuit.nInputs)
      throw new Error(`QuantumLayer expects B×${this.circuit.nInputs} angles, got [${z.shape.join(', ')}]`);
    const c = this.circuit;
    const weights = () => Float64Array.from(this.weights.toFloat32Array());
    const evaluator = this.options.evaluator ?? exactEvaluator;
    const mode = this.options.gradient ?? (this.options.evaluator ? 'parameter-shift' : 'adjoint');
    let lastInputs = new Float64Array(0);
    const fn = new ExternalFunction({
      params: [this.weights],
      forward: (input) => {
        lastInputs = Float64Array.from(input);
        const e = evaluator(c, lastInputs, weights(), B);
        return { output: Float32Array.from(e), outputShape: [B, c.nQubits] };
      },
      vjp: (g) => {
        const cot = Float64Array.from(g);
        const r =
          mode === 'adjoint'
            ? adjointVjp(c, lastInputs, weights(), cot, B)
            : paramShiftVjp(c, lastInputs, weights(), cot, evaluator, B);
        return {
          gradInput: Float32Array.from(r.gradInputs),
          gradParams: [Float32Array.from(r.gradWeights)],
        };
      },
    });
    return fn.forward(z);
  }
}
