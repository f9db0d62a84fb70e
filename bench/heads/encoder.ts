/**
 * The tanh encoder of a hybrid head (its `pre` layer: the quantum head's and the bottleneck's
 * 1,024→n linear before tanh), read by the saturation benches (bench/explain/empty-cam.ts,
 * bench/heads/standardize.ts).
 */
import { Tensor, noGrad, tidy } from '../../src/engine/index.js';

/** Pre-activations u (N×n, row-major) of N feature rows of D values, or null for a head without `pre`. */
export function encoderPreActivations(
  head: object,
  x: Float32Array,
  N: number,
  D: number,
): { u: Float32Array; n: number } | null {
  // a trained hybrid head encodes with its norm (eval mode); an imported one has it folded into pre
  const h = head as { pre?: { forward(t: Tensor): Tensor }; encode?(t: Tensor): Tensor };
  if (!h.pre) return null;
  const encode = h.encode ? (t: Tensor) => h.encode!(t) : (t: Tensor) => h.pre!.forward(t);
  const u = noGrad(() => tidy(() => encode(Tensor.from(x, [N, D])).toFloat32Array()));
  return { u, n: u.length / N };
}

/** Per row: the units' pre-activations as an array. */
export const encoderRows = (e: { u: Float32Array; n: number }): number[][] =>
  Array.from({ length: e.u.length / e.n }, (_, i) => Array.from(e.u.subarray(i * e.n, (i + 1) * e.n)));

/** Per row, min_j |u_j|: how far from saturation the least saturated unit is. */
export const leastSaturated = (e: { u: Float32Array; n: number }): number[] =>
  encoderRows(e).map((row) => Math.min(...row.map(Math.abs)));
