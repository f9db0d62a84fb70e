/**
 * What a circuit template is: one object per template (src/quantum/templates/<name>.ts) with its
 * name, a label, the shape of its weights and the ops of one layer. The registry (index.ts) lists them.
 */
import type { Op } from '../circuit.js';

export type Rotation = 'X' | 'Y' | 'Z';

export interface CircuitTemplate<N extends string = string> {
  /** the name used in configs, specs and exported heads */
  name: N;
  /** one line for help texts and reports */
  label: string;
  /** the shape of the template's weights for `layers` layers on `qubits` wires (row-major) */
  weightShape(layers: number, qubits: number): number[];
  /** the ops of layer `layer` on `n` wires, its weights read from `weightOffset` on */
  layer(n: number, layer: number, weightOffset: number): Op[];
}

/** A template, its name kept as a literal type (so the registry yields the `TemplateName` union). */
export const defineTemplate = <const N extends string>(t: CircuitTemplate<N>): CircuitTemplate<N> => t;

/** AngleEmbedding(features, wires, rotation): R_rot(x_i) on wire i. */
export function angleEmbedding(n: number, rotation: Rotation = 'X'): Op[] {
  return Array.from({ length: n }, (_, i) => ({
    gate: `R${rotation}` as 'RX',
    wires: [i],
    params: [{ kind: 'input' as const, index: i }],
  }));
}
