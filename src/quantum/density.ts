/**
 * Batched density-matrix simulator (1 to 8 qubits, float64). ρ is stored row-major as a 2n-qubit
 * "state": entry ρ[r][c] of sample b sits at b·4ⁿ + r·2ⁿ + c, so ρ → UρU† is (U ⊗ U*) applied to
 * vec ρ: the statevector kernels act with U on the row wires (0..n−1) and with U* on the column
 * wires (n..2n−1). A Kraus channel ρ → Σ K ρ K† is the sum of (K ⊗ K*) vec ρ over its operators.
 * Readout error acts on the measured distribution; finite shots sample it with a seeded RNG.
 */
import { MAX_QUBITS_DENSITY, type Circuit } from './circuit.js';
import { krausOperators, type ChannelSpec, type Kraus2 } from './channels/index.js';
import { channelsAfter, readoutFor, type NoiseModel } from './noise-model.js';
import {
  Scratch,
  applyPrim,
  applyRotFused,
  checkParams,
  validateCircuit,
  type State,
} from './statevector.js';
import { Rng } from '../util/rng.js';

export function zeroDensity(n: number, batch: number): State {
  if (!Number.isInteger(n) || n < 1 || n > MAX_QUBITS_DENSITY)
    throw new RangeError(
      `qubits: the density-matrix simulator takes 1 to ${MAX_QUBITS_DENSITY} qubits, got ${n}`,
    );
  const size = 1 << (2 * n);
  const re = new Float64Array(batch * size);
  const im = new Float64Array(batch * size);
  for (let b = 0; b < batch; b++) re[b * size] = 1;
  return { n: 2 * n, batch, re, im };
}

/**
 * The channel's superoperator on one qubit's 2×2 block: S[(i,j),(k,l)] = Σ_K K[i][k]·conj(K[j][l]),
 * 4×4 complex, row-major over (i,j) ∈ {00, 01, 10, 11}.
 */
export function superoperator(kraus: readonly Kraus2[]): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(16);
  const im = new Float64Array(16);
  for (const K of kraus) {
    const kr = (i: number, k: number) => K[(i * 2 + k) * 2];
    const ki = (i: number, k: number) => K[(i * 2 + k) * 2 + 1];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let k = 0; k < 2; k++)
          for (let l = 0; l < 2; l++) {
            // K[i][k] · conj(K[j][l])
            const ar = kr(i, k),
              ai = ki(i, k),
              br = kr(j, l),
              bi = -ki(j, l);
            re[(i * 2 + j) * 4 + k * 2 + l] += ar * br - ai * bi;
            im[(i * 2 + j) * 4 + k * 2 + l] += ar * bi + ai * br;
          }
  }
  return { re, im };
}

/** ρ → Σ_i K_i ρ K_i† on qubit `wire` of an n-qubit density state, in one pass over 2×2 blocks. */
export function applyChannel(
  rho: State,
  n: number,
  wire: number,
  kraus: readonly Kraus2[] | { re: Float64Array; im: Float64Array },
): void {
  const S = Array.isArray(kraus) ? superoperator(kraus) : (kraus as { re: Float64Array; im: Float64Array });
  const rowMask = 1 << (2 * n - 1 - wire);
  const colMask = 1 << (n - 1 - wire);
  const size = 1 << (2 * n);
  const { re, im } = rho;
  const m = S.re;
  const realOnly = S.im.every((v) => v === 0);
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15] = m;
  const q = S.im;
  for (let base = 0; base < re.length; base += size)
    for (let a = 0; a < size; a += 2 * rowMask)
      for (let b = a; b < a + rowMask; b += 2 * colMask)
        for (let k = b; k < b + colMask; k++) {
          const i0 = base + k;
          const i1 = i0 + colMask;
          const i2 = i0 + rowMask;
          const i3 = i2 + colMask;
          const a0 = re[i0],
            a1 = re[i1],
            a2 = re[i2],
            a3 = re[i3];
          const b0 = im[i0],
            b1 = im[i1],
            b2 = im[i2],
            b3 = im[i3];
          re[i0] = m0 * a0 + m1 * a1 + m2 * a2 + m3 * a3;
          re[i1] = m4 * a0 + m5 * a1 + m6 * a2 + m7 * a3;
          re[i2] = m8 * a0 + m9 * a1 + m10 * a2 + m11 * a3;
          re[i3] = m12 * a0 + m13 * a1 + m14 * a2 + m15 * a3;
          im[i0] = m0 * b0 + m1 * b1 + m2 * b2 + m3 * b3;
          im[i1] = m4 * b0 + m5 * b1 + m6 * b2 + m7 * b3;
          im[i2] = m8 * b0 + m9 * b1 + m10 * b2 + m11 * b3;
          im[i3] = m12 * b0 + m13 * b1 + m14 * b2 + m15 * b3;
          if (!realOnly) {
            re[i0] -= q[0] * b0 + q[1] * b1 + q[2] * b2 + q[3] * b3;
            re[i1] -= q[4] * b0 + q[5] * b1 + q[6] * b2 + q[7] * b3;
            re[i2] -= q[8] * b0 + q[9] * b1 + q[10] * b2 + q[11] * b3;
            re[i3] -= q[12] * b0 + q[13] * b1 + q[14] * b2 + q[15] * b3;
            im[i0] += q[0] * a0 + q[1] * a1 + q[2] * a2 + q[3] * a3;
            im[i1] += q[4] * a0 + q[5] * a1 + q[6] * a2 + q[7] * a3;
            im[i2] += q[8] * a0 + q[9] * a1 + q[10] * a2 + q[11] * a3;
            im[i3] += q[12] * a0 + q[13] * a1 + q[14] * a2 + q[15] * a3;
          }
        }
}

const krausCache = new Map<string, { re: Float64Array; im: Float64Array }>();
function cachedKraus(c: ChannelSpec): { re: Float64Array; im: Float64Array } {
  const key = `${c.channel}|${c.p}|${c.t1}|${c.t2}|${c.time}`;
  let k = krausCache.get(key);
  if (!k) {
    k = superoperator(krausOperators(c));
    if (krausCache.size > 1000) krausCache.clear();
    krausCache.set(key, k);
  }
  return k;
}

/** Runs the circuit on |0…0⟩⟨0…0| with the noise model's channels after gates. */
export function runDensity(
  c: Circuit,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  noise?: NoiseModel,
  batch?: number,
): State {
  validateCircuit(c);
  const B = checkParams(c, inputs, weights, batch);
  const n = c.nQubits;
  const rho = zeroDensity(n, B);
  const scratch = new Scratch(B);
  c.ops.forEach((op, i) => {
    if (op.gate === 'Rot') {
      applyRotFused(rho, op, inputs, weights, c.nInputs, scratch);
      applyRotFused(rho, op, inputs, weights, c.nInputs, scratch, true, n);
    } else {
      const prim = { gate: op.gate, wires: op.wires, param: op.params[0], source: i, slot: 0 };
      applyPrim(rho, prim, inputs, weights, c.nInputs, scratch);
      applyPrim(
        rho,
        { ...prim, wires: op.wires.map((w) => w + n) },
        inputs,
        weights,
        c.nInputs,
        scratch,
        false,
        true,
      );
    }
    if (noise)
      for (const { wire, channel } of channelsAfter(noise, op.gate, op.wires))
        applyChannel(rho, n, wire, cachedKraus(channel));
  });
  return rho;
}

/** Diagonal of ρ: basis-state probabilities, B×2ⁿ. */
export function densityProbabilities(rho: State): Float64Array {
  const n = rho.n / 2;
  const dim = 1 << n;
  const out = new Float64Array(rho.batch * dim);
  for (let b = 0; b < rho.batch; b++)
    for (let k = 0; k < dim; k++) out[b * dim + k] = rho.re[b * dim * dim + k * dim + k];
  return out;
}

export function densityTrace(rho: State): Float64Array {
  const p = densityProbabilities(rho);
  const dim = 1 << (rho.n / 2);
  return Float64Array.from({ length: rho.batch }, (_, b) =>
    p.subarray(b * dim, (b + 1) * dim).reduce((a, v) => a + v, 0),
  );
}

/** Applies per-qubit readout confusion ([p01, p10] per qubit) to B×2ⁿ distributions. */
export function applyReadout(
  probs: Float64Array,
  n: number,
  confusion: readonly [number, number][],
): Float64Array {
  const dim = 1 << n;
  let cur = Float64Array.from(probs);
  for (let q = 0; q < n; q++) {
    const [p01, p10] = confusion[q];
    const mask = 1 << (n - 1 - q);
    const next = new Float64Array(cur.length);
    for (let base = 0; base < cur.length; base += dim)
      for (let k = 0; k < dim; k++) {
        if (k & mask) continue;
        const p0 = cur[base + k];
        const p1 = cur[base + k + mask];
        next[base + k] = (1 - p01) * p0 + p10 * p1;
        next[base + k + mask] = p01 * p0 + (1 - p10) * p1;
      }
    cur = next;
  }
  return cur;
}

/** ⟨Z_w⟩ per wire from B×2ⁿ distributions. */
export function expvalZFromProbs(probs: Float64Array, n: number): Float64Array {
  const dim = 1 << n;
  const B = probs.length / dim;
  const out = new Float64Array(B * n);
  for (let b = 0; b < B; b++)
    for (let k = 0; k < dim; k++) {
      const p = probs[b * dim + k];
      for (let w = 0; w < n; w++) out[b * n + w] += k & (1 << (n - 1 - w)) ? -p : p;
    }
  return out;
}

/** Replaces each distribution by the empirical one of `shots` samples (seeded). */
export function sampleDistribution(probs: Float64Array, n: number, shots: number, rng: Rng): Float64Array {
  if (!Number.isInteger(shots) || shots < 1)
    throw new RangeError(`shots: must be a positive integer, got ${shots}`);
  const dim = 1 << n;
  const out = new Float64Array(probs.length);
  const cdf = new Float64Array(dim);
  for (let base = 0; base < probs.length; base += dim) {
    let acc = 0;
    for (let k = 0; k < dim; k++) cdf[k] = acc += Math.max(0, probs[base + k]);
    for (let s = 0; s < shots; s++) {
      const u = rng.next() * acc;
      let lo = 0;
      let hi = dim - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      out[base + lo] += 1 / shots;
    }
  }
  return out;
}

export interface NoisyOptions {
  noise?: NoiseModel;
  shots?: number;
  seed?: number;
}

/**
 * ⟨Z⟩ per wire (B×n) under a noise model, readout error and finite shots. This is an Evaluator for
 * paramShiftVjp: pass `(c, x, w, B) => evaluateNoisy(c, x, w, opts, B)`.
 */
export function evaluateNoisy(
  c: Circuit,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  o: NoisyOptions = {},
  batch?: number,
): Float64Array {
  const rho = runDensity(c, inputs, weights, o.noise, batch);
  const n = c.nQubits;
  let probs = densityProbabilities(rho);
  const ro = readoutFor(o.noise, n);
  if (ro) probs = applyReadout(probs, n, ro);
  if (o.shots !== undefined && o.shots !== null)
    probs = sampleDistribution(probs, n, o.shots, new Rng(o.seed ?? 0));
  return expvalZFromProbs(probs, n);
}
