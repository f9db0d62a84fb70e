/**
 * Circuit templates with PennyLane's conventions and weight shapes:
 *   AngleEmbedding(features, wires, rotation='X'): R_rot(x_i) on wire i;
 *   BasicEntanglerLayers(weights L×n, rotation=RX): per layer R(w[l][i]) on every wire, then a ring
 *     of CNOTs — none for n = 1, a single CNOT(0,1) for n = 2, CNOT(i, i+1 mod n) for n > 2;
 *   StronglyEntanglingLayers(weights L×n×3): per layer Rot(w[l][i][0..2]) on every wire, then for
 *     n > 1 CNOT(i, (i + r) mod n) with range r = (l mod (n−1)) + 1.
 * Weights are flattened row-major in the circuit's weight vector.
 */
import type { Circuit, Op } from './circuit.js';

export type Rotation = 'X' | 'Y' | 'Z';
export type TemplateName = 'strong' | 'basic';

export interface HeadCircuitConfig {
  qubits: number;
  layers: number;
  template?: TemplateName;
  embedding?: Rotation;
  /** repeat the embedding before every layer (data re-uploading) */
  reupload?: boolean;
}

export function angleEmbedding(n: number, rotation: Rotation = 'X'): Op[] {
  return Array.from({ length: n }, (_, i) => ({
    gate: `R${rotation}` as 'RX',
    wires: [i],
    params: [{ kind: 'input' as const, index: i }],
  }));
}

export function basicEntanglerLayer(
  n: number,
  layer: number,
  weightOffset: number,
  rotation: Rotation = 'X',
): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < n; i++)
    ops.push({
      gate: `R${rotation}` as 'RX',
      wires: [i],
      params: [{ kind: 'weight', index: weightOffset + layer * n + i }],
    });
  if (n === 2) ops.push({ gate: 'CNOT', wires: [0, 1], params: [] });
  else if (n > 2) for (let i = 0; i < n; i++) ops.push({ gate: 'CNOT', wires: [i, (i + 1) % n], params: [] });
  return ops;
}

export function stronglyEntanglingLayer(n: number, layer: number, weightOffset: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < n; i++) {
    const k = weightOffset + (layer * n + i) * 3;
    ops.push({
      gate: 'Rot',
      wires: [i],
      params: [
        { kind: 'weight', index: k },
        { kind: 'weight', index: k + 1 },
        { kind: 'weight', index: k + 2 },
      ],
    });
  }
  if (n > 1) {
    const r = (layer % (n - 1)) + 1;
    for (let i = 0; i < n; i++) ops.push({ gate: 'CNOT', wires: [i, (i + r) % n], params: [] });
  }
  return ops;
}

/** Weight shape of a template. */
export function weightShape(template: TemplateName, layers: number, qubits: number): number[] {
  return template === 'strong' ? [layers, qubits, 3] : [layers, qubits];
}

/** The head circuit: AngleEmbedding then the entangling template (embedding before every layer with re-uploading). */
export function headCircuit(cfg: HeadCircuitConfig): Circuit {
  const { qubits: n, layers } = cfg;
  const template = cfg.template ?? 'strong';
  const emb = cfg.embedding ?? 'X';
  if (!Number.isInteger(n) || n < 1 || n > 12)
    throw new RangeError(`qubits: must be an integer in [1, 12], got ${n}`);
  if (!Number.isInteger(layers) || layers < 1 || layers > 100)
    throw new RangeError(`layers: must be an integer in [1, 100], got ${layers}`);
  if (template !== 'strong' && template !== 'basic')
    throw new Error(`template: must be "strong" or "basic", got ${JSON.stringify(template)}`);
  if (!['X', 'Y', 'Z'].includes(emb))
    throw new Error(`embedding: must be "X", "Y" or "Z", got ${JSON.stringify(emb)}`);
  const ops: Op[] = [];
  for (let l = 0; l < layers; l++) {
    if (l === 0 || cfg.reupload) ops.push(...angleEmbedding(n, emb));
    ops.push(...(template === 'strong' ? stronglyEntanglingLayer(n, l, 0) : basicEntanglerLayer(n, l, 0)));
  }
  const nWeights = weightShape(template, layers, n).reduce((a, b) => a * b, 1);
  return { nQubits: n, nInputs: n, nWeights, ops };
}
