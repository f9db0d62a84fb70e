/**
 * Gate matrices, shared by the statevector and density-matrix simulators.
 * A matrix is a complex d×d array, row-major, stored as separate real and imaginary Float64Arrays.
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

/** The unitary of a gate for the given parameter values. */
export function gateMatrix(gate: GateName, p: readonly number[] = []): CMatrix {
  const t = p[0] ?? 0;
  const c = Math.cos(t / 2);
  const s = Math.sin(t / 2);
  switch (gate) {
    case 'RX':
      return mat(2, [
        [c, 0],
        [0, -s],
        [0, -s],
        [c, 0],
      ]);
    case 'RY':
      return mat(2, [
        [c, 0],
        [-s, 0],
        [s, 0],
        [c, 0],
      ]);
    case 'RZ':
      return mat(2, [
        [c, -s],
        [0, 0],
        [0, 0],
        [c, s],
      ]);
    case 'PhaseShift':
      return mat(2, [
        [1, 0],
        [0, 0],
        [0, 0],
        [Math.cos(t), Math.sin(t)],
      ]);
    case 'Rot':
      return matmul(
        gateMatrix('RZ', [p[2] ?? 0]),
        matmul(gateMatrix('RY', [p[1] ?? 0]), gateMatrix('RZ', [t])),
      );
    case 'H':
      return mat(2, [
        [S2, 0],
        [S2, 0],
        [S2, 0],
        [-S2, 0],
      ]);
    case 'X':
      return mat(2, [
        [0, 0],
        [1, 0],
        [1, 0],
        [0, 0],
      ]);
    case 'Y':
      return mat(2, [
        [0, 0],
        [0, -1],
        [0, 1],
        [0, 0],
      ]);
    case 'Z':
      return mat(2, [
        [1, 0],
        [0, 0],
        [0, 0],
        [-1, 0],
      ]);
    case 'S':
      return mat(2, [
        [1, 0],
        [0, 0],
        [0, 0],
        [0, 1],
      ]);
    case 'T':
      return mat(2, [
        [1, 0],
        [0, 0],
        [0, 0],
        [S2, S2],
      ]);
    case 'CNOT':
      return controlled(gateMatrix('X'));
    case 'CZ':
      return controlled(gateMatrix('Z'));
    case 'CRX':
      return controlled(gateMatrix('RX', [t]));
    case 'CRY':
      return controlled(gateMatrix('RY', [t]));
    case 'CRZ':
      return controlled(gateMatrix('RZ', [t]));
    case 'SWAP': {
      const m = mat(4, []);
      m.re[0] = 1;
      m.re[1 * 4 + 2] = 1;
      m.re[2 * 4 + 1] = 1;
      m.re[15] = 1;
      return m;
    }
  }
}
