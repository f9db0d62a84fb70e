/**
 * Exact Shapley values from all 2ⁿ coalition values (n ≤ 20):
 * φ_i = Σ_{S ⊆ N∖i} |S|!(n−|S|−1)!/n! · (v(S∪i) − v(S)). Coalition S is the bit mask with bit i set
 * when player i is present. Additivity holds to rounding.
 */
export function shapleyWeights(n: number): Float64Array {
  // w[s] = s!(n−s−1)!/n!
  const w = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let v = 1 / n;
    // 1/(n·C(n−1, s))
    for (let k = 1; k <= s; k++) v *= k / (n - k);
    w[s] = v;
  }
  return w;
}

export function popcount(m: number): number {
  let c = 0;
  while (m) {
    m &= m - 1;
    c++;
  }
  return c;
}

/** values: 2ⁿ×C (row = coalition mask) → φ as C×n. */
export function exactShapleyFromValues(values: Float64Array, n: number, C: number): Float64Array {
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new RangeError(`exact Shapley: n must be 1..20, got ${n}`);
  if (values.length !== (1 << n) * C)
    throw new RangeError(`exact Shapley: expected 2^${n}×${C} values, got ${values.length}`);
  const w = shapleyWeights(n);
  const phi = new Float64Array(C * n);
  for (let m = 0; m < 1 << n; m++) {
    const s = popcount(m);
    for (let i = 0; i < n; i++) {
      if (m & (1 << i)) continue;
      const mi = m | (1 << i);
      for (let c = 0; c < C; c++) phi[c * n + i] += w[s] * (values[mi * C + c] - values[m * C + c]);
    }
  }
  return phi;
}
