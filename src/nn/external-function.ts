/**
 * Plugging a function computed outside libtorch (the quantum circuit, simulated in TypeScript) into
 * libtorch autograd: forward computes q = f(z) in TypeScript from z's values; the result is a tensor
 * whose grad_fn is a libtorch node (engine's applyExternal), so `loss.backward()` calls the function's
 * VJP, which turns ∂loss/∂q into ∂loss/∂z and gradients for its own parameters, and continues into
 * the earlier layers in the same backward pass. Callers need no extra calls.
 */
import { Tensor, applyExternal, type ExternalVjp } from '../engine/index.js';

export type { ExternalVjp };

export interface ExternalImpl {
  /** The function's own parameters (their gradients come from vjp's gradParams, in this order). */
  params?: readonly Tensor[];
  /** outputs for inputs (row-major arrays with the given shapes). */
  forward(input: Float32Array, inputShape: number[]): { output: Float32Array; outputShape: number[] };
  /** VJP for this forward given ∂loss/∂output. */
  vjp(gradOutput: Float32Array): ExternalVjp;
}

export class ExternalFunction {
  constructor(private readonly impl: ExternalImpl) {}

  forward(z: Tensor): Tensor {
    const { output, outputShape } = this.impl.forward(z.toFloat32Array(), z.shape);
    return applyExternal(z, this.impl.params ?? [], output, outputShape, (g) => this.impl.vjp(g));
  }
}
