import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centredGramSolve, matmulF64, toIndexSets, unaryF64InPlace } from '../../src/engine/index.js';
import { Rng } from '../../src/util/rng.js';
import { centredGramReference } from './centred-gram-reference.js';

// n = 600 takes the blocked GEMM path (256-wide blocks, a ragged last one) for the large sets of the
// big weight run, the pair-by-pair scatter for its small sets and for the short runs: A·X must equal
// B for the matrix built the obvious way.
test('centredGramSolve solves the centred weighted Gram system of index sets, whatever path counts them', () => {
  const rng = new Rng(5);
  const n = 600;
  const C = 3;
  const sets: number[][] = [];
  const w: number[] = [];
  const draw = (size: number) => {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < size; i++) {
      const j = i + rng.int(n - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, size).sort((p, q) => p - q);
  };
  const add = (set: number[], weight: number) => {
    sets.push(set);
    w.push(weight);
  };
  for (let k = 0; k < 5; k++) add(draw(1 + rng.int(n / 2)), 0.75); // a short run
  for (let k = 0; k < 300; k++) add(draw(k % 3 === 0 ? 80 + rng.int(220) : 1 + rng.int(40)), 0.125);
  for (let i = 0; i < n; i++) add([i], 2 + (i % 2)); // alternating weights: runs of one
  const ridge = 1e-8;
  const b = Float64Array.from({ length: C * n }, () => rng.normal());
  const x = centredGramSolve(toIndexSets(sets), n, Float64Array.from(w), b, C, ridge);
  const a = centredGramReference(sets, w, n, ridge);
  assert.equal(x.length, C * n);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * x[c * n + j];
      assert.ok(Math.abs(s - b[c * n + i]) < 1e-9, `row ${i} rhs ${c}: ${s} vs ${b[c * n + i]}`);
    }
});

test('centredGramSolve rejects malformed sets, weights and sizes, and a singular matrix', () => {
  const ok = toIndexSets([[0, 1], [2]]);
  const w = Float64Array.from([1, 1]);
  const b = new Float64Array(3);
  assert.throws(() => centredGramSolve(ok, 3, w, new Float64Array(4), 1, 0), /b has 4 values, c×n is 3/);
  assert.throws(() => centredGramSolve(ok, 3, new Float64Array(1), b, 1, 0), /w has 1 values for 2 sets/);
  assert.throws(() => centredGramSolve(ok, 0, w, b, 1, 0), /n must be a positive integer/);
  assert.throws(() => centredGramSolve(toIndexSets([]), 3, new Float64Array(0), b, 1, 0), /no index sets/);
  assert.throws(
    () => centredGramSolve(toIndexSets([[0, 3], [2]]), 3, w, b, 1, 0),
    /increasing indices in 0..2/,
  );
  assert.throws(() => centredGramSolve(toIndexSets([[1, 1], [2]]), 3, w, b, 1, 0), /increasing indices/);
  assert.throws(() => centredGramSolve(toIndexSets([[1, 0], [2]]), 3, w, b, 1, 0), /increasing indices/);
  const bent = { offsets: Int32Array.from([0, 3, 2]), indices: Int32Array.from([0, 1]) };
  assert.throws(() => centredGramSolve(bent, 3, w, b, 1, 0), /offsets must not decrease/);
  const short = { offsets: Int32Array.from([0, 1, 3]), indices: Int32Array.from([0, 1]) };
  assert.throws(() => centredGramSolve(short, 3, w, b, 1, 0), /end at the number of indices/);
  assert.throws(() => centredGramSolve(ok, 3, Float64Array.from([1, -1]), b, 1, 0), /weight 1 is negative/);
  assert.throws(() => centredGramSolve(ok, 3, Float64Array.from([NaN, 1]), b, 1, 0), /weight 0 .*not finite/);
  assert.throws(() => centredGramSolve(ok, 3, w, b, 1, -1), /ridge must be finite and ≥ 0/);
  // zero weights and no ridge leave (1/4)·11ᵀ, rank one: the second pivot is exactly 0
  assert.throws(
    () => centredGramSolve(toIndexSets([[0], [1]]), 4, new Float64Array(2), new Float64Array(4), 1, 0),
    /not positive definite \(leading minor 2\)/,
  );
});

test('matmulF64 and unaryF64InPlace agree with plain loops and Math, and reject bad shapes and ops', () => {
  const m = 3;
  const k = 5;
  const n = 2;
  const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i + 1) * 3);
  const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i) / 7);
  const c = matmulF64(a, m, k, b, n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[i * k + q] * b[q * n + j];
      assert.ok(Math.abs(c[i * n + j] - s) < 1e-15, `(${i}, ${j})`);
    }
  assert.throws(() => matmulF64(a, m, k + 1, b, n), /m×k is 18/);
  const x = Float64Array.from({ length: 1000 }, (_, i) => (i - 500) / 60);
  const t = unaryF64InPlace('tanh', Float64Array.from(x));
  const e = unaryF64InPlace('exp', Float64Array.from(x));
  for (let i = 0; i < x.length; i++) {
    assert.ok(Math.abs(t[i] - Math.tanh(x[i])) <= 1e-15, `tanh(${x[i]})`);
    assert.ok(Math.abs(e[i] - Math.exp(x[i])) <= 1e-14 * Math.exp(x[i]), `exp(${x[i]})`);
  }
  assert.throws(() => unaryF64InPlace('sin' as 'exp', x), /unknown op 'sin'/);
});
