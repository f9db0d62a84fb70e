/**
 * Density-matrix forward with depolarizing noise after every gate: AngleEmbedding +
 * StronglyEntanglingLayers, n = 4, L = 6, B = 256 (target ≤ 50 ms), plus device profiles.
 *   node --import tsx bench/quantum/density.ts
 */
import {
  evaluateNoisy,
  headCircuit,
  loadProfile,
  parseNoiseModel,
  profileToNoiseModel,
  type NoiseModel,
} from '../../src/quantum/index.js';
import { Rng } from '../../src/util/rng.js';

const rng = new Rng(0);
const median = (f: () => void, reps = 7) => {
  f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(reps / 2)];
};
const B = 256;
const c = headCircuit({ qubits: 4, layers: 6 });
const x = Float64Array.from({ length: B * 4 }, () => rng.uniform(-1.5, 1.5));
const w = Float64Array.from({ length: c.nWeights }, () => rng.uniform(0, 6.28));
const cases: [string, NoiseModel | undefined, string][] = [
  ['noiseless', undefined, ''],
  [
    'depolarizing p=0.01 after every gate',
    parseNoiseModel({ rules: [{ after: 'every-gate', channel: 'depolarizing', p: 0.01 }] }),
    '≤ 50 ms',
  ],
  ['heron profile', profileToNoiseModel(loadProfile('heron')), ''],
  ['eagle profile', profileToNoiseModel(loadProfile('eagle')), ''],
];
console.log('| density matrix, n = 4, L = 6, B = 256 | ms | target |');
console.log('| --- | --- | --- |');
for (const [name, noise, target] of cases)
  console.log(`| ${name} | ${median(() => evaluateNoisy(c, x, w, { noise }, B)).toFixed(1)} | ${target} |`);
