import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';

test('same seed gives the same stream, different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xa = Array.from({ length: 100 }, () => a.next());
  const xb = Array.from({ length: 100 }, () => b.next());
  const xc = Array.from({ length: 100 }, () => c.next());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('uniform moments and normal moments are right within sampling error', () => {
  const r = new Rng(7);
  const n = 200_000;
  let s = 0;
  let s2 = 0;
  let ns = 0;
  let ns2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    const z = r.normal();
    ns += z;
    ns2 += z * z;
  }
  // mean 1/2 (sd of the mean ≈ 0.00065), variance 1/12
  assert.ok(Math.abs(s / n - 0.5) < 0.004);
  assert.ok(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12) < 0.003);
  assert.ok(Math.abs(ns / n) < 0.012);
  assert.ok(Math.abs(ns2 / n - 1) < 0.02);
});

test('permutation is a permutation and forks are independent of the parent position', () => {
  const r = new Rng(1);
  const p = Array.from(r.permutation(50)).sort((x, y) => x - y);
  assert.deepEqual(
    p,
    Array.from({ length: 50 }, (_, i) => i),
  );
  const f1 = new Rng(5).fork('epoch-3').next();
  const parent = new Rng(5);
  parent.next();
  assert.equal(parent.fork('epoch-3').next(), f1);
  assert.notEqual(new Rng(5).fork('epoch-4').next(), f1);
  assert.throws(() => r.int(0), /positive integer/);
});
