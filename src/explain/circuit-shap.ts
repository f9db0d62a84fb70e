/**
 * Exact Shapley values on the n inputs of the quantum circuit (the angles tanh(W·x + b)·π/2): a
 * coalition keeps the explained sample's angle on its wires and takes the background sample's
 * angle elsewhere; all 2ⁿ coalitions × background rows go through the simulator as one batched run.
 */
import { dressedAngles } from '../quantum/index.js';
import { circuitParams, circuitProbs, hasCircuit, type HeadExport } from '../heads/index.js';
import { exactShapleyFromValues } from './exact-shap.js';
import { shapResult, type ShapResult } from './shap-result.js';

export function circuitInputShap(
  head: HeadExport,
  x: ArrayLike<number>,
  background: ArrayLike<number>,
): ShapResult {
  if (!hasCircuit(head.kind))
    throw new Error(`circuit-input SHAP needs the quantum head, got '${head.kind}'`);
  const p = circuitParams(head);
  const d = p.inDim;
  const n = p.nQubits;
  const C = p.nClasses;
  if (x.length !== d)
    throw new RangeError(`SHAP: the explained sample has ${x.length} features, the head expects ${d}`);
  if (background.length === 0 || background.length % d !== 0)
    throw new RangeError(
      `SHAP: background width does not match the head: ${background.length} values is not a multiple of ${d} features`,
    );
  const nb = background.length / d;
  const ax = dressedAngles(p, Float64Array.from(x), 1);
  const ab = dressedAngles(p, Float64Array.from(background), nb);
  const M = 1 << n;
  const angles = new Float64Array(M * nb * n);
  for (let m = 0; m < M; m++)
    for (let r = 0; r < nb; r++)
      for (let q = 0; q < n; q++) angles[(m * nb + r) * n + q] = m & (1 << q) ? ax[q] : ab[r * n + q];
  const probs = circuitProbs(p, angles, M * nb);
  const values = new Float64Array(M * C);
  for (let m = 0; m < M; m++)
    for (let r = 0; r < nb; r++)
      for (let c = 0; c < C; c++) values[m * C + c] += probs[(m * nb + r) * C + c] / nb;
  const phi = exactShapleyFromValues(values, n, C);
  const base = values.slice(0, C);
  const fx = values.slice((M - 1) * C, M * C);
  return shapResult('exact', phi, base, fx, M);
}
