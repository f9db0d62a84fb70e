/**
 * Parameter-shift gradients, valid with finite shots and noise because they only evaluate the
 * circuit. Every parametrised primitive gate is exp(−iθG/2) with G's eigenvalues ±1/2·2 (two-term
 * rule: ∂f = [f(θ+π/2) − f(θ−π/2)]/2; PhaseShift too), or a controlled rotation (eigenvalues
 * 0, ±1/2: four-term rule with shifts π/2 and 3π/2, Anderson/Wierichs et al.). Each gate occurrence
 * is shifted for the whole batch at once, so one shifted evaluation gives that occurrence's
 * derivative for every sample.
 */
import type { Circuit, Op, ParamRef } from './circuit.js';
import type { Vjp } from './adjoint.js';
import { expvalZ, run, vjpArgs } from './statevector.js';

/** Any circuit evaluator returning ⟨Z⟩ per wire, B×n (exact, noisy or finite-shot). */
export type Evaluator = (
  c: Circuit,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  batch: number,
) => Float64Array;

export const exactEvaluator: Evaluator = (c, inputs, weights, batch) =>
  expvalZ(run(c, inputs, weights, batch));

function withShift(c: Circuit, opIndex: number, slot: number, shift: number): Circuit {
  const ops: Op[] = c.ops.slice();
  const op = ops[opIndex];
  const params: ParamRef[] = op.params.slice();
  const p = params[slot];
  if (p.kind === 'const') throw new Error('cannot shift a constant');
  params[slot] = { ...p, offset: (p.offset ?? 0) + shift };
  ops[opIndex] = { ...op, params };
  return { ...c, ops };
}

const C_PLUS = (Math.SQRT2 + 1) / (4 * Math.SQRT2);
const C_MINUS = (Math.SQRT2 - 1) / (4 * Math.SQRT2);

/** Parameter-shift VJP for ⟨Z⟩ outputs. */
export function paramShiftVjp(
  c: Circuit,
  inputs: Float64Array | Float32Array,
  weights: Float64Array | Float32Array,
  cotangent?: Float64Array | Float32Array,
  evaluate: Evaluator = exactEvaluator,
  batch?: number,
): Vjp {
  const { B, n, cot } = vjpArgs(c, inputs, weights, cotangent, batch);
  const expval = evaluate(c, inputs, weights, B);
  const gradInputs = new Float64Array(B * c.nInputs);
  const gradWeights = new Float64Array(c.nWeights);
  const f = (opIndex: number, slot: number, s: number) =>
    evaluate(withShift(c, opIndex, slot, s), inputs, weights, B);
  c.ops.forEach((op, oi) => {
    op.params.forEach((p, slot) => {
      if (p.kind === 'const') return;
      let d: Float64Array;
      if (op.gate === 'CRX' || op.gate === 'CRY' || op.gate === 'CRZ') {
        const a = f(oi, slot, Math.PI / 2);
        const b = f(oi, slot, -Math.PI / 2);
        const e = f(oi, slot, (3 * Math.PI) / 2);
        const g = f(oi, slot, (-3 * Math.PI) / 2);
        d = a.map((v, i) => C_PLUS * (v - b[i]) - C_MINUS * (e[i] - g[i]));
      } else {
        const a = f(oi, slot, Math.PI / 2);
        const b = f(oi, slot, -Math.PI / 2);
        d = a.map((v, i) => (v - b[i]) / 2);
      }
      for (let bb = 0; bb < B; bb++) {
        let s = 0;
        for (let w = 0; w < n; w++) s += cot[bb * n + w] * d[bb * n + w];
        if (p.kind === 'input') gradInputs[bb * c.nInputs + p.index] += s;
        else gradWeights[p.index] += s;
      }
    });
  });
  return { expval, gradInputs, gradWeights };
}
