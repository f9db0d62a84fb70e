import { test } from 'node:test';
import assert from 'node:assert/strict';
import { circuitParams, circuitProbs, headProbs, splitHead, type HeadExport } from '../../src/heads/index.js';
import { dressedAngles } from '../../src/quantum/index.js';
import { MaskedHead } from '../../src/explain/masked-head.js';
import { kernelCoalitions, kernelShap } from '../../src/explain/kernel-shap.js';
import { centredGramSolve, toIndexSets } from '../../src/engine/index.js';
import { Rng } from '../../src/util/rng.js';
import { permutationShap } from '../../src/explain/permutation-shap.js';
import { circuitInputShap } from '../../src/explain/circuit-shap.js';
import { exactShapleyFromValues } from '../../src/explain/exact-shap.js';
import { randomHead, randomRows } from './heads.js';
import { centredGramReference } from '../engine/centred-gram-reference.js';

/** Brute force: average marginal contribution over all n! orderings, with v(S) from headProbs. */
function bruteForce(
  head: HeadExport,
  x: Float64Array,
  bg: Float64Array,
): { phi: number[][]; base: number[] } {
  const d = x.length;
  const nb = bg.length / d;
  const C = head.classes;
  const v = (mask: boolean[]) => {
    const rows = new Float64Array(nb * d);
    for (let r = 0; r < nb; r++) for (let i = 0; i < d; i++) rows[r * d + i] = mask[i] ? x[i] : bg[r * d + i];
    const p = headProbs(head, rows);
    return Array.from({ length: C }, (_, c) => {
      let s = 0;
      for (let r = 0; r < nb; r++) s += p[r * C + c];
      return s / nb;
    });
  };
  const phi = Array.from({ length: C }, () => new Array<number>(d).fill(0));
  let count = 0;
  const perm = Array.from({ length: d }, (_, i) => i);
  const visit = (k: number) => {
    if (k === d) {
      count++;
      const mask = new Array<boolean>(d).fill(false);
      let prev = v(mask);
      for (const i of perm) {
        mask[i] = true;
        const cur = v(mask);
        for (let c = 0; c < C; c++) phi[c][i] += cur[c] - prev[c];
        prev = cur;
      }
      return;
    }
    for (let j = k; j < d; j++) {
      [perm[k], perm[j]] = [perm[j], perm[k]];
      visit(k + 1);
      [perm[k], perm[j]] = [perm[j], perm[k]];
    }
  };
  visit(0);
  return { phi: phi.map((r) => r.map((s) => s / count)), base: v(new Array<boolean>(d).fill(false)) };
}

for (const kind of ['linear', 'bottleneck', 'quantum'] as const) {
  test(`Kernel SHAP with every coalition equals brute-force Shapley values (${kind} head)`, () => {
    const d = 5;
    const head = randomHead(kind, d, 11);
    const x = randomRows(1, d, 1);
    const bg = randomRows(4, d, 2);
    const ref = bruteForce(head, x, bg);
    const r = kernelShap(new MaskedHead(splitHead(head), x, bg), { nsamples: 1000 });
    assert.ok(r.additivityError <= 1e-9, `additivity ${r.additivityError}`);
    for (let c = 0; c < head.classes; c++) {
      assert.ok(Math.abs(r.base[c] - ref.base[c]) < 1e-12);
      for (let i = 0; i < d; i++)
        assert.ok(Math.abs(r.phi[c * d + i] - ref.phi[c][i]) < 1e-7, `class ${c} feature ${i}`);
    }
  });

  test(`Permutation SHAP is additive and converges to the Shapley values (${kind} head)`, () => {
    const d = 5;
    const head = randomHead(kind, d, 12);
    const x = randomRows(1, d, 3);
    const bg = randomRows(3, d, 4);
    const ref = bruteForce(head, x, bg);
    const r = permutationShap(new MaskedHead(splitHead(head), x, bg), { permutations: 400, seed: 5 });
    assert.ok(r.additivityError <= 1e-12, `additivity ${r.additivityError}`);
    for (let c = 0; c < head.classes; c++)
      for (let i = 0; i < d; i++) {
        const err = Math.abs(r.phi[c * d + i] - ref.phi[c][i]);
        assert.ok(err <= 5 * r.stdErr![c * d + i] + 1e-9, `class ${c} feature ${i}: error ${err}`);
      }
  });
}

test('Kernel SHAP on 1,024 features: exact additivity at 2,048 coalitions, converges to Permutation SHAP with more', () => {
  const d = 1024;
  const head = randomHead('linear', d, 21);
  const x = randomRows(1, d, 5);
  const bg = randomRows(10, d, 6);
  const m = new MaskedHead(splitHead(head), x, bg);
  const cos = (a: Float64Array, b: Float64Array) => {
    let num = 0;
    let den1 = 0;
    let den2 = 0;
    for (let i = 0; i < d; i++) {
      num += a[i] * b[i];
      den1 += a[i] ** 2;
      den2 += b[i] ** 2;
    }
    return num / Math.sqrt(den1 * den2);
  };
  const k = kernelShap(m, { nsamples: 2048, seed: 1 });
  assert.ok(k.additivityError <= 1e-9, `kernel additivity ${k.additivityError}`);
  assert.equal(k.phi.length, 4 * d);
  assert.ok(k.phi.every(Number.isFinite));
  const p = permutationShap(m, { permutations: 20, seed: 2 });
  assert.ok(p.additivityError <= 1e-9);
  // 2,048 coalitions for 1,024 features is a nearly square regression (noisy); 8,192 converges
  const k8 = kernelShap(m, { nsamples: 8192, seed: 1 });
  assert.ok(k8.additivityError <= 1e-9);
  const c8 = cos(k8.phi, p.phi);
  assert.ok(c8 > 0.95, `cosine between Kernel SHAP (8,192) and Permutation SHAP: ${c8}`);
  assert.ok(c8 > cos(k.phi, p.phi), 'more coalitions, closer to the Shapley values');
});

test('Kernel SHAP at 1,024 features: the GEMM paths (indicator counts, batched side sums) equal the sparse adds', () => {
  const d = 1024;
  const rows = kernelCoalitions(d, 2048, new Rng(3));
  // the normal equations: the native solve (scatter for small sides, an exact float32 count GEMM for
  // large ones) must satisfy the system whose matrix is scattered here in float64
  const merged = new Map<Int32Array, number>();
  for (const { co, w } of rows) merged.set(co.idx, (merged.get(co.idx) ?? 0) + w);
  const sides = [...merged];
  const sets = sides.map(([idx]) => idx);
  const sizes = sets.map((idx) => idx.length);
  assert.ok(sizes.filter((s) => s >= d / 8).length >= 100, 'enough large sides to take the GEMM path');
  assert.ok(sizes.filter((s) => s < d / 8).length >= 100, 'and enough small ones to be scattered');
  const w = Float64Array.from(sides, ([, wt]) => wt);
  const a = centredGramReference(sets, w, d, 1e-10);
  // a right-hand side in the matrix's range (B = A·X0), so the solve is well posed despite the ridge
  const rng = new Rng(4);
  const x0 = Float64Array.from({ length: d }, () => rng.normal());
  const b = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) b[i] += a[i * d + j] * x0[j];
  const x = centredGramSolve(toIndexSets(sets), d, w, b, 1, 1e-10);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[i * d + j] * x[j];
    worst = Math.max(worst, Math.abs(s - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(worst < 1e-9 * scale, `residual ${worst} (right-hand side up to ${scale})`);
  // the coalition values: one GEMM for a batch vs one coalition at a time (sparse adds)
  for (const kind of ['linear', 'bottleneck'] as const) {
    const m = new MaskedHead(splitHead(randomHead(kind, d, 31)), randomRows(1, d, 7), randomRows(50, d, 8));
    const cos = rows.slice(0, 400).map((r) => r.co);
    const batch = m.values(cos);
    let err = 0;
    cos.forEach((co, k) => {
      const one = m.values([co]);
      for (let c = 0; c < m.C; c++) err = Math.max(err, Math.abs(one[c] - batch[k * m.C + c]));
    });
    assert.ok(err < 1e-12, `${kind}: values differ by ${err}`);
  }
});

test('Kernel SHAP leaves null players out (φ = 0) and still matches brute force on the others', () => {
  const d = 6;
  const head = randomHead('bottleneck', d, 13);
  const x = randomRows(1, d, 9);
  const bg = randomRows(4, d, 10);
  for (let r = 0; r < 4; r++) bg[r * d + 2] = x[2]; // feature 2 never differs from the background
  if (head.kind !== 'bottleneck') throw new Error('expected a bottleneck head');
  for (let o = 0; o < head.pre.outDim; o++) head.pre.weight[o * d + 4] = 0; // the head ignores feature 4
  const ref = bruteForce(head, x, bg);
  const r = kernelShap(new MaskedHead(splitHead(head), x, bg), { nsamples: 100 });
  assert.ok(r.additivityError <= 1e-9);
  for (let c = 0; c < 4; c++) {
    assert.equal(r.phi[c * d + 2], 0);
    assert.equal(r.phi[c * d + 4], 0);
    for (let i = 0; i < d; i++)
      assert.ok(Math.abs(r.phi[c * d + i] - ref.phi[c][i]) < 1e-7, `class ${c} feature ${i}`);
  }
});

test('exact Shapley values on the circuit inputs are additive and match brute force over the angles', () => {
  const d = 6;
  const head = randomHead('quantum', d, 31, 4, 3);
  const x = randomRows(1, d, 7);
  const bg = randomRows(5, d, 8);
  const r = circuitInputShap(head, x, bg);
  assert.equal(r.players, 3);
  assert.ok(r.additivityError <= 1e-12, `additivity ${r.additivityError}`);
  // f(x) is the head's own output
  const p = headProbs(head, x);
  for (let c = 0; c < 4; c++) assert.ok(Math.abs(r.fx[c] - p[c]) < 1e-12);
  // brute force, written independently: average each wire's marginal contribution over all 3!
  // orders; a coalition's value is the mean over background rows of the circuit's probabilities
  // with the explained sample's angles on the coalition's wires and the row's angles elsewhere
  const dp = circuitParams(head);
  const ax = dressedAngles(dp, Float64Array.from(x), 1);
  const ab = dressedAngles(dp, Float64Array.from(bg), 5);
  const value = (coalition: Set<number>) => {
    const angles = new Float64Array(5 * 3);
    for (let row = 0; row < 5; row++)
      for (let q = 0; q < 3; q++) angles[row * 3 + q] = coalition.has(q) ? ax[q] : ab[row * 3 + q];
    const probs = circuitProbs(dp, angles, 5);
    return [0, 1, 2, 3].map((c) => [0, 1, 2, 3, 4].reduce((acc, row) => acc + probs[row * 4 + c] / 5, 0));
  };
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (let c = 0; c < 4; c++)
    for (let q = 0; q < 3; q++) {
      let phi = 0;
      for (const order of orders) {
        const before = new Set(order.slice(0, order.indexOf(q)));
        phi += (value(new Set([...before, q]))[c] - value(before)[c]) / orders.length;
      }
      assert.ok(
        Math.abs(r.phi[c * 3 + q] - phi) < 1e-12,
        `class ${c} wire ${q}: ${r.phi[c * 3 + q]} vs ${phi}`,
      );
    }
  // the exact formula on a known game: v(S) = |S|² for 3 players → φ_i = 9/3 = 3
  const vals = new Float64Array(8);
  for (let m = 0; m < 8; m++) vals[m] = ((m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1)) ** 2;
  assert.deepEqual(
    Array.from(exactShapleyFromValues(vals, 3, 1)).map((v) => +v.toFixed(12)),
    [3, 3, 3],
  );
});

test('SHAP rejects a background of the wrong width and non-finite features before any work', () => {
  const head = randomHead('linear', 8, 1);
  assert.throws(
    () => new MaskedHead(splitHead(head), randomRows(1, 8, 1), randomRows(3, 7, 2)),
    /background width/,
  );
  assert.throws(
    () => new MaskedHead(splitHead(head), randomRows(1, 7, 1), randomRows(3, 8, 2)),
    /7 features/,
  );
  assert.throws(() => new MaskedHead(splitHead(head), randomRows(1, 8, 1), new Float64Array(0)), /empty/);
  const bad = randomRows(1, 8, 1);
  bad[3] = NaN;
  assert.throws(() => new MaskedHead(splitHead(head), bad, randomRows(3, 8, 2)), /feature 3/);
  assert.throws(
    () => circuitInputShap(randomHead('quantum', 8, 2), randomRows(1, 8, 1), randomRows(2, 9, 2)),
    /background width/,
  );
});
