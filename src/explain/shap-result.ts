/**
 * The result shape every SHAP method returns, built in one place (shapResult) with the additivity
 * check Σφ_c = f_c(x) − E[f_c(background)] for every class c.
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

/** A method's result from its attributions (classes×players), base and f(x): the check computed here. */
export function shapResult(
  method: ShapResult['method'],
  phi: Float64Array,
  base: ArrayLike<number>,
  fx: ArrayLike<number>,
  evaluations: number,
  stdErr?: Float64Array,
): ShapResult {
  const b = Float64Array.from(base);
  const f = Float64Array.from(fx);
  const r: ShapResult = {
    method,
    players: phi.length / b.length,
    classes: b.length,
    phi,
    base: b,
    fx: f,
    additivityError: additivityError(phi, b, f),
    evaluations,
  };
  if (stdErr) r.stdErr = stdErr;
  return r;
}

export function classPhi(r: ShapResult, c: number): Float64Array {
  if (!Number.isInteger(c) || c < 0 || c >= r.classes)
    throw new RangeError(`target class ${c} is out of range 0..${r.classes - 1}`);
  return r.phi.subarray(c * r.players, (c + 1) * r.players);
}
