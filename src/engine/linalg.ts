/**
 * Dense float64 linear algebra on plain typed arrays through libtorch's LAPACK (no tensors kept):
 * used where a statistic needs an exact solve too large for a hand-written loop to be fast
 * (Kernel SHAP's d×d normal equations, d = 1,024) or a float64 product too large for one (Kernel SHAP's
 * masked pre-activations).
 */
import { native } from './native.js';

/**
 * Solves A·X = B for a symmetric positive definite n×n matrix A (row-major, only the lower triangle
 * is read) and C right-hand sides given as the rows of B (C×n, row-major); returns X as C×n.
 * Throws when A is not positive definite.
 */
export function choleskySolve(a: Float64Array, n: number, b: Float64Array, c: number): Float64Array {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(c) || c < 1)
    throw new RangeError(`choleskySolve: n and c must be positive integers, got ${n} and ${c}`);
  if (a.length !== n * n) throw new RangeError(`choleskySolve: a has ${a.length} values, n×n is ${n * n}`);
  if (b.length !== c * n) throw new RangeError(`choleskySolve: b has ${b.length} values, c×n is ${c * n}`);
  return native.choleskySolveF64(a, n, b, c) as Float64Array;
}

/** A·B for row-major float64 A (m×k) and B (k×n) through libtorch's BLAS; returns m×n row-major. */
export function matmulF64(a: Float64Array, m: number, k: number, b: Float64Array, n: number): Float64Array {
  for (const [name, v] of [
    ['m', m],
    ['k', k],
    ['n', n],
  ] as const)
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`matmulF64: ${name} must be a positive integer, got ${v}`);
  if (a.length !== m * k) throw new RangeError(`matmulF64: a has ${a.length} values, m×k is ${m * k}`);
  if (b.length !== k * n) throw new RangeError(`matmulF64: b has ${b.length} values, k×n is ${k * n}`);
  return native.matmulF64(a, m, k, b, n) as Float64Array;
}

/** tanh or exp of every element of a float64 array, in place, through libtorch's vectorised kernels. */
export function unaryF64InPlace(op: 'tanh' | 'exp', a: Float64Array): Float64Array {
  if (op !== 'tanh' && op !== 'exp') throw new RangeError(`unaryF64InPlace: unknown op '${String(op)}'`);
  native.unaryF64InPlace(op, a);
  return a;
}
