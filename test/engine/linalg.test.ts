import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choleskySolve, matmulF64, unaryF64InPlace } from '../../src/engine/index.js';
import { Rng } from '../../src/util/rng.js';

// A = MᵀM + n·I (SPD), only its lower triangle filled; the solve must satisfy A·X = B for every
// right-hand side, and ignore whatever lies above the diagonal.
test('choleskySolve solves A·X = B for several right-hand sides from the lower triangle only', () => {
  const rng = new Rng(3);
  const n = 37;
  const C = 3;
  const m = Float64Array.from({ length: n * n }, () => rng.normal());
  const full = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
      full[i * n + j] = s;
    }
  const lower = Float64Array.from(full, (v, k) => (k % n <= Math.floor(k / n) ? v : 1e6 * rng.normal()));
  const b = Float64Array.from({ length: C * n }, () => rng.normal());
  const x = choleskySolve(lower, n, b, C);
  assert.equal(x.length, C * n);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += full[i * n + j] * x[c * n + j];
      assert.ok(Math.abs(s - b[c * n + i]) < 1e-9, `row ${i} rhs ${c}: ${s} vs ${b[c * n + i]}`);
    }
});

test('choleskySolve rejects wrong sizes and matrices that are not positive definite', () => {
  assert.throws(() => choleskySolve(new Float64Array(4), 3, new Float64Array(3), 1), /n×n is 9/);
  assert.throws(() => choleskySolve(new Float64Array(4), 2, new Float64Array(3), 1), /c×n is 2/);
  assert.throws(() => choleskySolve(new Float64Array(4), 0, new Float64Array(0), 1), /positive integers/);
  // [[1, 2], [2, 1]] has eigenvalues 3 and −1
  assert.throws(
    () => choleskySolve(Float64Array.from([1, 0, 2, 1]), 2, Float64Array.from([1, 1]), 1),
    /not positive definite/,
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
