import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapCI,
  classificationMetrics,
  mcnemarExact,
  metricsFromConfusion,
  summarize,
  verdictLabel,
  verdictSentence,
  type Verdict,
} from '../../src/eval/index.js';

test('McNemar exact: b = 1, c = 9 gives p = 22/1024 (two-sided binomial)', () => {
  const labels = new Array(10).fill(0);
  const a = [0, ...new Array(9).fill(1)]; // A right once
  const b = [1, ...new Array(9).fill(0)]; // B right nine times
  const r = mcnemarExact(labels, a, b);
  assert.equal(r.b, 1);
  assert.equal(r.c, 9);
  assert.ok(Math.abs(r.p - 22 / 1024) < 1e-12);
  assert.equal(mcnemarExact([0, 1], [0, 1], [0, 1]).p, 1);
});

test('metrics from a hand-computed confusion matrix', () => {
  // rows = truth, columns = prediction
  const m = metricsFromConfusion([
    [5, 1, 0],
    [2, 3, 1],
    [0, 0, 4],
  ]);
  assert.equal(m.n, 16);
  assert.equal(m.accuracy, 12 / 16);
  const p0 = 5 / 7,
    r0 = 5 / 6,
    p1 = 3 / 4,
    r1 = 3 / 6,
    p2 = 4 / 5,
    r2 = 1;
  const f = (p: number, r: number) => (2 * p * r) / (p + r);
  assert.ok(Math.abs(m.macroF1 - (f(p0, r0) + f(p1, r1) + f(p2, r2)) / 3) < 1e-12);
  assert.ok(Math.abs(m.balancedAccuracy - (r0 + r1 + r2) / 3) < 1e-12);
  assert.ok(Math.abs(m.perClass[2].specificity! - 11 / 12) < 1e-12);
  const none = classificationMetrics([0, 0], [0, 0], 2);
  assert.equal(none.perClass[1].recall, null);
  assert.equal(none.perClass[1].precision, null);
  assert.throws(() => classificationMetrics([0, 3], [0, 1], 3), /label 1 out of range/);
  assert.throws(() => classificationMetrics([], [], 3), /no samples/);
});

test('bootstrap CI is seeded, brackets the estimate and narrows with n', () => {
  const acc = (correct: number[]) => (idx: Int32Array) =>
    idx.reduce((a, i) => a + correct[i], 0) / idx.length;
  const small = Array.from({ length: 50 }, (_, i) => (i % 4 === 0 ? 0 : 1));
  const big = Array.from({ length: 2000 }, (_, i) => (i % 4 === 0 ? 0 : 1));
  const a = bootstrapCI(small.length, acc(small), { seed: 3 });
  assert.deepEqual(a, bootstrapCI(small.length, acc(small), { seed: 3 }));
  assert.ok(a.lo <= a.estimate && a.estimate <= a.hi);
  const b = bootstrapCI(big.length, acc(big), { seed: 3 });
  assert.ok(b.hi - b.lo < (a.hi - a.lo) / 3);
  // normal approximation: half-width ≈ 1.96·sqrt(p(1−p)/n)
  assert.ok(Math.abs((b.hi - b.lo) / 2 - 1.96 * Math.sqrt((0.75 * 0.25) / 2000)) < 0.006);
});

test('seed summary: mean, sd and t-interval', () => {
  const s = summarize([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.sd - Math.sqrt(5 / 3)) < 1e-12);
  assert.ok(Math.abs(s.hi - (2.5 + (3.182 * Math.sqrt(5 / 3)) / 2)) < 1e-9);
});

test('verdict sentence: a bound that rounds to zero shows on which side of zero it lies', () => {
  const v: Verdict = {
    label: verdictLabel([-1.2, -0.004], 1),
    head: 'quantum head',
    reference: 'linear head',
    metric: 'accuracy',
    diff: -0.5,
    ci: [-1.2, -0.004],
    level: 0.95,
    margin: 1,
    p: 0.04,
    pHolm: null,
    method: 'hierarchical-bootstrap',
    n: { folds: 1, groups: 20, seeds: 10, resamples: 2000, permutations: 0 },
  };
  const m = /95% CI \[(\S+), (\S+)\]/.exec(verdictSentence(v))!;
  assert.equal(m[2], '−0.00');
  assert.match(verdictSentence(v), /^quantum head −0\.5 accuracy points vs linear head, .*: worse$/);
});
