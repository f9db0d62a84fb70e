/**
 * Unitary gate folding for zero-noise extrapolation: every gate G becomes G (G† G)^k, so a circuit
 * at scale factor λ = 2k + 1 (1, 3, 5, …) applies each gate λ times and, under a noise model that
 * attaches a channel after every gate, carries λ times the gate noise while computing the same
 * unitary. Inverses need negated parameters, which the circuit IR cannot express directly (a
 * parameter is input + offset or weight + offset), so the folded circuit doubles its inputs and
 * weights: columns n..2n−1 hold −x and weights m..2m−1 hold −w (`foldedParams`).
 *   RX/RY/RZ/PhaseShift/CRX/CRY/CRZ(θ)† = same gate(−θ);  Rot(φ, θ, ω)† = Rot(−ω, −θ, −φ);
 *   S† = PhaseShift(−π/2), T† = PhaseShift(−π/4); H, X, Y, Z, CNOT, CZ, SWAP are their own inverses.
 */
import type { Circuit, Op, ParamRef } from '../quantum/index.js';

export { ZNE_SCALES } from '../config/index.js';

function negate(p: ParamRef, nInputs: number, nWeights: number): ParamRef {
  if (p.kind === 'const') return { kind: 'const', value: -p.value };
  const offset = -(p.offset ?? 0);
  return p.kind === 'input'
    ? { kind: 'input', index: p.index + nInputs, offset }
    : { kind: 'weight', index: p.index + nWeights, offset };
}

/** The inverse of one gate, with parameters referring to the doubled input / weight vectors. */
export function inverseOp(op: Op, nInputs: number, nWeights: number): Op {
  const neg = (p: ParamRef) => negate(p, nInputs, nWeights);
  switch (op.gate) {
    case 'Rot':
      return {
        gate: 'Rot',
        wires: op.wires,
        params: [neg(op.params[2]), neg(op.params[1]), neg(op.params[0])],
      };
    case 'S':
      return { gate: 'PhaseShift', wires: op.wires, params: [{ kind: 'const', value: -Math.PI / 2 }] };
    case 'T':
      return { gate: 'PhaseShift', wires: op.wires, params: [{ kind: 'const', value: -Math.PI / 4 }] };
    default:
      return { gate: op.gate, wires: op.wires, params: op.params.map(neg) };
  }
}

/** The circuit with every gate folded to `scale` applications (an odd integer ≥ 1). */
export function foldCircuit(c: Circuit, scale: number): Circuit {
  if (!Number.isInteger(scale) || scale < 1 || scale % 2 !== 1)
    throw new RangeError(`scale factor: must be an odd integer ≥ 1, got ${scale}`);
  const ops: Op[] = [];
  for (const op of c.ops) {
    ops.push(op);
    if (scale === 1) continue;
    const inv = inverseOp(op, c.nInputs, c.nWeights);
    for (let k = 0; k < (scale - 1) / 2; k++) ops.push(inv, op);
  }
  return { nQubits: c.nQubits, nInputs: 2 * c.nInputs, nWeights: 2 * c.nWeights, ops };
}

/** Inputs (B×2n: x then −x per row) and weights (w then −w) for a folded circuit. */
export function foldedParams(
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  nInputs: number,
  batch: number,
): { inputs: Float64Array; weights: Float64Array } {
  const x = new Float64Array(batch * 2 * nInputs);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < nInputs; i++) {
      const v = inputs[b * nInputs + i];
      x[b * 2 * nInputs + i] = v;
      x[b * 2 * nInputs + nInputs + i] = -v;
    }
  const w = new Float64Array(2 * weights.length);
  for (let i = 0; i < weights.length; i++) {
    w[i] = weights[i];
    w[weights.length + i] = -weights[i];
  }
  return { inputs: x, weights: w };
}
