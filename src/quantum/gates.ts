/**
 * Dense gate matrices: one entry per gate in a lookup table (GATE_MATRICES). The simulators apply
 * gates with their own specialised kernels; these matrices are the plain reference the tests check
 * them against (test/quantum/reference.ts). A matrix is a complex d×d array, row-major, stored as separate real and imaginary Float64Arrays.
 * Two-qubit matrices use the basis |w0 w1⟩ with w0 = wires[0] (the control) as the high bit.
 * Conventions follow PennyLane: RX(θ) = exp(−iθX/2), PhaseShift(φ) = diag(1, e^{iφ}),
 * Rot(φ, θ, ω) = RZ(ω)·RY(θ)·RZ(φ).
 */
import type { GateName } from './circuit.js';

export interface CMatrix {
  dim: number;
  re: Float64Array;
  im: Float64Array;
}

function mat(dim: number, entries: Array<[number, number]>): CMatrix {
  const re = new Float64Array(dim * dim);
  const im = new Float64Array(dim * dim);
  entries.forEach(([r, i], k) => {
    re[k] = r;
    im[k] = i;
  });
  return { dim, re, im };
}

const S2 = Math.SQRT1_2;

function controlled(u: CMatrix): CMatrix {
  const out = mat(4, [
    [1, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [1, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ]);
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 2; c++) {
      out.re[(r + 2) * 4 + (c + 2)] = u.re[r * 2 + c];
      out.im[(r + 2) * 4 + (c + 2)] = u.im[r * 2 + c];
    }
  return out;
}

export function matmul(a: CMatrix, b: CMatrix): CMatrix {
  const d = a.dim;
  const re = new Float64Array(d * d);
  const im = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < d; k++) {
        const ar = a.re[i * d + k];
        const ai = a.im[i * d + k];
        const br = b.re[k * d + j];
        const bi = b.im[k * d + j];
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      re[i * d + j] = sr;
      im[i * d + j] = si;
    }
  return { dim: d, re, im };
}

type Entry = [number, number];
/** a 2×2 matrix from its entries [re, im], row-major */
const m2 = (a: Entry, b: Entry, c: Entry, d: Entry) => mat(2, [a, b, c, d]);
const cs = (t: number) => [Math.cos(t / 2), Math.sin(t / 2)];

function swap(): CMatrix {
  const m = mat(4, []);
  m.re[0] = 1;
  m.re[1 * 4 + 2] = 1;
  m.re[2 * 4 + 1] = 1;
  m.re[15] = 1;
  return m;
}

/** every gate's unitary from its parameter values (p[0] = θ; Rot takes φ, θ, ω) */
export const GATE_MATRICES: Record<GateName, (p: readonly number[]) => CMatrix> = {
  RX: ([t = 0]) => {
    const [c, s] = cs(t);
    return m2([c, 0], [0, -s], [0, -s], [c, 0]);
  },
  RY: ([t = 0]) => {
    const [c, s] = cs(t);
    return m2([c, 0], [-s, 0], [s, 0], [c, 0]);
  },
  RZ: ([t = 0]) => {
    const [c, s] = cs(t);
    return m2([c, -s], [0, 0], [0, 0], [c, s]);
  },
  PhaseShift: ([t = 0]) => m2([1, 0], [0, 0], [0, 0], [Math.cos(t), Math.sin(t)]),
  Rot: ([phi = 0, theta = 0, omega = 0]) =>
    matmul(gateMatrix('RZ', [omega]), matmul(gateMatrix('RY', [theta]), gateMatrix('RZ', [phi]))),
  H: () => m2([S2, 0], [S2, 0], [S2, 0], [-S2, 0]),
  X: () => m2([0, 0], [1, 0], [1, 0], [0, 0]),
  Y: () => m2([0, 0], [0, -1], [0, 1], [0, 0]),
  Z: () => m2([1, 0], [0, 0], [0, 0], [-1, 0]),
  S: () => m2([1, 0], [0, 0], [0, 0], [0, 1]),
  T: () => m2([1, 0], [0, 0], [0, 0], [S2, S2]),
  CNOT: () => controlled(gateMatrix('X')),
  CZ: () => controlled(gateMatrix('Z')),
  CRX: (p) => controlled(gateMatrix('RX', p)),
  CRY: (p) => controlled(gateMatrix('RY', p)),
  CRZ: (p) => controlled(gateMatrix('RZ', p)),
  SWAP: swap,
};

/** The unitary of a gate for the given parameter values. */
export function gateMatrix(gate: GateName, p: readonly number[] = []): CMatrix {
  return GATE_MATRICES[gate](p);
}
