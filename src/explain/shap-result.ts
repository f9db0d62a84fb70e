/**
 * The result shape every SHAP method returns, and the additivity check
 * Σφ_c = f_c(x) − E[f_c(background)] for every class c.
 */
export interface ShapResult {
  method: 'kernel' | 'permutation' | 'exact' | 'partition';
  /** number of players (features, circuit inputs, or grid cells) */
  players: number;
  classes: number;
  /** attributions, classes×players row-major (class c: phi.subarray(c·players, (c+1)·players)) */
  phi: Float64Array;
  /** E[f(background)] per class (the masked-everything value) */
  base: Float64Array;
  /** f(x) per class */
  fx: Float64Array;
  /** max over classes of |Σφ − (f(x) − base)| */
  additivityError: number;
  /** value-function evaluations (coalitions), each averaged over the background */
  evaluations: number;
  /** per-player standard error (sampled methods that can estimate it), classes×players */
  stdErr?: Float64Array;
}

export function additivityError(phi: Float64Array, base: Float64Array, fx: Float64Array): number {
  const C = base.length;
  const d = phi.length / C;
  let worst = 0;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += phi[c * d + i];
    worst = Math.max(worst, Math.abs(s - (fx[c] - base[c])));
  }
  return worst;
}

export function classPhi(r: ShapResult, c: number): Float64Array {
  if (!Number.isInteger(c) || c < 0 || c >= r.classes)
    throw new RangeError(`target class ${c} is out of range 0..${r.classes - 1}`);
  return r.phi.subarray(c * r.players, (c + 1) * r.players);
}
