/**
 * Statevector simulator timings: forward (⟨Z⟩ per wire) and forward + adjoint VJP (inputs and
 * weights) for AngleEmbedding + StronglyEntanglingLayers circuits; medians over repeated runs.
 *   node --import tsx bench/quantum/statevector.ts
 */
import { adjointVjp, expvalZ, headCircuit, run } from '../../src/quantum/index.js';
import { Rng } from '../../src/util/rng.js';

const rng = new Rng(0);
function time(fn: () => void, minMs = 300): number {
  fn();
  const ts: number[] = [];
  const start = performance.now();
  while (performance.now() - start < minMs || ts.length < 5) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

function measure(n: number, L: number, B: number) {
  const c = headCircuit({ qubits: n, layers: L });
  const x = Float64Array.from({ length: B * n }, () => rng.uniform(-1.5, 1.5));
  const w = Float64Array.from({ length: c.nWeights }, () => rng.uniform(0, 6.28));
  const cot = Float64Array.from({ length: B * n }, () => rng.uniform(-1, 1));
  const fwd = time(() => expvalZ(run(c, x, w, B)));
  const vjp = time(() => adjointVjp(c, x, w, cot, B));
  return { fwd, vjp };
}

console.log('| n | L | B | forward (ms) | forward + VJP (ms) | target |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [n, L, B, target] of [
  [4, 2, 1, '≤ 0.05 ms (fwd + VJP)'],
  [4, 2, 256, '≤ 4 ms (fwd + VJP)'],
  [4, 6, 1, ''],
  [4, 6, 256, ''],
  [8, 2, 1, ''],
  [8, 2, 256, ''],
] as [number, number, number, string][]) {
  const r = measure(n, L, B);
  console.log(`| ${n} | ${L} | ${B} | ${r.fwd.toFixed(4)} | ${r.vjp.toFixed(4)} | ${target} |`);
}
console.log('\nScaling, StronglyEntanglingLayers L = 2, per sample:\n');
console.log('| n | B | forward (ms/sample) | forward + VJP (ms/sample) |');
console.log('| --- | --- | --- | --- |');
for (let n = 2; n <= 12; n++) {
  const B = n <= 8 ? 256 : n <= 10 ? 32 : 4;
  const r = measure(n, 2, B);
  console.log(`| ${n} | ${B} | ${(r.fwd / B).toFixed(5)} | ${(r.vjp / B).toFixed(5)} |`);
}
