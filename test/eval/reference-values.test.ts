import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  groupedPermutationTest,
  hierarchicalBootstrap,
  holm,
  nadeauBengio,
  pairedMetric,
  preparePaired,
  tCdf,
  tQuantile,
  type MetricName,
} from '../../src/eval/index.js';

// values from scipy / statsmodels, made by scripts/stats-fixtures.py
const ref = JSON.parse(readFileSync(new URL('../fixtures/stats/reference.json', import.meta.url), 'utf8'));
const close = (a: number, b: number, tol: number, what = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} ≠ ${b} (tolerance ${tol})`);

test('t CDF and quantiles match scipy.stats.t', () => {
  for (const r of ref.tCdf) close(tCdf(r.t, r.df), r.cdf, 1e-10, `cdf(${r.t}, ${r.df})`);
  for (const r of ref.tQuantile)
    close(tQuantile(r.p, r.df), r.q, 1e-8 * Math.max(1, Math.abs(r.q)), `ppf(${r.p}, ${r.df})`);
});

test('Holm adjustment matches statsmodels multipletests(method="holm")', () => {
  for (const r of ref.holm) {
    const got = holm(r.p);
    r.adjusted.forEach((v: number, i: number) => close(got[i], v, 1e-12, `holm ${r.p} [${i}]`));
  }
  assert.throws(() => holm([0.5, 1.2]), /not in \[0, 1\]/);
  assert.deepEqual(holm([]), []);
});

test('Nadeau–Bengio corrected t-test matches the formula with scipy t', () => {
  for (const r of ref.nadeauBengio) {
    const got = nadeauBengio(r.diffs, r.ratio);
    for (const k of ['mean', 'se', 't', 'p', 'lo', 'hi'] as const) close(got[k], r[k], 1e-9, `NB ${k}`);
    assert.equal(got.df, r.diffs.length - 1);
  }
  assert.throws(() => nadeauBengio([1], 0.5), /≥ 2 folds/);
});

function fixtureFold() {
  const d = ref.pairedData;
  const C = d.classes;
  const argmax = (p: number[][]) => p.map((row) => row.indexOf(Math.max(...row)));
  return {
    classes: C,
    folds: [
      {
        labels: d.labels,
        groups: d.groups,
        head: { pred: d.head.map(argmax), probs: d.head.map((p: number[][]) => p.flat()) },
        reference: { pred: d.reference.map(argmax), probs: d.reference.map((p: number[][]) => p.flat()) },
      },
    ],
  };
}

test('grouped permutation test: exact p equals scipy permutation_test (whole groups swapped, 2 seeds)', () => {
  const data = fixtureFold();
  for (const [name, want] of Object.entries(ref.pairedData.permutation) as [
    MetricName,
    { statistic: number; p: number },
  ][]) {
    const m = pairedMetric(name);
    const folds = preparePaired(data, m.needsProbs);
    const r = groupedPermutationTest(folds, m, data.classes, { permutations: 1024 });
    assert.equal(r.exact, true);
    assert.equal(r.permutations, 1024);
    close(r.statistic, want.statistic, 1e-12, `${name} statistic`);
    close(r.p, want.p, 1e-12, `${name} p`);
    // the Monte Carlo version agrees within its sampling error
    const mc = groupedPermutationTest(folds, m, data.classes, { permutations: 1000, seed: 3 });
    assert.equal(mc.exact, false);
    close(mc.p, want.p, 4 * Math.sqrt((want.p * (1 - want.p)) / 1000) + 2e-3, `${name} Monte Carlo p`);
  }
});

test('grouped bootstrap of an accuracy difference (one seed) matches scipy.stats.bootstrap over groups', () => {
  const g = ref.groupedBootstrap;
  // correctness 1/0 → predictions of a 2-class problem whose labels are all 0
  const labels = g.groups.map(() => 0);
  const data = {
    classes: 2,
    folds: [
      {
        labels,
        groups: g.groups,
        head: { pred: [g.headCorrect.map((c: number) => 1 - c)] },
        reference: { pred: [g.referenceCorrect.map((c: number) => 1 - c)] },
      },
    ],
  };
  const m = pairedMetric('accuracy');
  const r = hierarchicalBootstrap(preparePaired(data, false), m, 2, { resamples: 4000, seed: 7 });
  close(r.estimate, g.estimate, 1e-12, 'estimate');
  // percentile end points from two different random streams: a Monte Carlo tolerance of ~0.2 se
  close(r.lo, g.lo, 0.25 * g.se, 'lo');
  close(r.hi, g.hi, 0.25 * g.se, 'hi');
  const sd = Math.sqrt(r.distribution.reduce((a, v) => a + (v - r.estimate) ** 2, 0) / r.resamples);
  close(sd, g.se, 0.1 * g.se, 'bootstrap standard error');
});
