/**
 * Kernel SHAP (Lundberg & Lee 2017) on the head's input features: coalitions drawn as the Python
 * `shap` KernelExplainer draws them (subset sizes enumerated completely while the budget allows,
 * the rest sampled by the Shapley kernel's size distribution, each sample paired with its
 * complement), then the Shapley-kernel weighted linear regression with the exact constraint
 * Σφ = f(x) − E f(bg), solved exactly (dense Cholesky of the d×d normal matrix through libtorch's
 * LAPACK, all classes on one factor; the matrix itself is counted exactly by float32 GEMMs of the
 * coalitions' 0/1 indicators, see centredGramSolve; a complement row 1 − z̄ acts on the constraint's
 * null space as −z̄, so rows stay sparse). With a budget ≥ 2^d − 2 every coalition is enumerated and
 * the result equals the exact Shapley values.
 */
import { centredGramSolve, toIndexSets } from '../engine/index.js';
import { Rng } from '../util/rng.js';
import type { Coalition, MaskedHead } from './masked-head.js';
import { shapResult, type ShapResult } from './shap-result.js';

export interface KernelShapOptions {
  /** coalitions to evaluate (default 2048) */
  nsamples?: number;
  seed?: number;
}

interface Row {
  co: Coalition;
  w: number;
}

function logBinom(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

function* combinations(d: number, s: number): Generator<Int32Array> {
  const c = Int32Array.from({ length: s }, (_, i) => i);
  while (true) {
    yield Int32Array.from(c);
    let i = s - 1;
    while (i >= 0 && c[i] === d - s + i) i--;
    if (i < 0) return;
    c[i]++;
    for (let j = i + 1; j < s; j++) c[j] = c[j - 1] + 1;
  }
}

function side(d: number, on: Int32Array): Coalition {
  if (on.length <= d / 2) return { idx: on, complement: false };
  const mark = new Uint8Array(d);
  for (const i of on) mark[i] = 1;
  const off: number[] = [];
  for (let i = 0; i < d; i++) if (!mark[i]) off.push(i);
  return { idx: Int32Array.from(off), complement: true };
}

function complementOf(d: number, co: Coalition): Coalition {
  return { idx: co.idx, complement: !co.complement };
}

/** The coalitions and kernel weights, as shap's KernelExplainer chooses them. */
export function kernelCoalitions(d: number, nsamples: number, rng: Rng): Row[] {
  if (d < 2) throw new RangeError(`Kernel SHAP needs at least 2 features, got ${d}`);
  const maxSamples = d <= 30 ? 2 ** d - 2 : Infinity;
  const budget = Math.min(nsamples, maxSamples);
  const numSizes = Math.ceil((d - 1) / 2);
  const numPaired = Math.floor((d - 1) / 2);
  const weight = Float64Array.from({ length: numSizes }, (_, i) => (d - 1) / ((i + 1) * (d - i - 1)));
  for (let i = 0; i < numPaired; i++) weight[i] *= 2;
  const tot = weight.reduce((a, b) => a + b, 0);
  for (let i = 0; i < numSizes; i++) weight[i] /= tot;
  const rows: Row[] = [];
  let left = budget;
  let full = 0;
  const remaining = Float64Array.from(weight);
  for (let s = 1; s <= numSizes; s++) {
    const paired = s <= numPaired;
    const nsub = Math.exp(logBinom(d, s)) * (paired ? 2 : 1);
    if (!((left * remaining[s - 1]) / nsub >= 1 - 1e-8)) break;
    full++;
    left -= Math.round(nsub);
    if (remaining[s - 1] < 1) {
      const r = 1 - remaining[s - 1];
      for (let i = 0; i < numSizes; i++) remaining[i] /= r;
    }
    const w = weight[s - 1] / Math.exp(logBinom(d, s)) / (paired ? 2 : 1);
    for (const on of combinations(d, s)) {
      const co = side(d, on);
      rows.push({ co, w });
      if (paired) rows.push({ co: complementOf(d, co), w });
    }
  }
  const nFixed = rows.length;
  if (full < numSizes && left > 0) {
    const rw = Float64Array.from(weight.subarray(full));
    for (let i = 0; i < rw.length; i++) if (i + full < numPaired) rw[i] /= 2;
    const cum = new Float64Array(rw.length);
    let acc = 0;
    for (let i = 0; i < rw.length; i++) cum[i] = acc += rw[i];
    // a partial Fisher–Yates shuffle of a persistent permutation draws a uniform s-subset in O(s)
    const pool = Int32Array.from({ length: d }, (_, i) => i);
    while (left > 0) {
      const u = rng.next() * acc;
      let k = 0;
      while (k < cum.length - 1 && cum[k] <= u) k++;
      const s = k + full + 1;
      for (let i = 0; i < s; i++) {
        const j = i + rng.int(d - i);
        const t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
      }
      const on = pool.slice(0, s).sort();
      const co = side(d, on);
      rows.push({ co, w: 1 });
      left--;
      if (left > 0 && s <= numPaired) {
        rows.push({ co: complementOf(d, co), w: 1 });
        left--;
      }
    }
    let wl = 0;
    for (let i = full; i < numSizes; i++) wl += weight[i];
    let ws = 0;
    for (let k = nFixed; k < rows.length; k++) ws += rows[k].w;
    for (let k = nFixed; k < rows.length; k++) rows[k].w *= wl / ws;
  }
  return rows;
}

/**
 * The constrained weighted least squares min Σ_k w_k (y_k − z_k·φ)² s.t. Σφ = Δ, for every class at
 * once. Writing z_k = c_k·1 + sign_k·1[idx_k] (c_k = 1 and sign −1 for complement rows) and
 * φ = Δ/d + u with Σu = 0, the rows act on u through their sparse side only; the normal matrix
 * P·SᵀWS·P (+ the 1·1ᵀ direction, which it annihilates, and a tiny ridge for features no coalition
 * separates) is built and Cholesky-factored once in native code (centredGramSolve).
 */
function constrainedWls(
  d: number,
  rows: readonly Row[],
  y: Float64Array /* K×C */,
  delta: Float64Array /* C */,
): Float64Array {
  const K = rows.length;
  const C = delta.length;
  // a row and its complement contribute the same sparse outer product: merge them, then order the
  // distinct sides by weight so that each weight's rows are one exact count GEMM
  const merged = new Map<Int32Array, number>();
  for (const { co, w } of rows) merged.set(co.idx, (merged.get(co.idx) ?? 0) + w);
  const sides = [...merged].sort((p, q) => p[1] - q[1]);
  const sets = toIndexSets(sides.map(([idx]) => idx));
  const w = Float64Array.from(sides, ([, wt]) => wt);
  const rhs = new Float64Array(C * d);
  const t = new Float64Array(C);
  for (let k = 0; k < K; k++) {
    const { co, w: wk } = rows[k];
    const sgn = co.complement ? -1 : 1;
    const n = co.idx.length;
    for (let c = 0; c < C; c++)
      t[c] = wk * sgn * (y[k * C + c] - (co.complement ? delta[c] : 0) - (sgn * n * delta[c]) / d);
    for (const i of co.idx) for (let c = 0; c < C; c++) rhs[c * d + i] += t[c];
  }
  for (let c = 0; c < C; c++) {
    const o = c * d;
    let m = 0;
    for (let i = 0; i < d; i++) m += rhs[o + i];
    for (let i = 0; i < d; i++) rhs[o + i] -= m / d;
  }
  let u: Float64Array;
  try {
    u = centredGramSolve(sets, d, w, rhs, C, 1e-10);
  } catch (err) {
    throw new Error(`Kernel SHAP: regression matrix is not positive definite (${(err as Error).message})`);
  }
  const phi = new Float64Array(C * d);
  for (let c = 0; c < C; c++) {
    const o = c * d;
    let mu = 0;
    for (let i = 0; i < d; i++) mu += u[o + i];
    for (let i = 0; i < d; i++) phi[o + i] = u[o + i] - mu / d + delta[c] / d;
  }
  return phi;
}

export function kernelShap(m: MaskedHead, o: KernelShapOptions = {}): ShapResult {
  const nsamples = o.nsamples ?? 2048;
  if (!Number.isInteger(nsamples) || nsamples < 2)
    throw new RangeError(`Kernel SHAP: nsamples must be an integer ≥ 2, got ${nsamples}`);
  const { d, C } = m;
  const delta = m.fx.map((f, c) => f - m.base[c]);
  // as shap does, only features whose masking can change the value take part (the others are null
  // players: φ = 0 exactly, and the remaining players' Shapley values are unchanged)
  const vary = m.varyingFeatures();
  const M = vary.length;
  const phi = new Float64Array(C * d);
  let evaluations = 1 + m.nb;
  if (M === 1) for (let c = 0; c < C; c++) phi[c * d + vary[0]] = delta[c];
  else if (M > 1) {
    const rows = kernelCoalitions(M, nsamples, new Rng(o.seed ?? 0));
    const map = new Map<Int32Array, Int32Array>();
    const real = (idx: Int32Array) => {
      let r = map.get(idx);
      if (!r) map.set(idx, (r = M === d ? idx : idx.map((i) => vary[i])));
      return r;
    };
    const v = m.values(rows.map((r) => ({ idx: real(r.co.idx), complement: r.co.complement })));
    evaluations += rows.length;
    const y = v.map((val, j) => val - m.base[j % C]);
    const sub = constrainedWls(M, rows, y, delta);
    for (let c = 0; c < C; c++) for (let k = 0; k < M; k++) phi[c * d + vary[k]] = sub[c * M + k];
  }
  return shapResult('kernel', phi, m.base, m.fx, evaluations);
}
