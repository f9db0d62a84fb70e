/**
 * Dense float64 linear algebra on plain typed arrays through libtorch's LAPACK (no tensors kept):
 * used where a statistic needs an exact solve too large for a hand-written loop to be fast
 * (Kernel SHAP's d×d normal equations, d = 1,024).
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
