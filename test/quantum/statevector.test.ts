import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import type { Circuit, GateName, Op } from '../../src/quantum/circuit.js';
import { expvalPauli, expvalZ, probabilities, run } from '../../src/quantum/statevector.js';
import { adjointVjp } from '../../src/quantum/adjoint.js';
import { exactEvaluator, paramShiftVjp } from '../../src/quantum/param-shift.js';
import { headCircuit } from '../../src/quantum/templates/index.js';
import { referenceExpvalZ, referenceState } from './reference.js';

const ALL: GateName[] = [
  'RX',
  'RY',
  'RZ',
  'PhaseShift',
  'Rot',
  'H',
  'X',
  'Y',
  'Z',
  'S',
  'T',
  'CNOT',
  'CZ',
  'CRX',
  'CRY',
  'CRZ',
  'SWAP',
];

function randomCircuit(rng: Rng, n: number, nOps: number): Circuit {
  const ops: Op[] = [];
  let nWeights = 0;
  const nInputs = n;
  for (let k = 0; k < nOps; k++) {
    const gate = ALL[k < ALL.length ? k : rng.int(ALL.length)];
    const two = ['CNOT', 'CZ', 'CRX', 'CRY', 'CRZ', 'SWAP'].includes(gate);
    const a = rng.int(n);
    const b = (a + 1 + rng.int(n - 1)) % n;
    const np =
      gate === 'Rot' ? 3 : ['RX', 'RY', 'RZ', 'PhaseShift', 'CRX', 'CRY', 'CRZ'].includes(gate) ? 1 : 0;
    const params = Array.from({ length: np }, () =>
      rng.next() < 0.4
        ? { kind: 'input' as const, index: rng.int(nInputs) }
        : { kind: 'weight' as const, index: nWeights++ },
    );
    ops.push({ gate, wires: two ? [a, b] : [a], params });
  }
  return { nQubits: n, nInputs, nWeights, ops };
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('every gate matches the dense Kronecker reference on random circuits (batched)', () => {
  const rng = new Rng(1);
  for (const n of [2, 3, 4]) {
    const c = randomCircuit(rng, n, 40);
    const B = 3;
    const x = Float64Array.from({ length: B * n }, () => rng.uniform(-3, 3));
    const w = Float64Array.from({ length: c.nWeights }, () => rng.uniform(-3, 3));
    const s = run(c, x, w);
    const size = 1 << n;
    for (let b = 0; b < B; b++) {
      const ref = referenceState(c, x.subarray(b * n, (b + 1) * n), w);
      for (let k = 0; k < size; k++) {
        close(s.re[b * size + k], ref.re[k], 1e-12, `re n=${n} b=${b} k=${k}`);
        close(s.im[b * size + k], ref.im[k], 1e-12, `im n=${n} b=${b} k=${k}`);
      }
    }
  }
});

test('analytic: ⟨Z⟩ after RY(θ) is cos θ; wire 0 is the most significant bit', () => {
  const c: Circuit = {
    nQubits: 1,
    nInputs: 1,
    nWeights: 0,
    ops: [{ gate: 'RY', wires: [0], params: [{ kind: 'input', index: 0 }] }],
  };
  const th = Float64Array.of(0, 0.3, 1.2, Math.PI, -2);
  const e = expvalZ(run(c, th, new Float64Array(0)));
  th.forEach((t, i) => close(e[i], Math.cos(t), 1e-14, `θ=${t}`));
  const g = adjointVjp(c, th, new Float64Array(0)).gradInputs;
  th.forEach((t, i) => close(g[i], -Math.sin(t), 1e-14, `d/dθ θ=${t}`));
  const x: Circuit = { nQubits: 2, nInputs: 0, nWeights: 0, ops: [{ gate: 'X', wires: [0], params: [] }] };
  const p = probabilities(run(x, new Float64Array(0), new Float64Array(0), 1));
  assert.deepEqual(Array.from(p), [0, 0, 1, 0]); // |10⟩ = index 2
});

test('analytic: Bell state correlations', () => {
  const c: Circuit = {
    nQubits: 2,
    nInputs: 0,
    nWeights: 0,
    ops: [
      { gate: 'H', wires: [0], params: [] },
      { gate: 'CNOT', wires: [0, 1], params: [] },
    ],
  };
  const s = run(c, new Float64Array(0), new Float64Array(0), 1);
  close(expvalPauli(s, 'ZZ')[0], 1, 1e-15, 'ZZ');
  close(expvalPauli(s, 'XX')[0], 1, 1e-15, 'XX');
  close(expvalPauli(s, 'YY')[0], -1, 1e-15, 'YY');
  close(expvalPauli(s, 'ZI')[0], 0, 1e-15, 'ZI');
  close(expvalZ(s)[1], 0, 1e-15, 'Z1');
  assert.throws(() => expvalPauli(s, 'XQ'), /Pauli word/);
});

test('analytic: one-qubit AngleEmbedding + StronglyEntanglingLayers gives cos x cos θ − sin x sin φ sin θ', () => {
  const c = headCircuit({ qubits: 1, layers: 1, template: 'strong', embedding: 'X' });
  const rng = new Rng(9);
  for (let i = 0; i < 10; i++) {
    const x = rng.uniform(-3, 3);
    const [phi, th, om] = [rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-3, 3)];
    const e = expvalZ(run(c, Float64Array.of(x), Float64Array.of(phi, th, om)))[0];
    close(e, Math.cos(x) * Math.cos(th) - Math.sin(x) * Math.sin(phi) * Math.sin(th), 1e-13, 'closed form');
  }
});

test('StronglyEntanglingLayers: CNOT ranges r = (l mod (n−1)) + 1 and weight count L×n×3', () => {
  const c = headCircuit({ qubits: 4, layers: 3, template: 'strong' });
  assert.equal(c.nWeights, 36);
  const cnots = c.ops.filter((o) => o.gate === 'CNOT').map((o) => o.wires);
  assert.deepEqual(cnots.slice(0, 4), [
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 0],
  ]);
  assert.deepEqual(cnots.slice(4, 8), [
    [0, 2],
    [1, 3],
    [2, 0],
    [3, 1],
  ]);
  assert.deepEqual(cnots.slice(8, 12), [
    [0, 3],
    [1, 0],
    [2, 1],
    [3, 2],
  ]);
  const b = headCircuit({ qubits: 2, layers: 2, template: 'basic', reupload: true });
  assert.equal(b.nWeights, 4);
  assert.equal(b.ops.filter((o) => o.gate === 'CNOT').length, 2);
  assert.equal(b.ops.filter((o) => o.params[0]?.kind === 'input').length, 4);
  // a 4-qubit SEL circuit against the dense reference
  const rng = new Rng(4);
  const x = Float64Array.from({ length: 4 }, () => rng.uniform(-1, 1));
  const w = Float64Array.from({ length: 36 }, () => rng.uniform(-3, 3));
  const e = expvalZ(run(c, x, w));
  referenceExpvalZ(c, x, w).forEach((v, i) => close(e[i], v, 1e-12, `wire ${i}`));
});

test('adjoint = parameter-shift = central finite differences (1e-7) on random circuits with every gate', () => {
  const rng = new Rng(2);
  for (const n of [2, 3]) {
    const c = randomCircuit(rng, n, 30);
    const B = 2;
    const x = Float64Array.from({ length: B * n }, () => rng.uniform(-2, 2));
    const w = Float64Array.from({ length: c.nWeights }, () => rng.uniform(-2, 2));
    const cot = Float64Array.from({ length: B * n }, () => rng.uniform(-1, 1));
    const adj = adjointVjp(c, x, w, cot);
    const ps = paramShiftVjp(c, x, w, cot);
    const loss = (xx: Float64Array, ww: Float64Array) => {
      const e = exactEvaluator(c, xx, ww, B);
      return e.reduce((a, v, i) => a + v * cot[i], 0);
    };
    const h = 1e-5;
    const fd = (arr: Float64Array, i: number, other: Float64Array, isX: boolean) => {
      const p = Float64Array.from(arr);
      const m = Float64Array.from(arr);
      p[i] += h;
      m[i] -= h;
      return isX ? (loss(p, other) - loss(m, other)) / (2 * h) : (loss(other, p) - loss(other, m)) / (2 * h);
    };
    for (let i = 0; i < x.length; i++) {
      close(adj.gradInputs[i], ps.gradInputs[i], 1e-10, `adjoint vs shift, input ${i}`);
      close(adj.gradInputs[i], fd(x, i, w, true), 1e-7, `adjoint vs fd, input ${i}`);
    }
    for (let i = 0; i < w.length; i++) {
      close(adj.gradWeights[i], ps.gradWeights[i], 1e-10, `adjoint vs shift, weight ${i}`);
      close(adj.gradWeights[i], fd(w, i, x, false), 1e-7, `adjoint vs fd, weight ${i}`);
    }
  }
});

test('bad input: weight shape, NaN parameters, qubit range, wires', () => {
  const c = headCircuit({ qubits: 2, layers: 1 });
  assert.throws(() => run(c, new Float64Array(2), new Float64Array(5)), /weights: expected 6 values, got 5/);
  assert.throws(() => run(c, Float64Array.of(NaN, 0), new Float64Array(6)), /inputs\[0\]: not finite/);
  assert.throws(
    () => run(c, new Float64Array(2), Float64Array.of(0, 0, Infinity, 0, 0, 0)),
    /weights\[2\]: not finite/,
  );
  assert.throws(() => run(c, new Float64Array(3), new Float64Array(6)), /inputs: expected B×2/);
  assert.throws(() => headCircuit({ qubits: 13, layers: 1 }), /qubits: must be an integer in \[1, 12\]/);
  assert.throws(
    () =>
      run(
        { nQubits: 2, nInputs: 0, nWeights: 0, ops: [{ gate: 'CNOT', wires: [1, 1], params: [] }] },
        new Float64Array(0),
        new Float64Array(0),
        1,
      ),
    /wires must differ/,
  );
  assert.throws(
    () => adjointVjp(c, new Float64Array(2), new Float64Array(6), new Float64Array(3)),
    /cotangent: expected/,
  );
});
