/**
 * BasicEntanglerLayers (PennyLane), weights L×n, rotation RX: per layer R(w[l][i]) on every wire,
 * then a ring of CNOTs — none for n = 1, a single CNOT(0,1) for n = 2, CNOT(i, i+1 mod n) for n > 2.
 */
import type { Op } from '../circuit.js';
import { defineTemplate, type Rotation } from './template.js';

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

export const basic = defineTemplate({
  name: 'basic',
  label: 'BasicEntanglerLayers: RX on every wire, then a CNOT ring',
  weightShape: (layers, qubits) => [layers, qubits],
  layer: (n, layer, offset) => basicEntanglerLayer(n, layer, offset),
});
