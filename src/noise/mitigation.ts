/**
 * Error mitigation on measured data:
 *   readout-error mitigation: each qubit's 2×2 confusion matrix M_q = [[1−p01, p10], [p01, 1−p10]]
 *     (columns: true 0 / 1, rows: read 0 / 1) is inverted and the inverse tensor product applied to
 *     the measured B×2ⁿ distributions, one qubit at a time (the result may hold small negative
 *     quasi-probabilities, which is what unbiased inversion gives);
 *   zero-noise extrapolation: ⟨Z⟩ measured at noise scale factors λ (1, 3, 5 by folding) is
 *     extrapolated to λ = 0 by a least-squares line (linear) or by the polynomial through all points
 *     (Richardson: Lagrange weights at 0).
 */

/** Inverts per-qubit readout confusion ([p01, p10] per qubit) on B×2ⁿ distributions. */
export function mitigateReadout(
  probs: Float64Array,
  n: number,
  confusion: readonly [number, number][],
): Float64Array {
  if (confusion.length !== n) throw new RangeError(`readout: ${confusion.length} pairs for ${n} qubits`);
  const dim = 1 << n;
  if (probs.length % dim !== 0) throw new RangeError(`probabilities: length ${probs.length} is not B×${dim}`);
  const out = Float64Array.from(probs);
  for (let q = 0; q < n; q++) {
    const [p01, p10] = confusion[q];
    const det = 1 - p01 - p10;
    if (Math.abs(det) < 1e-9)
      throw new RangeError(`readout[${q}]: confusion matrix is singular (p01 + p10 = 1), cannot invert`);
    // inverse of [[1−p01, p10], [p01, 1−p10]]
    const a = (1 - p10) / det;
    const b = -p10 / det;
    const c = -p01 / det;
    const d = (1 - p01) / det;
    const mask = 1 << (n - 1 - q);
    for (let base = 0; base < out.length; base += dim)
      for (let k = 0; k < dim; k++) {
        if (k & mask) continue;
        const r0 = out[base + k];
        const r1 = out[base + k + mask];
        out[base + k] = a * r0 + b * r1;
        out[base + k + mask] = c * r0 + d * r1;
      }
  }
  return out;
}

function checkScales(scales: readonly number[], values: readonly ArrayLike<number>[]): number {
  if (scales.length < 2 || scales.length !== values.length)
    throw new RangeError(`extrapolation: needs ≥ 2 scale factors with one value set each`);
  if (new Set(scales).size !== scales.length)
    throw new RangeError('extrapolation: scale factors must differ');
  const len = values[0].length;
  for (const v of values)
    if (v.length !== len) throw new RangeError('extrapolation: value sets differ in length');
  return len;
}

/** Least-squares line through (λ_i, v_i), evaluated at λ = 0, element-wise over the value sets. */
export function extrapolateLinear(
  scales: readonly number[],
  values: readonly ArrayLike<number>[],
): Float64Array {
  const len = checkScales(scales, values);
  const m = scales.length;
  const mx = scales.reduce((a, b) => a + b, 0) / m;
  const sxx = scales.reduce((a, s) => a + (s - mx) ** 2, 0);
  // intercept = Σ w_i v_i with w_i = 1/m − mx (λ_i − mx) / sxx
  const w = scales.map((s) => 1 / m - (mx * (s - mx)) / sxx);
  return combine(w, values, len);
}

/** Richardson extrapolation: the degree m−1 polynomial through all m points, at λ = 0. */
export function extrapolateRichardson(
  scales: readonly number[],
  values: readonly ArrayLike<number>[],
): Float64Array {
  const len = checkScales(scales, values);
  const w = richardsonWeights(scales);
  return combine(w, values, len);
}

/** Lagrange basis weights at 0: γ_i = Π_{j≠i} λ_j / (λ_j − λ_i). For (1, 3, 5): 15/8, −5/4, 3/8. */
export function richardsonWeights(scales: readonly number[]): number[] {
  return scales.map((si, i) => scales.reduce((acc, sj, j) => (j === i ? acc : (acc * sj) / (sj - si)), 1));
}

function combine(w: readonly number[], values: readonly ArrayLike<number>[], len: number): Float64Array {
  const out = new Float64Array(len);
  for (let i = 0; i < w.length; i++) {
    const v = values[i];
    for (let k = 0; k < len; k++) out[k] += w[i] * v[k];
  }
  return out;
}

/** ⟨Z⟩ estimates are physical only in [−1, 1]; extrapolation can overshoot. */
export function clampExpvals(z: Float64Array): Float64Array {
  return z.map((v) => Math.max(-1, Math.min(1, v)));
}
