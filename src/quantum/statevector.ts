/**
 * Batched statevector simulator, float64. A batch of B states of n qubits is two Float64Arrays
 * (real, imaginary) of length B·2ⁿ, sample-major: amplitude k of sample b sits at b·2ⁿ + k.
 * Wire 0 is the most significant bit of k (PennyLane's ordering: |q0 q1 … q(n−1)⟩).
 *
 * Rot(φ, θ, ω) is compiled into RZ(φ), RY(θ), RZ(ω) on the same wire; every parametrised gate is
 * then a rotation exp(−iθG/2) (G a Pauli, possibly controlled) or a phase shift, which is what the
 * adjoint method and the parameter-shift rule need.
 */
import {
  GATE_PARAM_COUNT,
  MAX_QUBITS_STATEVECTOR,
  type Circuit,
  type GateName,
  type Op,
  type ParamRef,
} from './circuit.js';

export interface State {
  n: number;
  batch: number;
  re: Float64Array;
  im: Float64Array;
}

/** A primitive operation after compilation (Rot expanded). */
export interface PrimOp {
  gate: Exclude<GateName, 'Rot'>;
  wires: number[];
  param?: ParamRef;
  /** index of the source op in circuit.ops, and the parameter slot within it */
  source: number;
  slot: number;
}

export function compile(c: Circuit): PrimOp[] {
  const out: PrimOp[] = [];
  c.ops.forEach((op, source) => {
    if (op.gate === 'Rot') {
      const [w] = op.wires;
      out.push({ gate: 'RZ', wires: [w], param: op.params[0], source, slot: 0 });
      out.push({ gate: 'RY', wires: [w], param: op.params[1], source, slot: 1 });
      out.push({ gate: 'RZ', wires: [w], param: op.params[2], source, slot: 2 });
    } else {
      out.push({ gate: op.gate, wires: op.wires, param: op.params[0], source, slot: 0 });
    }
  });
  return out;
}

export function validateCircuit(c: Circuit): void {
  if (!Number.isInteger(c.nQubits) || c.nQubits < 1 || c.nQubits > MAX_QUBITS_STATEVECTOR)
    throw new RangeError(`qubits: must be an integer in [1, ${MAX_QUBITS_STATEVECTOR}], got ${c.nQubits}`);
  c.ops.forEach((op, i) => {
    const need = GATE_PARAM_COUNT[op.gate];
    if (need === undefined) throw new Error(`ops[${i}]: unknown gate '${op.gate}'`);
    if (op.params.length !== need)
      throw new Error(`ops[${i}] (${op.gate}): expects ${need} parameters, got ${op.params.length}`);
    const arity = ['CNOT', 'CZ', 'CRX', 'CRY', 'CRZ', 'SWAP'].includes(op.gate) ? 2 : 1;
    if (op.wires.length !== arity)
      throw new Error(`ops[${i}] (${op.gate}): expects ${arity} wires, got ${op.wires.length}`);
    for (const w of op.wires)
      if (!Number.isInteger(w) || w < 0 || w >= c.nQubits)
        throw new RangeError(`ops[${i}] (${op.gate}): wire ${w} out of range`);
    if (arity === 2 && op.wires[0] === op.wires[1])
      throw new Error(`ops[${i}] (${op.gate}): wires must differ`);
    for (const p of op.params) {
      if (p.kind === 'input' && !(p.index >= 0 && p.index < c.nInputs))
        throw new RangeError(`ops[${i}]: input index ${p.index} out of range`);
      if (p.kind === 'weight' && !(p.index >= 0 && p.index < c.nWeights))
        throw new RangeError(`ops[${i}]: weight index ${p.index} out of range`);
      if (p.kind === 'const' && !Number.isFinite(p.value))
        throw new Error(`ops[${i}]: constant parameter is not finite`);
    }
  });
}

export function zeroState(n: number, batch: number): State {
  const size = 1 << n;
  const re = new Float64Array(batch * size);
  const im = new Float64Array(batch * size);
  for (let b = 0; b < batch; b++) re[b * size] = 1;
  return { n, batch, re, im };
}

export function cloneState(s: State): State {
  return { n: s.n, batch: s.batch, re: Float64Array.from(s.re), im: Float64Array.from(s.im) };
}

/**
 * A VJP's arguments checked (the circuit, inputs and weights, the cotangent's length B×n): the batch
 * B, the qubits n and the cotangent (all ones when absent). Adjoint and parameter shift share it.
 */
export function vjpArgs(
  c: Circuit,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  cotangent: Float64Array | Float32Array | undefined,
  batch: number | undefined,
): { B: number; n: number; cot: Float64Array | Float32Array } {
  validateCircuit(c);
  const B = checkParams(c, inputs, weights, batch);
  const n = c.nQubits;
  if (cotangent && cotangent.length !== B * n)
    throw new RangeError(`cotangent: expected B×${n} = ${B * n} values, got ${cotangent.length}`);
  return { B, n, cot: cotangent ?? new Float64Array(B * n).fill(1) };
}

/** Checks inputs (B×nInputs) and weights for shape and finiteness; returns B. */
export function checkParams(
  c: Circuit,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  batch?: number,
): number {
  if (weights.length !== c.nWeights)
    throw new RangeError(`weights: expected ${c.nWeights} values, got ${weights.length}`);
  for (let i = 0; i < weights.length; i++)
    if (!Number.isFinite(weights[i])) throw new Error(`weights[${i}]: not finite (${weights[i]})`);
  const B = batch ?? (c.nInputs > 0 ? inputs.length / c.nInputs : 1);
  if (!Number.isInteger(B) || B < 1 || (c.nInputs > 0 && inputs.length !== B * c.nInputs))
    throw new RangeError(`inputs: expected B×${c.nInputs} values, got ${inputs.length}`);
  for (let i = 0; i < inputs.length; i++)
    if (!Number.isFinite(inputs[i])) throw new Error(`inputs[${i}]: not finite (${inputs[i]})`);
  return B;
}

/** Per-sample parameter values of a primitive op (length B), including any shift. */
export function paramValues(
  p: ParamRef,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  nInputs: number,
  B: number,
  out: Float64Array,
): Float64Array {
  const off = p.kind === 'const' ? 0 : (p.offset ?? 0);
  if (p.kind === 'input') for (let b = 0; b < B; b++) out[b] = inputs[b * nInputs + p.index] + off;
  else {
    const v = (p.kind === 'weight' ? weights[p.index] : p.value) + off;
    out.fill(v, 0, B);
  }
  return out;
}

// ----- kernels -----

/** Applies a per-sample (or shared, when arrays have length 1) 2×2 complex matrix on `wire`, only where `ctrl` (if ≥ 0) is 1. */
export function apply2x2(
  s: State,
  wire: number,
  ctrl: number,
  m: {
    ar: Float64Array;
    ai: Float64Array;
    br: Float64Array;
    bi: Float64Array;
    cr: Float64Array;
    ci: Float64Array;
    dr: Float64Array;
    di: Float64Array;
  },
): void {
  const size = 1 << s.n;
  const tmask = 1 << (s.n - 1 - wire);
  const cmask = ctrl >= 0 ? 1 << (s.n - 1 - ctrl) : 0;
  const shared = m.ar.length === 1;
  const { re, im } = s;
  for (let b = 0; b < s.batch; b++) {
    const j = shared ? 0 : b;
    const ar = m.ar[j],
      ai = m.ai[j],
      br = m.br[j],
      bi = m.bi[j];
    const cr = m.cr[j],
      ci = m.ci[j],
      dr = m.dr[j],
      di = m.di[j];
    const base = b * size;
    // enumerate only the indices whose target bit is 0
    for (let hi = 0; hi < size; hi += 2 * tmask)
      for (let k = hi; k < hi + tmask; k++) {
        if (cmask && !(k & cmask)) continue;
        const i0 = base + k;
        const i1 = i0 + tmask;
        const x0r = re[i0],
          x0i = im[i0],
          x1r = re[i1],
          x1i = im[i1];
        re[i0] = ar * x0r - ai * x0i + br * x1r - bi * x1i;
        im[i0] = ar * x0i + ai * x0r + br * x1i + bi * x1r;
        re[i1] = cr * x0r - ci * x0i + dr * x1r - di * x1i;
        im[i1] = cr * x0i + ci * x0r + dr * x1i + di * x1r;
      }
  }
}

function cnot(s: State, c: number, t: number): void {
  const size = 1 << s.n;
  const tmask = 1 << (s.n - 1 - t);
  const cmask = 1 << (s.n - 1 - c);
  const { re, im } = s;
  for (let b = 0; b < s.batch; b++) {
    const base = b * size;
    for (let k = 0; k < size; k++) {
      if (!(k & cmask) || k & tmask) continue;
      const i0 = base + k;
      const i1 = i0 + tmask;
      let v = re[i0];
      re[i0] = re[i1];
      re[i1] = v;
      v = im[i0];
      im[i0] = im[i1];
      im[i1] = v;
    }
  }
}

function swap(s: State, a: number, c: number): void {
  const size = 1 << s.n;
  const am = 1 << (s.n - 1 - a);
  const cm = 1 << (s.n - 1 - c);
  const { re, im } = s;
  for (let b = 0; b < s.batch; b++) {
    const base = b * size;
    for (let k = 0; k < size; k++) {
      if (!(k & am) || k & cm) continue;
      const i0 = base + k;
      const i1 = base + (k ^ am ^ cm);
      let v = re[i0];
      re[i0] = re[i1];
      re[i1] = v;
      v = im[i0];
      im[i0] = im[i1];
      im[i1] = v;
    }
  }
}

function cz(s: State, a: number, c: number): void {
  const size = 1 << s.n;
  const mask = (1 << (s.n - 1 - a)) | (1 << (s.n - 1 - c));
  for (let b = 0; b < s.batch; b++) {
    const base = b * size;
    for (let k = 0; k < size; k++)
      if ((k & mask) === mask) {
        s.re[base + k] = -s.re[base + k];
        s.im[base + k] = -s.im[base + k];
      }
  }
}

const one = (v: number) => Float64Array.of(v);
const FIXED: Record<string, [number, number, number, number, number, number, number, number]> = {
  H: [Math.SQRT1_2, 0, Math.SQRT1_2, 0, Math.SQRT1_2, 0, -Math.SQRT1_2, 0],
  X: [0, 0, 1, 0, 1, 0, 0, 0],
  Y: [0, 0, 0, -1, 0, 1, 0, 0],
  Z: [1, 0, 0, 0, 0, 0, -1, 0],
  S: [1, 0, 0, 0, 0, 0, 0, 1],
  T: [1, 0, 0, 0, 0, 0, Math.SQRT1_2, Math.SQRT1_2],
};
const FIXED_DAG: Record<string, [number, number, number, number, number, number, number, number]> = {
  ...FIXED,
  S: [1, 0, 0, 0, 0, 0, 0, -1],
  T: [1, 0, 0, 0, 0, 0, Math.SQRT1_2, -Math.SQRT1_2],
};

/** Scratch buffers for per-sample matrices. */
export class Scratch {
  readonly theta: Float64Array;
  readonly m: {
    ar: Float64Array;
    ai: Float64Array;
    br: Float64Array;
    bi: Float64Array;
    cr: Float64Array;
    ci: Float64Array;
    dr: Float64Array;
    di: Float64Array;
  };
  constructor(readonly batch: number) {
    this.theta = new Float64Array(batch);
    const f = () => new Float64Array(batch);
    this.m = { ar: f(), ai: f(), br: f(), bi: f(), cr: f(), ci: f(), dr: f(), di: f() };
  }
}

/** Fill `m` with the rotation matrix for angles θ (per sample); dagger gives the inverse. */
function rotation(
  kind: 'RX' | 'RY' | 'RZ' | 'PhaseShift',
  theta: Float64Array,
  B: number,
  dagger: boolean,
  m: Scratch['m'],
): void {
  const sgn = dagger ? -1 : 1;
  for (let b = 0; b < B; b++) {
    const t = theta[b] * sgn;
    if (kind === 'PhaseShift') {
      m.ar[b] = 1;
      m.ai[b] = 0;
      m.br[b] = 0;
      m.bi[b] = 0;
      m.cr[b] = 0;
      m.ci[b] = 0;
      m.dr[b] = Math.cos(t);
      m.di[b] = Math.sin(t);
      continue;
    }
    const c = Math.cos(t / 2);
    const s = Math.sin(t / 2);
    if (kind === 'RX') {
      m.ar[b] = c;
      m.ai[b] = 0;
      m.br[b] = 0;
      m.bi[b] = -s;
      m.cr[b] = 0;
      m.ci[b] = -s;
      m.dr[b] = c;
      m.di[b] = 0;
    } else if (kind === 'RY') {
      m.ar[b] = c;
      m.ai[b] = 0;
      m.br[b] = -s;
      m.bi[b] = 0;
      m.cr[b] = s;
      m.ci[b] = 0;
      m.dr[b] = c;
      m.di[b] = 0;
    } else {
      m.ar[b] = c;
      m.ai[b] = -s;
      m.br[b] = 0;
      m.bi[b] = 0;
      m.cr[b] = 0;
      m.ci[b] = 0;
      m.dr[b] = c;
      m.di[b] = s;
    }
  }
}

/**
 * Applies Rot(φ, θ, ω) = RZ(ω)·RY(θ)·RZ(φ) as one fused 2×2 per sample (forward-only paths):
 * [[e^{−i(φ+ω)/2}·c, −e^{i(φ−ω)/2}·s], [e^{−i(φ−ω)/2}·s, e^{i(φ+ω)/2}·c]], c = cos θ/2, s = sin θ/2.
 */
export function applyRotFused(
  s: State,
  op: Op,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  nInputs: number,
  scratch: Scratch,
  conj = false,
  wireOffset = 0,
): void {
  const B = s.batch;
  const phi = Float64Array.from(paramValues(op.params[0], inputs, weights, nInputs, B, scratch.theta));
  const th = Float64Array.from(paramValues(op.params[1], inputs, weights, nInputs, B, scratch.theta));
  const om = paramValues(op.params[2], inputs, weights, nInputs, B, scratch.theta);
  const m = scratch.m;
  const sg = conj ? -1 : 1;
  for (let b = 0; b < B; b++) {
    const c = Math.cos(th[b] / 2);
    const sn = Math.sin(th[b] / 2);
    const sum = (phi[b] + om[b]) / 2;
    const dif = (phi[b] - om[b]) / 2;
    m.ar[b] = Math.cos(sum) * c;
    m.ai[b] = -sg * Math.sin(sum) * c;
    m.br[b] = -Math.cos(dif) * sn;
    m.bi[b] = -sg * Math.sin(dif) * sn;
    m.cr[b] = Math.cos(dif) * sn;
    m.ci[b] = -sg * Math.sin(dif) * sn;
    m.dr[b] = Math.cos(sum) * c;
    m.di[b] = sg * Math.sin(sum) * c;
  }
  apply2x2(s, op.wires[0] + wireOffset, -1, m);
}

/** Apply one primitive op (or its inverse) to the state. */
export function applyPrim(
  s: State,
  op: PrimOp,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  nInputs: number,
  scratch: Scratch,
  dagger = false,
  /** apply the complex conjugate U* instead (density matrices: ρ ↦ (U ⊗ U*) vec ρ) */
  conj = false,
): void {
  const g = op.gate;
  const w = op.wires;
  switch (g) {
    case 'CNOT':
      return cnot(s, w[0], w[1]);
    case 'CZ':
      return cz(s, w[0], w[1]);
    case 'SWAP':
      return swap(s, w[0], w[1]);
    case 'H':
    case 'X':
    case 'Y':
    case 'Z':
    case 'S':
    case 'T': {
      const f = (dagger ? FIXED_DAG : FIXED)[g];
      const sg = conj ? -1 : 1;
      return apply2x2(s, w[0], -1, {
        ar: one(f[0]),
        ai: one(sg * f[1]),
        br: one(f[2]),
        bi: one(sg * f[3]),
        cr: one(f[4]),
        ci: one(sg * f[5]),
        dr: one(f[6]),
        di: one(sg * f[7]),
      });
    }
    default: {
      const B = s.batch;
      const theta = paramValues(op.param!, inputs, weights, nInputs, B, scratch.theta);
      const kind = (g.startsWith('C') ? g.slice(1) : g) as 'RX' | 'RY' | 'RZ' | 'PhaseShift';
      rotation(kind, theta, B, dagger, scratch.m);
      if (conj)
        for (const a of [scratch.m.ai, scratch.m.bi, scratch.m.ci, scratch.m.di])
          for (let b = 0; b < B; b++) a[b] = -a[b];
      if (g.startsWith('C')) apply2x2(s, w[1], w[0], scratch.m);
      else apply2x2(s, w[0], -1, scratch.m);
    }
  }
}

/** Runs the circuit on |0…0⟩ for a batch. inputs is B×nInputs (row-major). */
export function run(
  c: Circuit,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  batch?: number,
): State {
  validateCircuit(c);
  const B = checkParams(c, inputs, weights, batch);
  const s = zeroState(c.nQubits, B);
  const scratch = new Scratch(B);
  for (const op of compile(c)) applyPrim(s, op, inputs, weights, c.nInputs, scratch);
  return s;
}

/** ⟨Z_w⟩ for every wire: B×n, row-major. */
export function expvalZ(s: State): Float64Array {
  const size = 1 << s.n;
  const out = new Float64Array(s.batch * s.n);
  for (let b = 0; b < s.batch; b++) {
    const base = b * size;
    for (let k = 0; k < size; k++) {
      const p = s.re[base + k] ** 2 + s.im[base + k] ** 2;
      for (let w = 0; w < s.n; w++) out[b * s.n + w] += k & (1 << (s.n - 1 - w)) ? -p : p;
    }
  }
  return out;
}

/** Basis-state probabilities: B×2ⁿ. */
export function probabilities(s: State): Float64Array {
  const out = new Float64Array(s.re.length);
  for (let i = 0; i < out.length; i++) out[i] = s.re[i] ** 2 + s.im[i] ** 2;
  return out;
}

/** ⟨P⟩ for a Pauli word such as "XZIY" (character w acts on wire w): length B. */
export function expvalPauli(s: State, word: string): Float64Array {
  if (word.length !== s.n || !/^[IXYZ]+$/.test(word))
    throw new Error(`Pauli word must be ${s.n} characters of I, X, Y, Z, got '${word}'`);
  const t = cloneState(s);
  const scratch = new Scratch(1);
  [...word].forEach((ch, w) => {
    if (ch !== 'I')
      applyPrim(
        t,
        { gate: ch as 'X', wires: [w], source: -1, slot: 0 },
        new Float64Array(0),
        new Float64Array(0),
        0,
        scratch,
      );
  });
  const size = 1 << s.n;
  const out = new Float64Array(s.batch);
  for (let b = 0; b < s.batch; b++) {
    let acc = 0;
    for (let k = b * size; k < (b + 1) * size; k++) acc += s.re[k] * t.re[k] + s.im[k] * t.im[k];
    out[b] = acc;
  }
  return out;
}

/** Draws `shots` computational-basis samples per batch entry (bitstrings as integers, wire 0 = MSB). */
export function sampleBasis(
  probs: Float64Array,
  n: number,
  shots: number,
  rng: { next(): number },
): Int32Array[] {
  const size = 1 << n;
  const B = probs.length / size;
  const out: Int32Array[] = [];
  for (let b = 0; b < B; b++) {
    const cdf = new Float64Array(size);
    let acc = 0;
    for (let k = 0; k < size; k++) cdf[k] = acc += probs[b * size + k];
    const r = new Int32Array(shots);
    for (let i = 0; i < shots; i++) {
      const u = rng.next() * acc;
      let lo = 0;
      let hi = size - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      r[i] = lo;
    }
    out.push(r);
  }
  return out;
}
