// Independent checks of the simulators: every gate against its textbook matrix (built here from
// Pauli exponentials, not from src/quantum/gates.ts), basis sampling, and what each noise-model rule
// target means, against closed forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/util/rng.js';
import {
  GATE_PARAM_COUNT,
  isTwoQubitGate,
  type Circuit,
  type GateName,
  type Op,
} from '../../src/quantum/circuit.js';
import { run, sampleBasis } from '../../src/quantum/statevector.js';
import {
  densityProbabilities,
  loadProfile,
  parseNoiseModel,
  runDensity,
  validateProfile,
} from '../../src/quantum/index.js';

// ---- a tiny complex matrix algebra, independent of the simulator ---------------------------------
type C = [number, number];
type M = C[][];
const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const cadd = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
const scale = (m: M, s: C): M => m.map((r) => r.map((v) => cmul(v, s)));
const add = (a: M, b: M): M => a.map((r, i) => r.map((v, j) => cadd(v, b[i][j])));
const mm = (a: M, b: M): M =>
  a.map((r) => b[0].map((_, j) => r.reduce<C>((acc, v, k) => cadd(acc, cmul(v, b[k][j])), [0, 0])));
const I2: M = [
  [
    [1, 0],
    [0, 0],
  ],
  [
    [0, 0],
    [1, 0],
  ],
];
const PX: M = [
  [
    [0, 0],
    [1, 0],
  ],
  [
    [1, 0],
    [0, 0],
  ],
];
const PY: M = [
  [
    [0, 0],
    [0, -1],
  ],
  [
    [0, 1],
    [0, 0],
  ],
];
const PZ: M = [
  [
    [1, 0],
    [0, 0],
  ],
  [
    [0, 0],
    [-1, 0],
  ],
];
/** exp(−iθP/2) = cos(θ/2)·I − i·sin(θ/2)·P for a Pauli P */
const rot = (P: M, t: number): M => add(scale(I2, [Math.cos(t / 2), 0]), scale(P, [0, -Math.sin(t / 2)]));
const diag = (a: C, b: C): M => [
  [a, [0, 0]],
  [[0, 0], b],
];
const phase = (t: number): C => [Math.cos(t), Math.sin(t)];
/** |0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ U, control = first (high) qubit */
function controlledM(u: M): M {
  const out: M = Array.from({ length: 4 }, () => Array.from({ length: 4 }, (): C => [0, 0]));
  out[0][0] = [1, 0];
  out[1][1] = [1, 0];
  for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) out[2 + r][2 + c] = u[r][c];
  return out;
}
function textbook(g: GateName, p: number[]): M {
  switch (g) {
    case 'RX':
      return rot(PX, p[0]);
    case 'RY':
      return rot(PY, p[0]);
    case 'RZ':
      return rot(PZ, p[0]);
    case 'PhaseShift':
      return diag([1, 0], phase(p[0]));
    case 'Rot':
      return mm(rot(PZ, p[2]), mm(rot(PY, p[1]), rot(PZ, p[0])));
    case 'H':
      return scale(add(PX, PZ), [Math.SQRT1_2, 0]);
    case 'X':
      return PX;
    case 'Y':
      return PY;
    case 'Z':
      return PZ;
    case 'S':
      return diag([1, 0], [0, 1]);
    case 'T':
      return diag([1, 0], phase(Math.PI / 4));
    case 'CNOT':
      return controlledM(PX);
    case 'CZ':
      return controlledM(PZ);
    case 'CRX':
      return controlledM(rot(PX, p[0]));
    case 'CRY':
      return controlledM(rot(PY, p[0]));
    case 'CRZ':
      return controlledM(rot(PZ, p[0]));
    case 'SWAP': {
      const s: M = Array.from({ length: 4 }, () => Array.from({ length: 4 }, (): C => [0, 0]));
      s[0][0] = s[1][2] = s[2][1] = s[3][3] = [1, 0];
      return s;
    }
  }
}

// every gate the simulators know, with its parameter count (a new gate needs a textbook case above)
const GATES = Object.entries(GATE_PARAM_COUNT) as [GateName, number][];

test('every gate, applied by the simulator to each basis state, gives the column of its textbook matrix', () => {
  const rng = new Rng(3);
  for (const [gate, np] of GATES) {
    const two = isTwoQubitGate(gate);
    const params = Array.from({ length: np }, () => rng.uniform(-Math.PI, Math.PI));
    const u = textbook(gate, params);
    const dim = two ? 4 : 2;
    // a 3-qubit register: the gate on wires (2, 0) (reversed and apart) or on wire 1, the rest idle
    const wires = two ? [2, 0] : [1];
    for (let col = 0; col < dim; col++) {
      const bits = two ? [(col >> 1) & 1, col & 1] : [col];
      const ops: Op[] = [];
      wires.forEach((w, i) => {
        if (bits[i]) ops.push({ gate: 'X', wires: [w], params: [] });
      });
      ops.push({ gate, wires, params: params.map((value) => ({ kind: 'const' as const, value })) });
      const c: Circuit = { nQubits: 3, nInputs: 0, nWeights: 0, ops };
      const s = run(c, new Float64Array(0), new Float64Array(0), 1);
      for (let row = 0; row < dim; row++) {
        const rb = two ? [(row >> 1) & 1, row & 1] : [row];
        let k = 0; // wire 0 is the most significant bit
        wires.forEach((w, i) => {
          if (rb[i]) k |= 1 << (2 - w);
        });
        const [er, ei] = u[row][col];
        assert.ok(
          Math.abs(s.re[k] - er) < 1e-12 && Math.abs(s.im[k] - ei) < 1e-12,
          `${gate}(${params.map((v) => v.toFixed(3))}) ⟨${row}|U|${col}⟩ = ${s.re[k]}+${s.im[k]}i, expected ${er}+${ei}i`,
        );
      }
      // nothing leaks to states where the idle wire changed
      let norm = 0;
      for (let j = 0; j < 8; j++) norm += s.re[j] ** 2 + s.im[j] ** 2;
      assert.ok(Math.abs(norm - 1) < 1e-12, `${gate}: norm ${norm}`);
    }
  }
});

test('sampleBasis: seeded, wire 0 is the most significant bit, frequencies match the probabilities', () => {
  const probs = Float64Array.of(0.1, 0.2, 0.3, 0.4, /* second batch row */ 0, 0, 1, 0);
  const shots = 20000;
  const a = sampleBasis(probs, 2, shots, new Rng(9));
  const b = sampleBasis(probs, 2, shots, new Rng(9));
  assert.deepEqual(a, b);
  assert.notDeepEqual(sampleBasis(probs, 2, shots, new Rng(10))[0], a[0]);
  assert.equal(a.length, 2);
  const counts = [0, 0, 0, 0];
  for (const k of a[0]) counts[k]++;
  for (let k = 0; k < 4; k++) {
    const p = probs[k];
    const se = Math.sqrt((p * (1 - p)) / shots);
    assert.ok(Math.abs(counts[k] / shots - p) < 5 * se, `outcome ${k}: ${counts[k] / shots} vs ${p}`);
  }
  assert.ok(
    a[1].every((k) => k === 2),
    'a certain outcome is always drawn',
  );
  // |10⟩ from X on wire 0 is outcome 2 (binary 10): wire 0 is the high bit
  const c: Circuit = { nQubits: 2, nInputs: 0, nWeights: 0, ops: [{ gate: 'X', wires: [0], params: [] }] };
  const s = run(c, new Float64Array(0), new Float64Array(0), 1);
  const pr = Float64Array.from({ length: 4 }, (_, k) => s.re[k] ** 2 + s.im[k] ** 2);
  assert.ok(sampleBasis(pr, 2, 50, new Rng(1))[0].every((k) => k === 2));
});

/** ⟨Z_w⟩ for every wire and ⟨Z0 Z1⟩ from the density simulator's basis probabilities (one sample). */
function zs(c: Circuit, x: number[], noise: unknown) {
  const p = densityProbabilities(
    runDensity(c, Float64Array.from(x), new Float64Array(0), parseNoiseModel(noise), 1),
  );
  const n = c.nQubits;
  const z = Array.from({ length: n }, (_, w) =>
    p.reduce((acc, v, k) => acc + (k & (1 << (n - 1 - w)) ? -v : v), 0),
  );
  const z01 = p.reduce((acc, v, k) => {
    const b0 = (k >> (n - 1)) & 1;
    const b1 = (k >> (n - 2)) & 1;
    return acc + (b0 ^ b1 ? -v : v);
  }, 0);
  return { z, z01 };
}

test('noise rules: what "every-gate", "1q", "2q" and a gate name attach to, against closed forms', () => {
  const x = 0.7;
  const p = 0.13;
  const cx = Math.cos(x);
  const inp = { kind: 'input' as const, index: 0 };
  // one qubit: an embedding rotation counts as a gate; depolarizing (PennyLane) scales ⟨Z⟩ by 1 − 4p/3
  const emb: Circuit = {
    nQubits: 1,
    nInputs: 1,
    nWeights: 0,
    ops: [{ gate: 'RY', wires: [0], params: [inp] }],
  };
  const dep = (after: string) => ({ rules: [{ after, channel: 'depolarizing', p }] });
  assert.ok(Math.abs(zs(emb, [x], dep('every-gate')).z[0] - (1 - (4 * p) / 3) * cx) < 1e-12);
  assert.ok(Math.abs(zs(emb, [x], dep('RY')).z[0] - (1 - (4 * p) / 3) * cx) < 1e-12);
  assert.ok(Math.abs(zs(emb, [x], dep('RX')).z[0] - cx) < 1e-12, 'a rule for another gate does not fire');
  assert.ok(Math.abs(zs(emb, [x], dep('2q')).z[0] - cx) < 1e-12, 'a 2q rule does not fire on a 1q gate');
  // a Rot counts as one gate: ⟨Z⟩ of Rot(φ, θ, ω)|0⟩ is cos θ, shrunk once, not three times
  const theta = 1.1;
  const rotC: Circuit = {
    nQubits: 1,
    nInputs: 0,
    nWeights: 0,
    ops: [
      {
        gate: 'Rot',
        wires: [0],
        params: [0.4, theta, -0.9].map((value) => ({ kind: 'const' as const, value })),
      },
    ],
  };
  assert.ok(Math.abs(zs(rotC, [], dep('every-gate')).z[0] - (1 - (4 * p) / 3) * Math.cos(theta)) < 1e-12);

  // two qubits: RY(x) on wire 0, then CNOT(0 → 1), so ideally ⟨Z0⟩ = ⟨Z1⟩ = cos x and ⟨Z0Z1⟩ = 1
  const bell: Circuit = {
    nQubits: 2,
    nInputs: 1,
    nWeights: 0,
    ops: [
      { gate: 'RY', wires: [0], params: [inp] },
      { gate: 'CNOT', wires: [0, 1], params: [] },
    ],
  };
  const flip = (after: string) => ({ rules: [{ after, channel: 'bit_flip', p }] });
  const ideal = zs(bell, [x], { rules: [] });
  assert.ok(Math.abs(ideal.z01 - 1) < 1e-12);
  // "1q": one flip on wire 0 before the CNOT, which copies it: still perfectly correlated
  const one = zs(bell, [x], flip('1q'));
  assert.ok(Math.abs(one.z[0] - (1 - 2 * p) * cx) < 1e-12);
  assert.ok(Math.abs(one.z[1] - (1 - 2 * p) * cx) < 1e-12);
  assert.ok(Math.abs(one.z01 - 1) < 1e-12);
  // "2q" (and the gate's name): the single-qubit channel on each wire of the CNOT, independently
  for (const after of ['2q', 'CNOT']) {
    const two = zs(bell, [x], flip(after));
    assert.ok(Math.abs(two.z[0] - (1 - 2 * p) * cx) < 1e-12, after);
    assert.ok(Math.abs(two.z[1] - (1 - 2 * p) * cx) < 1e-12, after);
    assert.ok(Math.abs(two.z01 - (1 - 2 * p) ** 2) < 1e-12, after);
  }
  // "every-gate": both of the above
  const all = zs(bell, [x], flip('every-gate'));
  assert.ok(Math.abs(all.z[0] - (1 - 2 * p) ** 2 * cx) < 1e-12);
  assert.ok(Math.abs(all.z01 - (1 - 2 * p) ** 2) < 1e-12);
  // a CZ is a 2q gate but not a CNOT
  const cz: Circuit = { ...bell, ops: [bell.ops[0], { gate: 'CZ', wires: [0, 1], params: [] }] };
  assert.ok(Math.abs(zs(cz, [x], flip('CNOT')).z[1] - 1) < 1e-12);
  assert.ok(Math.abs(zs(cz, [x], flip('2q')).z[1] - (1 - 2 * p)) < 1e-12);
});

test('user device profiles: validated field by field, with the file named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-profile-'));
  try {
    const good = {
      name: 'lab',
      gate_error_1q: 0.001,
      gate_error_2q: 0.01,
      gate_time_1q_ns: 40,
      gate_time_2q_ns: 300,
      t1_us: 100,
      t2_us: 80,
      readout_error: 0.03,
    };
    const file = (name: string, body: string) => {
      const f = join(dir, name);
      writeFileSync(f, body);
      return f;
    };
    assert.equal(loadProfile(file('ok.json', JSON.stringify(good))).gate_error_2q, 0.01);
    const cases: [string, string, RegExp][] = [
      [
        't2.json',
        JSON.stringify({ ...good, t2_us: 250 }),
        /t2\.json: t2_us: T2 \(250\) must not exceed 2·T1 \(200\)/,
      ],
      ['cut.json', JSON.stringify(good).slice(0, 40), /cut\.json: not valid JSON/],
      ['extra.json', JSON.stringify({ ...good, t3_us: 1 }), /extra\.json: t3_us: unknown key/],
      [
        'p.json',
        JSON.stringify({ ...good, readout_error: 1.5 }),
        /p\.json: readout_error: must be a number in \[0, 1\]/,
      ],
      [
        'nan.json',
        JSON.stringify({ ...good, gate_error_1q: 'high' }),
        /nan\.json: gate_error_1q: must be a number/,
      ],
      [
        'half.json',
        JSON.stringify({ ...good, t1_us: null }),
        /half\.json: t1_us and t2_us must both be numbers or both null/,
      ],
      ['arr.json', '[1, 2]', /arr\.json: a profile must be a JSON object/],
    ];
    for (const [name, body, re] of cases) assert.throws(() => loadProfile(file(name, body)), re, name);
    assert.throws(
      () => validateProfile({ ...good, name: '' }, 'inline'),
      /inline: name: must be a non-empty string/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
