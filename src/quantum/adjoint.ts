/**
 * Adjoint differentiation (Jones & Gacon 2020) of ⟨Z⟩ outputs, batched: one forward sweep, one
 * backward sweep. For the cotangent c (B×n) the loss is L = Σ_b Σ_i c[b,i]·⟨Z_i⟩_b, so the
 * observable H_b = Σ_i c[b,i] Z_i is diagonal and |λ⟩ = H|ψ⟩ is cheap. Walking the primitive ops
 * backwards, for U = exp(−iθG/2): ∂L/∂θ = Im⟨λ|G|φ⟩ (φ, λ taken after U), and for PhaseShift
 * U = diag(1, e^{iθ}): ∂L/∂θ = −2·Im⟨λ|P₁|φ⟩… written below as 2·Re⟨λ| iP₁ |φ⟩.
 */
import type { Circuit } from './circuit.js';
import { Scratch, applyPrim, vjpArgs, cloneState, compile, expvalZ, run, type State } from './statevector.js';

export interface Vjp {
  /** ⟨Z⟩ per wire, B×n */
  expval: Float64Array;
  /** Σ_i c[b,i] ∂⟨Z_i⟩_b/∂inputs[b,j], B×nInputs */
  gradInputs: Float64Array;
  /** Σ_b Σ_i c[b,i] ∂⟨Z_i⟩_b/∂weights[k], nWeights */
  gradWeights: Float64Array;
}

/** Per-sample ⟨λ|G|φ⟩ style overlap where G acts on `wire` (and a control mask): returns im or re part per sample. */
function generatorOverlap(lam: State, phi: State, gate: string, wires: number[], out: Float64Array): void {
  const n = phi.n;
  const size = 1 << n;
  const controlled = gate.startsWith('C') && gate !== 'CNOT' && gate !== 'CZ';
  const t = controlled ? wires[1] : wires[0];
  const tmask = 1 << (n - 1 - t);
  const cmask = controlled ? 1 << (n - 1 - wires[0]) : 0;
  const kind = controlled ? gate.slice(1) : gate;
  const { re: lr, im: li } = lam;
  const { re: pr, im: pi } = phi;
  for (let b = 0; b < phi.batch; b++) {
    const base = b * size;
    let acc = 0;
    for (let k = 0; k < size; k++) {
      if (cmask && !(k & cmask)) continue;
      const i = base + k;
      const one = (k & tmask) !== 0;
      // (G φ)[k] for the Pauli generator; then accumulate Im(conj(λ[k]) · (Gφ)[k])
      let gr: number;
      let gi: number;
      if (kind === 'RX') {
        const j = i ^ tmask;
        gr = pr[j];
        gi = pi[j];
      } else if (kind === 'RY') {
        // Y: |0⟩ → i|1⟩, |1⟩ → −i|0⟩  ⇒ (Yφ)[k with bit 0] = −i φ[k|1], (Yφ)[k with bit 1] = i φ[k&~1]
        const j = i ^ tmask;
        if (one) {
          gr = -pi[j];
          gi = pr[j];
        } else {
          gr = pi[j];
          gi = -pr[j];
        }
      } else if (kind === 'RZ') {
        gr = one ? -pr[i] : pr[i];
        gi = one ? -pi[i] : pi[i];
      } else {
        // PhaseShift: P1 projector
        gr = one ? pr[i] : 0;
        gi = one ? pi[i] : 0;
      }
      acc += lr[i] * gi - li[i] * gr; // Im(conj(λ)·g)
    }
    out[b] = acc;
  }
}

/** Adjoint VJP for ⟨Z⟩ outputs. cotangent: B×n (defaults to all ones). */
export function adjointVjp(
  c: Circuit,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  cotangent?: Float64Array | Float32Array,
  batch?: number,
): Vjp {
  const { B, n, cot } = vjpArgs(c, inputs, weights, cotangent, batch);
  const phi = run(c, inputs, weights, B);
  const expval = expvalZ(phi);
  for (let i = 0; i < cot.length; i++)
    if (!Number.isFinite(cot[i])) throw new Error(`cotangent[${i}]: not finite`);
  // λ = H φ with H = Σ_i c_i Z_i (diagonal)
  const lam = cloneState(phi);
  const size = 1 << n;
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < size; k++) {
      let h = 0;
      for (let w = 0; w < n; w++) h += k & (1 << (n - 1 - w)) ? -cot[b * n + w] : cot[b * n + w];
      lam.re[b * size + k] *= h;
      lam.im[b * size + k] *= h;
    }
  }
  const gradInputs = new Float64Array(B * c.nInputs);
  const gradWeights = new Float64Array(c.nWeights);
  const ops = compile(c);
  const scratch = new Scratch(B);
  const ov = new Float64Array(B);
  for (let k = ops.length - 1; k >= 0; k--) {
    const op = ops[k];
    const p = op.param;
    if (p && p.kind !== 'const') {
      generatorOverlap(lam, phi, op.gate, op.wires, ov);
      // rotations: ∂L/∂θ = Im⟨λ|G|φ⟩ (from 2·Re⟨λ|−i/2·G|φ⟩); phase shift: 2·Re⟨λ|i·P₁|φ⟩ = −2·Im⟨λ|P₁|φ⟩
      const scale = op.gate === 'PhaseShift' ? -2 : 1;
      if (p.kind === 'input')
        for (let b = 0; b < B; b++) gradInputs[b * c.nInputs + p.index] += scale * ov[b];
      else {
        let s = 0;
        for (let b = 0; b < B; b++) s += ov[b];
        gradWeights[p.index] += scale * s;
      }
    }
    applyPrim(phi, op, inputs, weights, c.nInputs, scratch, true);
    applyPrim(lam, op, inputs, weights, c.nInputs, scratch, true);
  }
  return { expval, gradInputs, gradWeights };
}
