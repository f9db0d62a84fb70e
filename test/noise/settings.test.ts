import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_NOISE_CONFIG,
  HybridExecutor,
  SWEEP_CHANNELS,
  breakEven,
  logLevels,
  parseNoiseSpec,
  resolveNoiseConfig,
  sweepNoiseModel,
} from '../../src/noise/index.js';
import { dressedHeadForward, headCircuit, type DressedHeadParams } from '../../src/quantum/index.js';
import { Rng } from '../../src/util/rng.js';

test('break-even: log-scale interpolation and every status', () => {
  const levels = [1e-3, 1e-2, 1e-1];
  const be = breakEven(0.9, levels, [0.9, 0.9, 0.7], 0.8);
  assert.equal(be.status, 'crosses');
  assert.ok(Math.abs(Math.log10(be.level!) - -1.5) < 1e-12, `${be.level}`);
  const q = breakEven(0.95, levels, [0.95, 0.85, 0.75], 0.8);
  assert.ok(Math.abs(Math.log10(q.level!) - -1.5) < 1e-12);
  assert.deepEqual(breakEven(0.7, levels, [0.7, 0.6, 0.5], 0.8), { level: 0, status: 'below-noiseless' });
  assert.deepEqual(breakEven(0.9, levels, [0.7, 0.6, 0.5], 0.8), {
    level: 1e-3,
    status: 'below-at-lowest-level',
  });
  assert.deepEqual(breakEven(0.9, levels, [0.9, 0.85, 0.8], 0.8), { level: null, status: 'never-below' });
  assert.throws(() => breakEven(0.9, [1e-2, 1e-3], [0.9, 0.9], 0.8), /increasing/);
  assert.throws(() => breakEven(0.9, levels, [0.9], 0.8), /3 levels for 1 scores/);
});

test('levels, channels and noise specs', () => {
  const l = logLevels(1e-4, 1e-1, 8);
  assert.equal(l.length, 8);
  assert.equal(l[0], 1e-4);
  assert.equal(l[7], 0.1);
  for (let i = 1; i < 8; i++) assert.ok(Math.abs(Math.log10(l[i] / l[i - 1]) - 3 / 7) < 1e-5);
  assert.deepEqual(DEFAULT_NOISE_CONFIG.levels, l);
  assert.equal(SWEEP_CHANNELS.length, 6);
  assert.deepEqual(sweepNoiseModel('readout', 0.02), { rules: [], readout: [0.02, 0.02] });
  assert.deepEqual(sweepNoiseModel('depolarizing_2q', 0.01).rules, [
    { after: '2q', channel: 'depolarizing', p: 0.01 },
  ]);
  assert.equal(parseNoiseSpec('eagle', 'f').profile?.name, 'eagle');
  assert.deepEqual(parseNoiseSpec('bit_flip@0.05', 'f').model.rules, [
    { after: 'every-gate', channel: 'bit_flip', p: 0.05 },
  ]);
  assert.throws(() => parseNoiseSpec('nope@0.1', 'aware.noise'), /aware\.noise: unknown channel 'nope'/);
  assert.throws(
    () => parseNoiseSpec('bit_flip@2', 'aware.noise'),
    /aware\.noise: level .* must be a number in \[0, 1\]/,
  );
  assert.throws(
    () => parseNoiseSpec('/no/such/profile.json', 'profiles[3]'),
    /profiles\[3\]: .*no such profile/,
  );
});

test('config: defaults, overrides and errors that name the field', () => {
  const d = resolveNoiseConfig({});
  assert.deepEqual(d.shots, [100, 1000, 10000, null]);
  assert.deepEqual(d.profiles, ['ideal', 'heron', 'eagle']);
  const c = resolveNoiseConfig({
    shots: [10, 'exact'],
    levels: { from: 1e-3, to: 1e-1, count: 3 },
    aware: { enabled: false },
  });
  assert.deepEqual(c.shots, [10, null]);
  assert.deepEqual(c.levels, [0.001, 0.01, 0.1]);
  assert.equal(c.aware.enabled, false);
  assert.equal(c.aware.epochs, d.aware.epochs);
  const bad: [unknown, RegExp][] = [
    [
      { channels: ['depolarizing_1q', 'gamma'] },
      /noise\.channels\[1\]: must be one of "depolarizing_1q", .*, got "gamma"/,
    ],
    [{ levels: [0.1, 0.01] }, /noise\.levels\[1\]: levels must increase/],
    [
      { levels: [0, 0.1] },
      /noise\.levels: must be a list of ≥ 2 increasing levels in \(0, 1\], .*got \[0,0\.1\]$/,
    ],
    [
      { shots: [1.5] },
      /noise\.shots\[0\]: must be a shot count \(an integer in \[1, 100000000\]\).*got 1\.5$/,
    ],
    [{ mitigation: { scales: [1, 2] } }, /noise\.mitigation\.scales\[1\]: scale factors must be odd/],
    [{ aware: { lr: -1 } }, /noise\.aware\.lr/],
    [{ bootstrap: { resamples: 1.5 } }, /noise\.bootstrap\.resamples/],
    [{ colour: 'red' }, /unknown key 'noise\.colour'/],
    [[], /noise: must be an object/],
  ];
  for (const [raw, re] of bad) assert.throws(() => resolveNoiseConfig(raw), re);
});

test('executor: noiseless density run equals the exact statevector head; readout mitigation restores it; shots are seeded', () => {
  const rng = new Rng(5);
  const n = 3;
  const c = headCircuit({ qubits: n, layers: 2 });
  const D = 5;
  const p: DressedHeadParams = {
    inDim: D,
    nQubits: n,
    nClasses: 4,
    pre: {
      weight: Float32Array.from({ length: n * D }, () => rng.normal(0, 0.7)),
      bias: new Float32Array(n),
    },
    post: { weight: Float32Array.from({ length: 4 * n }, () => rng.normal()), bias: new Float32Array(4) },
    circuit: {
      embedding: 'X',
      template: 'strong',
      layers: 2,
      reupload: false,
      weights: Float64Array.from({ length: c.nWeights }, () => rng.uniform(0, 6)),
    },
  };
  const B = 20;
  const x = Float32Array.from({ length: B * D }, () => rng.normal());
  const ex = new HybridExecutor(p, x);
  const ref = dressedHeadForward(p, x).expvals;
  const z0 = ex.expvals();
  z0.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-10));
  const noise = sweepNoiseModel('readout', 0.08);
  const zr = ex.expvals({ noise });
  assert.ok(
    zr.some((v, i) => Math.abs(v - ref[i]) > 1e-3),
    'readout error changes ⟨Z⟩',
  );
  ex.expvals({ noise, readoutMitigation: true }).forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-10));
  // depolarizing at p = 3/4 after the last Rot layer leaves I/2ⁿ (CNOTs keep it): every ⟨Z⟩ is 0
  const zd = ex.expvals({ noise: sweepNoiseModel('depolarizing_1q', 0.75) });
  zd.forEach((v) => assert.ok(Math.abs(v) < 1e-12, `${v}`));
  const s1 = ex.expvals({ shots: 50, seed: 9 });
  assert.deepEqual(s1, ex.expvals({ shots: 50, seed: 9 }));
  assert.notDeepEqual(s1, ex.expvals({ shots: 50, seed: 10 }));
  s1.forEach((v) => assert.ok(Number.isInteger(Math.round(((v + 1) / 2) * 50 * 1e6) / 1e6)));
  assert.throws(() => new HybridExecutor(p, new Float32Array(7)), /not a multiple of 5/);
});
