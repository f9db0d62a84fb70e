/**
 * Functions computed outside libtorch (the quantum circuit, simulated in TypeScript) as real autograd
 * nodes. `applyExternal` wraps values the caller computed from z as a tensor whose backward is a
 * libtorch node (native/src/external.cc): `loss.backward()` calls `vjp(∂loss/∂output)` synchronously
 * on this thread and routes its results into z's graph and into the parameters' .grad (accumulated
 * like any other gradient). No protocol is asked of the callers.
 *
 * Device: the output is made on the CPU and moved to z's device, so the vjp always receives and
 * returns plain CPU arrays; the gradients go back to each input's device.
 */
import { native } from './native.js';
import { Tensor, type Shape } from './tensor.js';

export interface ExternalVjp {
  /** ∂loss/∂input, z's shape. */
  gradInput: Float32Array;
  /** ∂loss/∂param, one array per parameter given to applyExternal, in its order and shapes. */
  gradParams?: Float32Array[];
}

export function applyExternal(
  z: Tensor,
  params: readonly Tensor[],
  output: Float32Array,
  outputShape: Shape,
  vjp: (gradOutput: Float32Array) => ExternalVjp,
): Tensor {
  const call = (g: Float32Array): { gradInput: Float32Array; gradParams: Float32Array[] } => {
    const r = vjp(g);
    return { gradInput: r.gradInput, gradParams: r.gradParams ?? [] };
  };
  return new Tensor(
    native.externalApply(
      z.handle,
      params.map((p) => p.handle),
      output,
      [...outputShape],
      call,
    ),
  );
}
