/**
 * The weighted Gram matrix Σ_r w_r·1[idx_r]·1[idx_r]ᵀ of Kernel SHAP's coalition rows (their sparse
 * sides as indicator vectors), the d×d normal matrix of its regression, in float64 (the lower
 * triangle is filled). Rows that share one weight (every sampled coalition of shap's scheme does) are
 * counted by one float32 GEMM of their 0/1 indicator matrix through libtorch: every product and
 * partial sum is an integer below 2^24, so float32 counts exactly whatever the BLAS's summation order,
 * and the counts are scaled by the weight in float64. Small groups (and small d) are scattered
 * directly, which is cheaper there.
 */
import { Tensor, tidy } from '../engine/index.js';

/** Below these sizes the direct scatter is cheaper than building the indicator matrix. */
const GEMM_MIN_D = 128;
const GEMM_MIN_ROWS = 32;
/** float32 counts exactly up to 2^24 */
const GEMM_MAX_ROWS = 2 ** 24;

export function coalitionGram(d: number, rows: Iterable<readonly [Int32Array, number]>): Float64Array {
  const a = new Float64Array(d * d);
  const groups = new Map<number, Int32Array[]>();
  for (const [idx, w] of rows) {
    let g = groups.get(w);
    if (!g) groups.set(w, (g = []));
    g.push(idx);
  }
  for (const [w, list] of groups) {
    if (d >= GEMM_MIN_D && list.length >= GEMM_MIN_ROWS && list.length < GEMM_MAX_ROWS)
      addCounts(a, d, list, w);
    else
      for (const idx of list)
        for (let p = 0; p < idx.length; p++) {
          const ri = idx[p] * d;
          for (let q = 0; q <= p; q++) a[ri + idx[q]] += w;
        }
  }
  return a;
}

function addCounts(a: Float64Array, d: number, list: readonly Int32Array[], w: number): void {
  const R = list.length;
  const s = new Float32Array(R * d);
  list.forEach((idx, r) => {
    for (const i of idx) s[r * d + i] = 1;
  });
  const counts = tidy(() => {
    const t = Tensor.from(s, [R, d]);
    return t.transpose(0, 1).matmul(t).toFloat32Array();
  });
  for (let i = 0; i < d; i++) {
    const o = i * d;
    for (let j = 0; j <= i; j++) a[o + j] += w * counts[o + j];
  }
}
