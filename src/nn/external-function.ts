/**
 * Plugging a function computed outside libtorch (the quantum circuit, simulated in TypeScript) into
 * libtorch autograd, in two phases:
 *   forward:  q = f(z) is computed in TypeScript from z's values and wrapped as a fresh leaf tensor
 *             with requires_grad, so the rest of the network records its graph on top of it;
 *   backward: after loss.backward(), q.grad holds ∂loss/∂q; the function's own VJP turns it into
 *             ∂loss/∂z (and gradients for its own weights, written with setGrad so a libtorch
 *             optimizer updates them), and z.backward(∂loss/∂z) continues into the earlier layers.
 */
import { Tensor, keep } from '../engine/index.js';

export interface ExternalVjp {
  /** ∂loss/∂input, same shape as the input. */
  gradInput: Float32Array;
  /** Gradients of the function's own parameters, written into these tensors' .grad (accumulated). */
  paramGrads?: { param: Tensor; grad: Float32Array }[];
}

export interface ExternalImpl {
  /** outputs for inputs (row-major arrays with the given shapes). */
  forward(input: Float32Array, inputShape: number[]): { output: Float32Array; outputShape: number[] };
  /** VJP for the last forward given ∂loss/∂output. */
  vjp(gradOutput: Float32Array): ExternalVjp;
}

export class ExternalFunction {
  private input: Tensor | null = null;
  private output: Tensor | null = null;

  constructor(private readonly impl: ExternalImpl) {}

  forward(z: Tensor): Tensor {
    const { output, outputShape } = this.impl.forward(z.toFloat32Array(), z.shape);
    const q = Tensor.from(output, outputShape);
    if (z.requiresGrad || this.hasParams()) q.setRequiresGrad(true);
    this.input = z;
    this.output = q;
    return q;
  }

  private hasParams(): boolean {
    return true;
  }

  /**
   * Call after the loss's backward(): pushes the gradient through the external function into z's
   * graph and into the function's parameters. Does nothing if the output received no gradient.
   */
  backward(): void {
    const z = this.input;
    const q = this.output;
    if (!z || !q) throw new Error('ExternalFunction.backward() called before forward()');
    const g = q.grad;
    if (!g) return;
    const vjp = this.impl.vjp(g.toFloat32Array());
    g.dispose();
    for (const { param, grad } of vjp.paramGrads ?? []) {
      const prev = param.grad;
      const add = Tensor.from(grad, param.shape);
      const total = prev ? prev.add(add) : add;
      param.setGrad(total);
      if (prev) {
        prev.dispose();
        total.dispose();
      }
      add.dispose();
    }
    if (z.requiresGrad) {
      const gz = keep(Tensor.from(vjp.gradInput, z.shape));
      z.backward(gz);
      gz.dispose();
    }
    this.input = null;
    this.output = null;
  }
}
