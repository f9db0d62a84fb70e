/**
 * The SHAP value function on pooled features: v(S) = mean over background rows b of
 * f(x_S ∪ bg_b,rest). Because the head's first layer is linear in the mask, the pre-activation of a
 * coalition is pre(bg_b) + Σ_{i∈S} W[:,i]·(x_i − bg_b,i): the per-feature, per-background deltas are
 * precomputed once, so a coalition costs min(|S|, d−|S|) vector adds per background row (the
 * larger side is reached from pre(x) by subtraction; the large sides of a batch get their sums from
 * one float64 GEMM instead), and a whole batch of coalitions goes through the nonlinear remainder
 * (softmax, tanh layers, or one batched circuit run) at once.
 */
import { matmulF64 } from '../engine/index.js';
import type { SplitHead } from '../heads/index.js';

export interface Coalition {
  /** sorted feature indices of the smaller side */
  idx: Int32Array;
  /** true: the coalition is the complement of idx (idx are the features OFF) */
  complement: boolean;
}

/** Rows of pre-activations evaluated per call of the head's remainder. */
const CHUNK_ROWS = 8192;
/**
 * The GEMM path of values(): sides of at least GEMM_MIN_FRACTION·d (and GEMM_MIN_SIZE) features, when
 * there are GEMM_MIN_SETS of them.
 */
const GEMM_MIN_FRACTION = 1 / 16;
const GEMM_MIN_SIZE = 16;
const GEMM_MIN_SETS = 8;

export class MaskedHead {
  readonly d: number;
  readonly h: number;
  readonly C: number;
  readonly nb: number;
  /** pre(x), h */
  readonly preX: Float64Array;
  /** pre(bg_b), nb×h */
  readonly preBg: Float64Array;
  /** W[:,i]·(x_i − bg_b,i), laid out [i][b][o] */
  private readonly delta: Float64Array;
  /** f(x), C */
  readonly fx: Float64Array;
  /** E_b f(bg_b), C */
  readonly base: Float64Array;
  evaluations = 0;

  constructor(
    readonly head: SplitHead,
    x: ArrayLike<number>,
    background: ArrayLike<number>,
  ) {
    const d = head.inDim;
    if (x.length !== d)
      throw new RangeError(`SHAP: the explained sample has ${x.length} features, the head expects ${d}`);
    if (background.length === 0) throw new RangeError('SHAP: the background set is empty');
    if (background.length % d !== 0)
      throw new RangeError(
        `SHAP: background width does not match the head: ${background.length} values is not a multiple of ${d} features`,
      );
    for (let i = 0; i < x.length; i++)
      if (!Number.isFinite(x[i]))
        throw new RangeError(`SHAP: feature ${i} of the explained sample is not finite`);
    this.d = d;
    this.h = head.width;
    this.C = head.classes;
    this.nb = background.length / d;
    const { W, b, width: h } = head;
    const nb = this.nb;
    this.preX = new Float64Array(h);
    this.preBg = new Float64Array(nb * h);
    this.delta = new Float64Array(d * nb * h);
    for (let o = 0; o < h; o++) {
      let s = b[o];
      for (let i = 0; i < d; i++) s += W[o * d + i] * x[i];
      this.preX[o] = s;
    }
    for (let r = 0; r < nb; r++)
      for (let o = 0; o < h; o++) {
        let s = b[o];
        for (let i = 0; i < d; i++) {
          const g = background[r * d + i];
          if (!Number.isFinite(g))
            throw new RangeError(`SHAP: background row ${r}, feature ${i} is not finite`);
          s += W[o * d + i] * g;
          this.delta[(i * nb + r) * h + o] = W[o * d + i] * (x[i] - g);
        }
        this.preBg[r * h + o] = s;
      }
    this.fx = head.rest(Float64Array.from(this.preX), 1);
    const pb = head.rest(Float64Array.from(this.preBg), nb);
    this.base = new Float64Array(this.C);
    for (let r = 0; r < nb; r++) for (let c = 0; c < this.C; c++) this.base[c] += pb[r * this.C + c] / nb;
  }

  /** Writes the nb×h pre-activations of a coalition into out at offset. */
  preOf(co: Coalition, out: Float64Array, offset: number): void {
    const { nb, h, delta } = this;
    const n = nb * h;
    if (co.complement) for (let r = 0; r < nb; r++) out.set(this.preX, offset + r * h);
    else out.set(this.preBg, offset);
    const sign = co.complement ? -1 : 1;
    for (const i of co.idx) {
      const src = i * n;
      for (let k = 0; k < n; k++) out[offset + k] += sign * delta[src + k];
    }
  }

  /**
   * Features whose mask never changes the value (x_i equals every background value, or the first
   * layer ignores the feature): null players, whose Shapley value is exactly 0.
   */
  varyingFeatures(): Int32Array {
    const n = this.nb * this.h;
    const out: number[] = [];
    for (let i = 0; i < this.d; i++) {
      const src = i * n;
      for (let k = 0; k < n; k++)
        if (this.delta[src + k] !== 0) {
          out.push(i);
          break;
        }
    }
    return Int32Array.from(out);
  }

  /** pre of a coalition from its side's delta sum: pre(bg_b) + sum, or pre(x) − sum for a complement. */
  private preFromSum(co: Coalition, sum: Float64Array, out: Float64Array, offset: number): void {
    const { nb, h, preX, preBg } = this;
    if (co.complement)
      for (let r = 0; r < nb; r++)
        for (let o = 0; o < h; o++) out[offset + r * h + o] = preX[o] - sum[r * h + o];
    else for (let k = 0; k < nb * h; k++) out[offset + k] = preBg[k] + sum[k];
  }

  /** pre(N∖S)_b = pre(x) + pre(bg_b) − pre(S)_b, from the block of S (one pass instead of |S| adds). */
  private complementOf(block: Float64Array, from: number, to: number): void {
    const { nb, h } = this;
    for (let r = 0; r < nb; r++)
      for (let o = 0; o < h; o++)
        block[to + r * h + o] = this.preX[o] + this.preBg[r * h + o] - block[from + r * h + o];
  }

  /**
   * Σ_{i∈idx} W[:,i]·(x_i − bg_b,i) for the large index sets among the coalitions, as one float64
   * GEMM of their 0/1 indicator rows with the d×(nb·h) delta matrix: a set's row of the GEMM costs
   * about 2·d·nb·h flops at BLAS speed, its sparse adds |S|·nb·h at scalar speed, so sets of
   * GEMM_MIN_FRACTION·d features or more go to the GEMM (Kernel SHAP's sizes fall off like 1/|S|: about
   * a quarter of its sets, most of its adds). Empty when too few sets are large.
   */
  private largeSideSums(coalitions: readonly Coalition[]): Map<Int32Array, Float64Array> {
    const { d, nb, h } = this;
    const minSize = Math.max(GEMM_MIN_SIZE, Math.ceil(GEMM_MIN_FRACTION * d));
    const unique = new Map<Int32Array, number>();
    for (const co of coalitions)
      if (co.idx.length >= minSize && !unique.has(co.idx)) unique.set(co.idx, unique.size);
    const out = new Map<Int32Array, Float64Array>();
    const U = unique.size;
    if (U < GEMM_MIN_SETS) return out;
    const z = new Float64Array(U * d);
    for (const [idx, r] of unique) for (const i of idx) z[r * d + i] = 1;
    const n = nb * h;
    const sums = matmulF64(z, U, d, this.delta, n);
    for (const [idx, r] of unique) out.set(idx, sums.subarray(r * n, (r + 1) * n));
    return out;
  }

  /** v(S) for every coalition, K×C (mean over the background). */
  values(coalitions: readonly Coalition[]): Float64Array {
    const { nb, h, C } = this;
    const out = new Float64Array(coalitions.length * C);
    const per = Math.max(1, Math.floor(CHUNK_ROWS / nb));
    const sums = this.largeSideSums(coalitions);
    for (let k0 = 0; k0 < coalitions.length; k0 += per) {
      const k1 = Math.min(coalitions.length, k0 + per);
      const pre = new Float64Array((k1 - k0) * nb * h);
      for (let k = k0; k < k1; k++) {
        const co = coalitions[k];
        const prev = k > k0 ? coalitions[k - 1] : null;
        const at = (k - k0) * nb * h;
        const sum = sums.get(co.idx);
        if (sum) this.preFromSum(co, sum, pre, at);
        else if (prev && prev.idx === co.idx && prev.complement !== co.complement)
          this.complementOf(pre, at - nb * h, at);
        else this.preOf(co, pre, at);
      }
      const probs = this.head.rest(pre, (k1 - k0) * nb);
      for (let k = k0; k < k1; k++)
        for (let r = 0; r < nb; r++)
          for (let c = 0; c < C; c++) out[k * C + c] += probs[((k - k0) * nb + r) * C + c] / nb;
    }
    this.evaluations += coalitions.length;
    return out;
  }

  /** v of a batch of pre-activation rows already laid out K×nb×h (used by Permutation SHAP). */
  valuesOfPre(pre: Float64Array, K: number): Float64Array {
    const { nb, C } = this;
    const probs = this.head.rest(pre, K * nb);
    const out = new Float64Array(K * C);
    for (let k = 0; k < K; k++)
      for (let r = 0; r < nb; r++)
        for (let c = 0; c < C; c++) out[k * C + c] += probs[(k * nb + r) * C + c] / nb;
    this.evaluations += K;
    return out;
  }

  /** Adds sign·W[:,i]·(x_i − bg_b,i) for every background row to an nb×h block. */
  addFeature(i: number, block: Float64Array, offset: number, sign: number): void {
    const n = this.nb * this.h;
    const src = i * n;
    for (let k = 0; k < n; k++) block[offset + k] += sign * this.delta[src + k];
  }
}
