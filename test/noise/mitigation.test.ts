import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyReadout,
  evaluateNoisy,
  expvalZFromProbs,
  headCircuit,
  run,
  type Circuit,
} from '../../src/quantum/index.js';
import {
  extrapolateLinear,
  extrapolateRichardson,
  foldCircuit,
  foldedParams,
  mitigateReadout,
  richardsonWeights,
} from '../../src/noise/index.js';
import { Rng } from '../../src/util/rng.js';

/** A circuit with every gate type, parameters from inputs, weights (with offsets) and constants. */
function everyGate(): Circuit {
  const i = (index: number, offset?: number) => ({ kind: 'input' as const, index, offset });
  const w = (index: number, offset?: number) => ({ kind: 'weight' as const, index, offset });
  return {
    nQubits: 3,
    nInputs: 3,
    nWeights: 6,
    ops: [
      { gate: 'H', wires: [0], params: [] },
      { gate: 'RX', wires: [0], params: [i(0)] },
      { gate: 'RY', wires: [1], params: [i(1, 0.3)] },
      { gate: 'RZ', wires: [2], params: [w(0)] },
      { gate: 'Rot', wires: [1], params: [w(1), i(2), w(2, -0.7)] },
      { gate: 'PhaseShift', wires: [0], params: [{ kind: 'const', value: 0.9 }] },
      { gate: 'S', wires: [2], params: [] },
      { gate: 'T', wires: [1], params: [] },
      { gate: 'X', wires: [2], params: [] },
      { gate: 'Y', wires: [0], params: [] },
      { gate: 'Z', wires: [1], params: [] },
      { gate: 'CNOT', wires: [0, 1], params: [] },
      { gate: 'CZ', wires: [1, 2], params: [] },
      { gate: 'CRX', wires: [2, 0], params: [w(3)] },
      { gate: 'CRY', wires: [0, 2], params: [i(0, 1.1)] },
      { gate: 'CRZ', wires: [1, 0], params: [w(4)] },
      { gate: 'SWAP', wires: [0, 2], params: [] },
      { gate: 'RX', wires: [1], params: [w(5)] },
    ],
  };
}

test('gate folding: G(G†G)^k computes the same state for every gate type, with λ× the gates', () => {
  const rng = new Rng(11);
  for (const c of [everyGate(), headCircuit({ qubits: 3, layers: 2, reupload: true, embedding: 'Y' })]) {
    const B = 4;
    const x = Float64Array.from({ length: B * c.nInputs }, () => rng.uniform(-2, 2));
    const wt = Float64Array.from({ length: c.nWeights }, () => rng.uniform(0, 6.28));
    const ref = run(c, x, wt, B);
    for (const scale of [3, 5]) {
      const f = foldCircuit(c, scale);
      assert.equal(f.ops.length, scale * c.ops.length);
      const p = foldedParams(x, wt, c.nInputs, B);
      const s = run(f, p.inputs, p.weights, B);
      for (let k = 0; k < ref.re.length; k++) {
        assert.ok(
          Math.abs(s.re[k] - ref.re[k]) < 1e-10,
          `scale ${scale}: re[${k}] ${s.re[k]} vs ${ref.re[k]}`,
        );
        assert.ok(Math.abs(s.im[k] - ref.im[k]) < 1e-10, `scale ${scale}: im[${k}]`);
      }
    }
  }
  assert.throws(() => foldCircuit(everyGate(), 2), /scale factor: must be an odd integer/);
  assert.throws(() => foldCircuit(everyGate(), 0), /scale factor/);
});

test('ZNE on depolarizing: folded noise scales as f^λ and the extrapolations match their closed forms', () => {
  // one RX(θ) with depolarizing p after it: ⟨Z⟩ = (1 − 4p/3)·cos θ; folded λ times: (1 − 4p/3)^λ cos θ
  const c: Circuit = {
    nQubits: 1,
    nInputs: 1,
    nWeights: 0,
    ops: [{ gate: 'RX', wires: [0], params: [{ kind: 'input', index: 0 }] }],
  };
  const p = 0.04;
  const f = 1 - (4 * p) / 3;
  const thetas = [0.2, 1.0, 2.5];
  const x = Float64Array.from(thetas);
  const noise = { rules: [{ after: 'every-gate' as const, channel: 'depolarizing' as const, p }] };
  const scales = [1, 3, 5];
  const vals = scales.map((s) => {
    const fc = foldCircuit(c, s);
    const fp = foldedParams(x, new Float64Array(0), 1, 3);
    return evaluateNoisy(fc, fp.inputs, fp.weights, { noise }, 3);
  });
  scales.forEach((s, i) =>
    thetas.forEach((t, b) => assert.ok(Math.abs(vals[i][b] - f ** s * Math.cos(t)) < 1e-12, `λ=${s} θ=${t}`)),
  );
  assert.deepEqual(
    richardsonWeights(scales).map((v) => Number(v.toFixed(12))),
    [15 / 8, -5 / 4, 3 / 8],
  );
  const rich = extrapolateRichardson(scales, vals);
  const lin = extrapolateLinear(scales, vals);
  // least-squares line through (1, a), (3, b), (5, c): intercept = (13a + 4b − 5c)/12
  thetas.forEach((t, b) => {
    const exact = Math.cos(t);
    const [a, bb, cc] = [f, f ** 3, f ** 5].map((v) => v * exact);
    assert.ok(Math.abs(rich[b] - ((15 / 8) * a - (5 / 4) * bb + (3 / 8) * cc)) < 1e-12);
    assert.ok(Math.abs(lin[b] - (13 * a + 4 * bb - 5 * cc) / 12) < 1e-12);
    // both are closer to the noiseless value than the unmitigated one, Richardson closest
    const e0 = Math.abs(vals[0][b] - exact);
    assert.ok(Math.abs(lin[b] - exact) < e0);
    assert.ok(Math.abs(rich[b] - exact) < Math.abs(lin[b] - exact));
    assert.ok(Math.abs(rich[b] - exact) < 1e-3 * Math.abs(exact) + 1e-12);
  });
  assert.throws(() => extrapolateLinear([1], [vals[0]]), /needs ≥ 2 scale factors/);
  assert.throws(() => extrapolateRichardson([1, 1], [vals[0], vals[1]]), /must differ/);
});

test('readout mitigation: the inverse tensor-product confusion undoes per-qubit readout error', () => {
  const rng = new Rng(3);
  const n = 3;
  const B = 5;
  const probs = new Float64Array(B * 8);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let k = 0; k < 8; k++) s += probs[b * 8 + k] = rng.next();
    for (let k = 0; k < 8; k++) probs[b * 8 + k] /= s;
  }
  const conf: [number, number][] = [
    [0.02, 0.05],
    [0.1, 0.0],
    [0.07, 0.15],
  ];
  const measured = applyReadout(probs, n, conf);
  // analytic: ⟨Z_q⟩ measured = (1 − p01 − p10)·⟨Z_q⟩ + (p10 − p01)
  const z = expvalZFromProbs(probs, n);
  const zm = expvalZFromProbs(measured, n);
  for (let b = 0; b < B; b++)
    conf.forEach(([p01, p10], q) =>
      assert.ok(Math.abs(zm[b * n + q] - ((1 - p01 - p10) * z[b * n + q] + (p10 - p01))) < 1e-12),
    );
  const fixed = mitigateReadout(measured, n, conf);
  fixed.forEach((v, i) => assert.ok(Math.abs(v - probs[i]) < 1e-12, `entry ${i}`));
  assert.throws(
    () => mitigateReadout(measured, n, [...conf.slice(0, 2), [0.5, 0.5]]),
    /readout\[2\]: confusion matrix is singular/,
  );
  assert.throws(() => mitigateReadout(measured, n, conf.slice(0, 2)), /2 pairs for 3 qubits/);
});
