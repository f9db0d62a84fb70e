// An independent dense reference simulator for the tests: full 2ⁿ×2ⁿ unitaries built from
// gateMatrix() with Kronecker products (wire 0 = most significant), applied by matrix–vector products.
import type { Circuit } from '../../src/quantum/circuit.js';
import { gateMatrix, type CMatrix } from '../../src/quantum/gates.js';

function embed(m: CMatrix, wires: number[], n: number): CMatrix {
  const dim = 1 << n;
  const re = new Float64Array(dim * dim);
  const im = new Float64Array(dim * dim);
  const bit = (k: number, w: number) => (k >> (n - 1 - w)) & 1;
  for (let r = 0; r < dim; r++)
    for (let c = 0; c < dim; c++) {
      let ok = true;
      for (let w = 0; w < n; w++) if (!wires.includes(w) && bit(r, w) !== bit(c, w)) ok = false;
      if (!ok) continue;
      let sr = 0;
      let sc = 0;
      for (const w of wires) {
        sr = (sr << 1) | bit(r, w);
        sc = (sc << 1) | bit(c, w);
      }
      re[r * dim + c] = m.re[sr * m.dim + sc];
      im[r * dim + c] = m.im[sr * m.dim + sc];
    }
  return { dim, re, im };
}

export function referenceState(
  c: Circuit,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
): { re: Float64Array; im: Float64Array } {
  const dim = 1 << c.nQubits;
  let re = new Float64Array(dim);
  let im = new Float64Array(dim);
  re[0] = 1;
  for (const op of c.ops) {
    const vals = op.params.map((p) =>
      p.kind === 'input'
        ? x[p.index] + (p.offset ?? 0)
        : p.kind === 'weight'
          ? w[p.index] + (p.offset ?? 0)
          : p.value,
    );
    const u = embed(gateMatrix(op.gate, vals), op.wires, c.nQubits);
    const nr = new Float64Array(dim);
    const ni = new Float64Array(dim);
    for (let r = 0; r < dim; r++)
      for (let k = 0; k < dim; k++) {
        const ar = u.re[r * dim + k];
        const ai = u.im[r * dim + k];
        nr[r] += ar * re[k] - ai * im[k];
        ni[r] += ar * im[k] + ai * re[k];
      }
    re = nr;
    im = ni;
  }
  return { re, im };
}

export function referenceExpvalZ(c: Circuit, x: ArrayLike<number>, w: ArrayLike<number>): number[] {
  const { re, im } = referenceState(c, x, w);
  const n = c.nQubits;
  return Array.from({ length: n }, (_, q) => {
    let s = 0;
    for (let k = 0; k < re.length; k++)
      s += (k >> (n - 1 - q)) & 1 ? -(re[k] ** 2 + im[k] ** 2) : re[k] ** 2 + im[k] ** 2;
    return s;
  });
}
