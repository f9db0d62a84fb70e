import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedVerdict, type PairedData, type Verdict } from '../../src/eval/index.js';
import { Rng } from '../../src/util/rng.js';

/**
 * Simulations of the verdict machinery on synthetic heads: test groups (patients) share a
 * difficulty, so errors cluster within groups; each head seed adds its own offset. The head's
 * expected accuracy exceeds the reference's by exactly `delta` (no clamping: difficulty in [0.5, 0.85]).
 */
function synth(rng: Rng, delta: number, shape = { G: 30, size: 5, S: 5, seedSpread: 0.03 }): PairedData {
  const { G, size, S, seedSpread } = shape;
  const n = G * size;
  const groups = Int32Array.from({ length: n }, (_, i) => Math.floor(i / size));
  const labels = Int32Array.from({ length: n }, () => rng.int(2));
  const pGroup = Float64Array.from({ length: G }, () => rng.uniform(0.5, 0.85));
  const head = (shift: number) =>
    Array.from({ length: S }, () => {
      const e = rng.uniform(-seedSpread, seedSpread);
      return Int32Array.from(labels, (y, i) => (rng.next() < pGroup[groups[i]] + shift + e ? y : 1 - y));
    });
  return {
    classes: 2,
    folds: [{ labels, groups, head: { pred: head(delta) }, reference: { pred: head(0) } }],
  };
}

/**
 * Heads as trained heads behave: a case's difficulty U_i is shared by every seed (seeds agree on the
 * easy cases), and each seed moves its decision boundary, an offset e_s plus a tilt t_s along a case
 * direction w_i, which flips many cases together (case × seed errors correlated within a seed). The
 * expected accuracy is p_g + shift (E[e_s] = E[t_s] = 0, no clamping), so the head's exceeds the
 * reference's by exactly `delta`.
 */
function structured(rng: Rng, delta: number, S: number, G = 30, size = 5): PairedData {
  const n = G * size;
  const groups = Int32Array.from({ length: n }, (_, i) => Math.floor(i / size));
  const labels = Int32Array.from({ length: n }, () => rng.int(2));
  const pGroup = Float64Array.from({ length: G }, () => rng.uniform(0.5, 0.8));
  const U = Float64Array.from({ length: n }, () => rng.next());
  const w = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
  const head = (shift: number) =>
    Array.from({ length: S }, () => {
      const e = rng.uniform(-0.03, 0.03);
      const t = rng.uniform(-0.15, 0.15);
      return Int32Array.from(labels, (y, i) => (U[i] < pGroup[groups[i]] + shift + e + t * w[i] ? y : 1 - y));
    });
  return {
    classes: 2,
    folds: [{ labels, groups, head: { pred: head(delta) }, reference: { pred: head(0) } }],
  };
}

const REPS = 200;
// nominal rate + 3 binomial standard deviations over REPS repetitions
const allowed = (rate: number) => rate + 3 * Math.sqrt((rate * (1 - rate)) / REPS);

/** REPS accuracy verdicts, repetition r on data(r) with bootstrap seed r. */
const verdicts = (data: (r: number) => PairedData, reference = 'b'): Verdict[] =>
  Array.from({ length: REPS }, (_, r) =>
    pairedVerdict(data(r), { head: 'a', reference, metric: 'accuracy', resamples: 200, seed: r }),
  );
/** the share of verdicts labelled better or worse */
const decided = (vs: Verdict[]) =>
  vs.filter((v) => v.label === 'better' || v.label === 'worse').length / REPS;
/** the share of intervals that cover a true difference of `delta` (a fraction; the CI is in points) */
const covered = (vs: Verdict[], delta: number) =>
  vs.filter((v) => v.ci![0] <= 100 * delta && 100 * delta <= v.ci![1]).length / REPS;

test('A/A: "better" or "worse", and p < 0.05, each at most 5% + binomial noise', () => {
  const rng = new Rng(17);
  const vs = verdicts(() => synth(rng, 0), 'a′');
  const rejected = vs.filter((v) => v.p < 0.05).length / REPS;
  assert.ok(decided(vs) <= allowed(0.05), `A/A better/worse rate ${decided(vs)}`);
  assert.ok(rejected <= allowed(0.05), `A/A bootstrap-test rejection rate ${rejected}`);
});

test('independent case × seed errors: the 95% intervals are conservative (cover ≥ 90%, at most 99.5%)', () => {
  // the seed level gets S − 1 degrees of freedom whatever its case × seed share (hierarchical-bootstrap.ts),
  // which over-covers in this world, where that share really has (G − 1)(S − 1)
  const rng = new Rng(23);
  const delta = 0.06;
  const rate = covered(
    verdicts(() => synth(rng, delta)),
    delta,
  );
  assert.ok(rate >= 0.9 && rate <= 0.995, `coverage ${rate}`);
});

// the quick demo's shape (issue #17): 3 seeds per side and few test groups, seed offsets that matter;
// a plug-in variance with a normal-quantile interval said better/worse far above 5% here
for (const G of [2, 4]) {
  test(`A/A with 3 seeds and ${G} test groups: better/worse at most 5% + binomial noise`, () => {
    const rng = new Rng(31 + G);
    const rate = decided(verdicts(() => synth(rng, 0, { G, size: 20, S: 3, seedSpread: 0.08 }), 'a′'));
    assert.ok(rate <= allowed(0.05), `A/A better/worse rate ${rate}`);
  });
}

test('one test group on one fold: inconclusive, no interval (test-set variance unestimable)', () => {
  const v = pairedVerdict(synth(new Rng(5), 0.3, { G: 1, size: 40, S: 3, seedSpread: 0.01 }), {
    head: 'a',
    reference: 'b',
    metric: 'accuracy',
    resamples: 200,
  });
  assert.equal(v.label, 'inconclusive');
  assert.equal(v.ci, null);
  assert.ok(v.diff > 10, `diff ${v.diff}`);
});

// trained-head-like seeds: giving the case × seed share its own (G − 1)(S − 1) df said better/worse in
// 8–13% of these A/A comparisons (2–10 seeds per side)
for (const S of [2, 5]) {
  test(`structured heads, A/A with ${S} seeds per side: better/worse at most 5% + binomial noise`, () => {
    const rng = new Rng(41 + S);
    const rate = decided(verdicts(() => structured(rng, 0, S), 'a′'));
    assert.ok(rate <= allowed(0.05), `A/A better/worse rate ${rate}`);
  });
}

test('structured heads, 5 seeds per side: 95% intervals cover a known true difference in 90–98% of repetitions', () => {
  const rng = new Rng(29);
  const delta = 0.05;
  const rate = covered(
    verdicts(() => structured(rng, delta, 5)),
    delta,
  );
  assert.ok(rate >= 0.9 && rate <= 0.98, `coverage ${rate}`);
});
