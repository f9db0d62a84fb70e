import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import type { Circuit } from '../../src/quantum/circuit.js';
import {
  CHANNEL_NAMES,
  applyChannel,
  applyReadout,
  densityProbabilities,
  densityTrace,
  evaluateNoisy,
  expvalZ,
  headCircuit,
  krausOperators,
  loadProfile,
  paramShiftVjp,
  parseNoiseModel,
  profileToNoiseModel,
  run,
  runDensity,
  zeroDensity,
  type ChannelSpec,
} from '../../src/quantum/index.js';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** Smallest eigenvalue of a Hermitian matrix (complex Jacobi via the real 2d×2d embedding). */
function minEigen(re: Float64Array, im: Float64Array, d: number): number {
  const n = 2 * d;
  const a = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      a[i][j] = re[i * d + j];
      a[i + d][j + d] = re[i * d + j];
      a[i][j + d] = -im[i * d + j];
      a[i + d][j] = im[i * d + j];
    }
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-24) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const th = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(th || 1) / (Math.abs(th) + Math.sqrt(th * th + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
  }
  return Math.min(...a.map((row, i) => row[i]));
}

test('noiseless density matrix equals |ψ⟩⟨ψ| from the statevector simulator', () => {
  const rng = new Rng(3);
  const c = headCircuit({ qubits: 3, layers: 2, reupload: true });
  const B = 2;
  const x = Float64Array.from({ length: B * 3 }, () => rng.uniform(-1.5, 1.5));
  const w = Float64Array.from({ length: c.nWeights }, () => rng.uniform(0, 6));
  const psi = run(c, x, w);
  const rho = runDensity(c, x, w);
  const d = 8;
  for (let b = 0; b < B; b++)
    for (let r = 0; r < d; r++)
      for (let k = 0; k < d; k++) {
        const pr = psi.re[b * d + r],
          pi = psi.im[b * d + r],
          qr = psi.re[b * d + k],
          qi = psi.im[b * d + k];
        close(rho.re[b * 64 + r * d + k], pr * qr + pi * qi, 1e-12, 're');
        close(rho.im[b * 64 + r * d + k], pi * qr - pr * qi, 1e-12, 'im');
      }
  const e = evaluateNoisy(c, x, w);
  expvalZ(psi).forEach((v, i) => close(e[i], v, 1e-12, `⟨Z⟩ ${i}`));
});

test('analytic channel results on one qubit', () => {
  const one = (prep: 'zero' | 'one' | 'plus', ch: ChannelSpec) => {
    const rho = zeroDensity(1, 1);
    rho.re.fill(0);
    if (prep === 'zero') rho.re[0] = 1;
    if (prep === 'one') rho.re[3] = 1;
    if (prep === 'plus') rho.re.fill(0.5);
    applyChannel(rho, 1, 0, krausOperators(ch));
    return rho;
  };
  for (const p of [0.01, 0.2, 0.75]) {
    const r = one('zero', { channel: 'depolarizing', p });
    close(r.re[0] - r.re[3], 1 - (4 * p) / 3, 1e-14, `depolarizing ${p}`);
    const a = one('one', { channel: 'amplitude_damping', p });
    close(a.re[0] - a.re[3], -1 + 2 * p, 1e-14, `amplitude damping ${p}`);
    const ph = one('plus', { channel: 'phase_damping', p });
    close(ph.re[1], 0.5 * Math.sqrt(1 - p), 1e-14, `phase damping ${p}`);
    const bf = one('zero', { channel: 'bit_flip', p });
    close(bf.re[3], p, 1e-14, `bit flip ${p}`);
    const pf = one('plus', { channel: 'phase_flip', p });
    close(pf.re[1], 0.5 * (1 - 2 * p), 1e-14, `phase flip ${p}`);
  }
  const T1 = 100,
    T2 = 70,
    t = 30;
  const ex = one('one', { channel: 'thermal_relaxation', t1: T1, t2: T2, time: t });
  close(ex.re[3], Math.exp(-t / T1), 1e-13, 'T1 population');
  const co = one('plus', { channel: 'thermal_relaxation', t1: T1, t2: T2, time: t });
  close(Math.hypot(co.re[1], co.im[1]), 0.5 * Math.exp(-t / T2), 1e-13, 'T2 coherence');
});

test('trace preserved within 1e-12 and ρ stays positive semi-definite under every channel', () => {
  const rng = new Rng(8);
  const c = headCircuit({ qubits: 3, layers: 2 });
  const x = Float64Array.from({ length: 3 }, () => rng.uniform(-1.5, 1.5));
  const w = Float64Array.from({ length: c.nWeights }, () => rng.uniform(0, 6));
  for (const channel of CHANNEL_NAMES) {
    const rule =
      channel === 'thermal_relaxation'
        ? { after: 'every-gate', channel, t1: 50, t2: 60, time: 5 }
        : { after: 'every-gate', channel, p: 0.07 };
    const rho = runDensity(c, x, w, parseNoiseModel({ rules: [rule] }));
    close(densityTrace(rho)[0], 1, 1e-12, `${channel} trace`);
    assert.ok(minEigen(rho.re, rho.im, 8) > -1e-12, `${channel}: ρ has a negative eigenvalue`);
  }
});

test('readout confusion and seeded shots', () => {
  const p = applyReadout(Float64Array.of(1, 0), 1, [[0.1, 0.2]]);
  close(p[0], 0.9, 1e-15, 'P(read 0 | 0)');
  close(p[1], 0.1, 1e-15, 'P(read 1 | 0)');
  const c: Circuit = {
    nQubits: 1,
    nInputs: 1,
    nWeights: 0,
    ops: [{ gate: 'RY', wires: [0], params: [{ kind: 'input', index: 0 }] }],
  };
  const x = Float64Array.of(1.1);
  const exact = Math.cos(1.1);
  const a = evaluateNoisy(c, x, new Float64Array(0), { shots: 10000, seed: 5 })[0];
  assert.equal(evaluateNoisy(c, x, new Float64Array(0), { shots: 10000, seed: 5 })[0], a);
  assert.notEqual(evaluateNoisy(c, x, new Float64Array(0), { shots: 10000, seed: 6 })[0], a);
  const se = Math.sqrt((1 - exact ** 2) / 10000);
  assert.ok(Math.abs(a - exact) < 4 * se, `shot estimate ${a} vs ${exact} (se ${se})`);
  const ro = evaluateNoisy(c, x, new Float64Array(0), {
    noise: parseNoiseModel({ rules: [], readout: [0.05, 0.1] }),
  })[0];
  close(ro, 0.1 - 0.05 + (1 - 0.15) * exact, 1e-12, 'readout on ⟨Z⟩');
  const probs = densityProbabilities(runDensity(c, x, new Float64Array(0)));
  close(probs[0] + probs[1], 1, 1e-14, 'probabilities sum');
});

test('parameter shift through the noisy executor equals finite differences of the noisy expectation', () => {
  const rng = new Rng(12);
  const c = headCircuit({ qubits: 2, layers: 2 });
  const x = Float64Array.from({ length: 2 }, () => rng.uniform(-1, 1));
  const w = Float64Array.from({ length: c.nWeights }, () => rng.uniform(0, 6));
  const noise = profileToNoiseModel(loadProfile('eagle'));
  const ev = (cc: Circuit, xx: Float64Array | Float32Array, ww: Float64Array | Float32Array, B: number) =>
    evaluateNoisy(cc, xx, ww, { noise }, B);
  const g = paramShiftVjp(c, x, w, undefined, ev, 1);
  const h = 1e-5;
  for (let i = 0; i < w.length; i += 3) {
    const p = Float64Array.from(w);
    const m = Float64Array.from(w);
    p[i] += h;
    m[i] -= h;
    const fd =
      (ev(c, x, p, 1).reduce((a, v) => a + v, 0) - ev(c, x, m, 1).reduce((a, v) => a + v, 0)) / (2 * h);
    close(g.gradWeights[i], fd, 1e-7, `weight ${i}`);
  }
  // noise shrinks ⟨Z⟩ towards 0 compared with the ideal circuit
  const ideal = evaluateNoisy(c, x, w);
  const noisy = ev(c, x, w, 1);
  assert.ok(Math.abs(noisy[0]) < Math.abs(ideal[0]) + 1e-12);
});

test('bad input: probabilities, T2 > 2·T1, unknown keys, profiles, qubit range', () => {
  assert.throws(
    () => parseNoiseModel({ rules: [{ after: '1q', channel: 'depolarizing', p: 1.5 }] }),
    /noise\.rules\[0\]\.p: must be in \[0, 1\], got 1\.5/,
  );
  assert.throws(
    () =>
      parseNoiseModel({ rules: [{ after: '1q', channel: 'thermal_relaxation', t1: 10, t2: 25, time: 1 }] }),
    /t2: T2 \(25\) must not exceed 2·T1/,
  );
  assert.throws(
    () => parseNoiseModel({ rules: [{ after: 'sometimes', channel: 'bit_flip', p: 0.1 }] }),
    /rules\[0\]\.after/,
  );
  assert.throws(
    () => parseNoiseModel({ rules: [{ after: '2q', channel: 'bit_flip', q: 0.1 }] }),
    /rules\[0\]\.q: unknown key/,
  );
  assert.throws(
    () => parseNoiseModel({ rules: [{ after: '2q', channel: 'leakage', p: 0.1 }] }),
    /unknown channel "leakage"/,
  );
  assert.throws(() => parseNoiseModel({ readout: [0.1, -0.2] }), /noise\.readout\[1\]: must be in \[0, 1\]/);
  assert.throws(() => parseNoiseModel({ rulez: [] }), /noise\.rulez: unknown key/);
  assert.throws(() => loadProfile('osprey'), /osprey: no such profile/);
  for (const name of ['ideal', 'heron', 'eagle']) assert.equal(loadProfile(name).name, name);
  assert.throws(() => zeroDensity(9, 1), /1 to 8 qubits/);
});
