import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics, headInterval, pairedVerdict, tQuantile } from '../../src/eval/index.js';
import { Rng } from '../../src/util/rng.js';

const C = 3;

/** Predictions right with probability `p` per case (a wrong one: the next class). */
function seedsOf(rng: Rng, labels: Int32Array, seeds: number, p: number): Int32Array[] {
  return Array.from({ length: seeds }, () =>
    Int32Array.from(labels, (y) => (rng.next() < p ? y : (y + 1) % C)),
  );
}

test('a head interval is centred on the seed-mean metric of the test set as it is', () => {
  const rng = new Rng(3);
  const labels = Int32Array.from({ length: 120 }, () => rng.int(C));
  const groups = Int32Array.from(labels, (_, i) => i >> 2);
  const pred = seedsOf(rng, labels, 4, 0.7);
  for (const metric of ['accuracy', 'balancedAccuracy', 'macroF1'] as const) {
    const iv = headInterval({ classes: C, labels, groups, head: { pred } }, metric, { seed: 1 });
    const mean = pred.reduce((a, p) => a + classificationMetrics(labels, p, C)[metric], 0) / pred.length;
    assert.ok(Math.abs(iv.estimate - mean) < 1e-12, `${metric}: ${iv.estimate} vs ${mean}`);
    assert.ok(iv.lo < iv.estimate && iv.estimate < iv.hi, `${metric}: ${JSON.stringify(iv)}`);
    assert.deepEqual(iv.n, { groups: 30, seeds: 4, resamples: 2000 });
    assert.equal(iv.method, 'hierarchical-bootstrap');
  }
});

test('one seed, one case per group: the interval is the t-interval of a proportion (closed form)', () => {
  const rng = new Rng(11);
  const n = 400;
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const groups = Int32Array.from(labels, (_, i) => i);
  const [pred] = seedsOf(rng, labels, 1, 0.8);
  const iv = headInterval({ classes: C, labels, groups, head: { pred: [pred] } }, 'accuracy', {
    seed: 2,
    resamples: 4000,
  });
  const p = iv.estimate;
  // unbiased standard error of a mean of n Bernoulli cases, t on n − 1 degrees of freedom
  const half = tQuantile(0.975, n - 1) * Math.sqrt((p * (1 - p)) / (n - 1));
  assert.ok(
    Math.abs((iv.hi - iv.lo) / 2 - half) < 0.1 * half,
    `half-width ${(iv.hi - iv.lo) / 2} vs ${half}`,
  );
});

test('cases of one patient group are resampled together: correlated groups widen the interval', () => {
  const rng = new Rng(5);
  const size = 6;
  const G = 40;
  const labels = Int32Array.from({ length: G * size }, () => rng.int(C));
  // every case of a group right or wrong together (one patient, one difficulty)
  const right = Array.from({ length: G }, () => rng.next() < 0.7);
  const pred = [Int32Array.from(labels, (y, i) => (right[Math.floor(i / size)] ? y : (y + 1) % C))];
  const byGroup = Int32Array.from(labels, (_, i) => Math.floor(i / size));
  const byCase = Int32Array.from(labels, (_, i) => i);
  const width = (groups: Int32Array) => {
    const iv = headInterval({ classes: C, labels, groups, head: { pred } }, 'accuracy', { seed: 4 });
    return iv.hi - iv.lo;
  };
  // ~√6 wider: 40 independent units, not 240
  const ratio = width(byGroup) / width(byCase);
  assert.ok(ratio > 1.8 && ratio < 3.2, `grouped / ungrouped width ${ratio}`);
});

test("a head interval is the verdicts' bootstrap: the same numbers as a verdict against a reference at 0", () => {
  const rng = new Rng(8);
  const labels = Int32Array.from({ length: 90 }, () => rng.int(C));
  const groups = Int32Array.from(labels, (_, i) => i % 15);
  const pred = seedsOf(rng, labels, 3, 0.75);
  // a reference wrong on every case has accuracy 0 on every resample
  const zero = pred.map(() => Int32Array.from(labels, (y) => (y + 1) % C));
  const iv = headInterval({ classes: C, labels, groups, head: { pred } }, 'accuracy', { seed: 6 });
  const v = pairedVerdict(
    { classes: C, folds: [{ labels, groups, head: { pred }, reference: { pred: zero } }] },
    { head: 'h', reference: 'zero', metric: 'accuracy', seed: 6 },
  );
  assert.ok(v.ci);
  assert.ok(Math.abs(100 * iv.estimate - v.diff) < 1e-9);
  assert.ok(Math.abs(100 * iv.lo - v.ci[0]) < 1e-9 && Math.abs(100 * iv.hi - v.ci[1]) < 1e-9);
});

test('one test group: no interval (the test-set variance is unestimable)', () => {
  const labels = Int32Array.from({ length: 12 }, (_, i) => i % C);
  const pred = [Int32Array.from(labels), Int32Array.from(labels, (y, i) => (i < 3 ? (y + 1) % C : y))];
  const iv = headInterval(
    { classes: C, labels, groups: new Array(12).fill('p1'), head: { pred } },
    'accuracy',
  );
  assert.ok(Number.isNaN(iv.lo) && Number.isNaN(iv.hi));
  assert.ok(Math.abs(iv.estimate - 0.875) < 1e-12);
});
