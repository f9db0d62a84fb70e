/**
 * Dense float64 linear algebra on plain typed arrays through libtorch's BLAS and LAPACK (no tensors
 * kept): used where a statistic needs an exact solve too large for a hand-written loop to be fast
 * (Kernel SHAP's d×d normal equations, d = 1,024) or a float64 product too large for one (Kernel SHAP's
 * masked pre-activations).
 */
import { native } from './native.js';

/** Index sets in compressed rows: set r is indices[offsets[r] .. offsets[r+1]), increasing. */
export interface IndexSets {
  offsets: Int32Array;
  indices: Int32Array;
}

/** Compressed rows of index sets given one array of increasing indices each. */
export function toIndexSets(sets: readonly ArrayLike<number>[]): IndexSets {
  const offsets = new Int32Array(sets.length + 1);
  sets.forEach((s, r) => (offsets[r + 1] = offsets[r] + s.length));
  const indices = new Int32Array(offsets[sets.length]);
  sets.forEach((s, r) => indices.set(s, offsets[r]));
  return { offsets, indices };
}

/** Throws unless every named size is a positive integer. */
function checkSizes(fn: string, sizes: Record<string, number>): void {
  for (const [name, v] of Object.entries(sizes))
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`${fn}: ${name} must be a positive integer, got ${v}`);
}

/**
 * The solve of Kernel SHAP's constrained regression. With Z the 0/1 indicator rows of the index sets
 * over n features, w their weights, P = I − 11ᵀ/n and M = P·ZᵀWZ·P, solves
 *   (M + (α/n)·11ᵀ + ridge·α·I) · X = B,   α = tr(M)/n (1 when that is 0),
 * for C right-hand sides given as the rows of B (C×n); returns X as C×n. ZᵀWZ is counted per run of
 * consecutive sets sharing a weight (small sets scattered, large ones by an exact float32 count GEMM,
 * so put equal weights next to each other); everything after the counts is float64. Throws when the
 * matrix is not positive definite.
 */
export function centredGramSolve(
  sets: IndexSets,
  n: number,
  w: Float64Array,
  b: Float64Array,
  c: number,
  ridge: number,
): Float64Array {
  checkSizes('centredGramSolve', { n, c });
  const r = sets.offsets.length - 1;
  if (r < 1) throw new RangeError('centredGramSolve: no index sets');
  if (w.length !== r) throw new RangeError(`centredGramSolve: w has ${w.length} values for ${r} sets`);
  if (b.length !== c * n) throw new RangeError(`centredGramSolve: b has ${b.length} values, c×n is ${c * n}`);
  return native.centredGramSolveF64(sets.offsets, sets.indices, n, w, b, c, ridge) as Float64Array;
}

/** A·B for row-major float64 A (m×k) and B (k×n) through libtorch's BLAS; returns m×n row-major. */
export function matmulF64(a: Float64Array, m: number, k: number, b: Float64Array, n: number): Float64Array {
  checkSizes('matmulF64', { m, k, n });
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
