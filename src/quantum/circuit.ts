/**
 * Circuit intermediate representation shared by every simulator in src/quantum/ (statevector,
 * density matrix) and by the drawers and exporters. A circuit is a flat list of gate operations;
 * each gate parameter refers to a per-sample input, a shared trainable weight, or a constant.
 */

export const ONE_QUBIT_GATES = ['RX', 'RY', 'RZ', 'PhaseShift', 'Rot', 'H', 'X', 'Y', 'Z', 'S', 'T'] as const;
export const TWO_QUBIT_GATES = ['CNOT', 'CZ', 'CRX', 'CRY', 'CRZ', 'SWAP'] as const;
export type OneQubitGate = (typeof ONE_QUBIT_GATES)[number];
export type TwoQubitGate = (typeof TWO_QUBIT_GATES)[number];
export type GateName = OneQubitGate | TwoQubitGate;

/** Number of real parameters each gate takes. */
export const GATE_PARAM_COUNT: Record<GateName, number> = {
  RX: 1,
  RY: 1,
  RZ: 1,
  PhaseShift: 1,
  Rot: 3,
  H: 0,
  X: 0,
  Y: 0,
  Z: 0,
  S: 0,
  T: 0,
  CNOT: 0,
  CZ: 0,
  CRX: 1,
  CRY: 1,
  CRZ: 1,
  SWAP: 0,
};

/** Where a gate parameter's value comes from. */
export type ParamRef =
  | { kind: 'input'; index: number; offset?: number } // per sample: inputs[b][index] + offset
  | { kind: 'weight'; index: number; offset?: number } // shared: weights[index] + offset (flat, row-major)
  | { kind: 'const'; value: number };

export interface Op {
  gate: GateName;
  /** Wires the gate acts on; for controlled gates wires[0] is the control. */
  wires: number[];
  params: ParamRef[];
}

export interface Circuit {
  nQubits: number;
  /** Number of per-sample inputs (columns of the B×nInputs input matrix). */
  nInputs: number;
  /** Number of shared weights (length of the flat weight vector). */
  nWeights: number;
  ops: Op[];
}

export const MIN_QUBITS = 1;
export const MAX_QUBITS_STATEVECTOR = 12;
export const MAX_QUBITS_DENSITY = 8;

export function isTwoQubitGate(g: GateName): g is TwoQubitGate {
  return (TWO_QUBIT_GATES as readonly string[]).includes(g);
}
