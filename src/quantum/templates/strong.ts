/**
 * StronglyEntanglingLayers (PennyLane), weights L×n×3: per layer Rot(w[l][i][0..2]) on every wire,
 * then for n > 1 CNOT(i, (i + r) mod n) with range r = (l mod (n−1)) + 1.
 */
import type { Op } from '../circuit.js';
import { defineTemplate } from './template.js';

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

export const strong = defineTemplate({
  name: 'strong',
  label: 'StronglyEntanglingLayers: Rot on every wire, then a CNOT ring of growing range',
  weightShape: (layers, qubits) => [layers, qubits, 3],
  layer: stronglyEntanglingLayer,
});
