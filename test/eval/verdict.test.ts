import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibration,
  classificationMetrics,
  hierarchicalBootstrap,
  holmFamily,
  nadeauBengio,
  pairedMetric,
  pairedVerdict,
  preparePaired,
  scratchSize,
  verdictLabel,
  verdictMethods,
  verdictSentence,
  type PairedData,
  type Verdict,
} from '../../src/eval/index.js';
import { Rng } from '../../src/util/rng.js';
import { smallSample } from '../../src/eval/hierarchical-bootstrap.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

/** Synthetic paired data: groups share a difficulty, each head seed a small offset. */
function synth(
  rng: Rng,
  o: { groups: number; size: number; seeds: number; delta: number; classes?: number },
) {
  const C = o.classes ?? 3;
  const n = o.groups * o.size;
  const groups = Int32Array.from({ length: n }, (_, i) => Math.floor(i / o.size));
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const pGroup = Float64Array.from({ length: o.groups }, () => rng.uniform(0.5, 0.9));
  const head = (shift: number) =>
    Array.from({ length: o.seeds }, () => {
      const e = rng.normal(0, 0.02);
      return Int32Array.from(labels, (y, i) =>
        rng.next() < pGroup[groups[i]] + shift + e ? y : (y + 1 + rng.int(C - 1)) % C,
      );
    });
  return {
    classes: C,
    folds: [{ labels, groups, head: { pred: head(o.delta) }, reference: { pred: head(0) } }],
  };
}

test('label follows the CI and the margin (TOST at the CI level), never inconsistent', () => {
  assert.equal(verdictLabel([0.1, 2], 1), 'better');
  assert.equal(verdictLabel([-3, -0.2], 1), 'worse');
  assert.equal(verdictLabel([-0.5, 0.9], 1), 'equivalent');
  assert.equal(verdictLabel([-0.5, 1], 1), 'inconclusive');
  assert.equal(verdictLabel([-1, 0.5], 1), 'inconclusive');
  assert.equal(verdictLabel(null, 1), 'inconclusive');
  const rng = new Rng(5);
  for (let i = 0; i < 2000; i++) {
    const a = rng.uniform(-3, 3);
    const b = rng.uniform(-3, 3);
    const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
    const m = rng.uniform(0, 2);
    const l = verdictLabel([lo, hi], m);
    if (l === 'better') assert.ok(lo > 0);
    if (l === 'worse') assert.ok(hi < 0);
    if (l === 'equivalent') assert.ok(-m < lo && hi < m);
    if (l === 'inconclusive') assert.ok(!(lo > 0) && !(hi < 0) && !(-m < lo && hi < m));
  }
});

test('pairedVerdict: a clear difference is "better", with p, interval and counts; deterministic per seed', () => {
  const data = synth(new Rng(1), { groups: 60, size: 5, seeds: 5, delta: 0.15 });
  const opts = {
    head: 'quantum head',
    reference: 'linear head',
    metric: 'accuracy' as const,
    resamples: 500,
    permutations: 500,
    seed: 3,
  };
  const v = pairedVerdict(data, opts);
  assert.equal(v.label, 'better');
  assert.equal(v.method, 'hierarchical-bootstrap');
  assert.ok(v.ci && v.ci[0] > 0 && v.ci[0] <= v.diff && v.diff <= v.ci[1]);
  assert.ok(v.p < 0.01);
  assert.equal(v.pHolm, null);
  assert.deepEqual(v.n, { folds: 1, groups: 60, seeds: 5, resamples: 500, permutations: 0 });
  assert.deepEqual(pairedVerdict(data, opts), v);
  assert.notDeepEqual(pairedVerdict(data, { ...opts, seed: 4 }).ci, v.ci);
  // the same heads swapped: mirrored verdict
  const swapped = { ...data, folds: data.folds.map((f) => ({ ...f, head: f.reference, reference: f.head })) };
  const w = pairedVerdict(swapped, opts);
  assert.equal(w.label, 'worse');
  close(w.diff, -v.diff, 1e-9);
});

test('identical heads are "equivalent" with p = 1; one seed on one fold is "inconclusive" without interval', () => {
  const data = synth(new Rng(2), { groups: 30, size: 4, seeds: 3, delta: 0 });
  const same: PairedData = { ...data, folds: data.folds.map((f) => ({ ...f, reference: f.head })) };
  const v = pairedVerdict(same, {
    head: 'a',
    reference: 'b',
    metric: 'macroF1',
    resamples: 200,
    permutations: 200,
  });
  assert.equal(v.diff, 0);
  assert.deepEqual(v.ci, [0, 0]);
  assert.equal(v.p, 1);
  assert.equal(v.label, 'equivalent');
  const one: PairedData = {
    ...data,
    folds: data.folds.map((f) => ({
      ...f,
      head: { pred: [f.head.pred[0]] },
      reference: { pred: [f.reference.pred[0]] },
    })),
  };
  const u = pairedVerdict(one, { head: 'a', reference: 'b', metric: 'accuracy', permutations: 200 });
  assert.equal(u.ci, null);
  assert.equal(u.label, 'inconclusive');
  assert.equal(u.n.resamples, 0);
  assert.equal(u.method, 'grouped-permutation');
  assert.equal(u.n.permutations, 200);
  assert.match(verdictSentence(u), /no interval \(one seed, one fold\).*: inconclusive$/);
});

test('with folds the default method is the Nadeau–Bengio corrected t over the per-fold seed means', () => {
  const rng = new Rng(9);
  const parts = [0.05, 0.1, 0.02].map((delta) => synth(rng, { groups: 20, size: 5, seeds: 2, delta }));
  const data: PairedData = { classes: 3, folds: parts.map((p) => p.folds[0]) };
  const v = pairedVerdict(data, { head: 'h', reference: 'r', metric: 'accuracy' });
  const acc = (pred: Int32Array, y: Int32Array) =>
    pred.reduce((a, p, i) => a + (p === y[i] ? 1 : 0), 0) / y.length;
  const diffs = data.folds.map((f) => {
    const y = f.labels as Int32Array;
    const hs = f.head.pred as Int32Array[];
    const rs = f.reference.pred as Int32Array[];
    return (100 * hs.reduce((a, p, s) => a + acc(p, y) - acc(rs[s], y), 0)) / hs.length;
  });
  const nb = nadeauBengio(diffs, 1 / 2);
  assert.equal(v.method, 'nadeau-bengio');
  close(v.diff, nb.mean, 1e-9);
  close(v.ci![0], nb.lo, 1e-9);
  close(v.ci![1], nb.hi, 1e-9);
  close(v.p, nb.p, 1e-12);
  const hb = pairedVerdict(data, {
    head: 'h',
    reference: 'r',
    metric: 'accuracy',
    method: 'hierarchical-bootstrap',
    resamples: 300,
    permutations: 300,
  });
  assert.equal(hb.method, 'hierarchical-bootstrap');
  assert.equal(hb.n.folds, 3);
  close(hb.diff, nb.mean, 1e-9);
});

test('with folds the bootstrap variance is the fold-level one (nested), floored by groups × seeds', () => {
  const rng = new Rng(12);
  const parts = [0, 0.15, 0.3].map((delta) => synth(rng, { groups: 30, size: 5, seeds: 3, delta }));
  const data: PairedData = { classes: 3, folds: parts.map((p) => p.folds[0]) };
  const m = pairedMetric('accuracy');
  const r = hierarchicalBootstrap(preparePaired(data, false), m, 3, { resamples: 1000, seed: 1 });
  // the fold means differ by ~15 points: their spread dominates and sets the variance
  close(r.variance.corrected, r.variance.folds * 1.5, 1e-15);
  assert.ok(r.variance.corrected > 4 * r.variance.both);
  assert.ok(r.lo < r.estimate - 0.1 && r.hi > r.estimate + 0.1, `[${r.lo}, ${r.hi}] around ${r.estimate}`);
  // identical folds: no fold spread, the groups × seeds variance is the floor
  const same: PairedData = { classes: 3, folds: [parts[1].folds[0], parts[1].folds[0], parts[1].folds[0]] };
  const q = hierarchicalBootstrap(preparePaired(same, false), m, 3, { resamples: 1000, seed: 1 });
  close(q.variance.folds, 0, 1e-18);
  assert.ok(q.variance.corrected > 0 && q.variance.corrected < q.variance.both);
});

test('resampling whole groups widens the interval when cases of a group agree', () => {
  const rng = new Rng(4);
  const data = synth(rng, { groups: 20, size: 10, seeds: 1, delta: 0.05 });
  // make every case of a group share one outcome per head: strongly clustered errors
  const f = data.folds[0];
  for (const h of [f.head.pred[0], f.reference.pred[0]])
    for (let i = 0; i < h.length; i++)
      h[i] = h[i - (i % 10)] === f.labels[i - (i % 10)] ? f.labels[i] : (f.labels[i] + 1) % 3;
  const m = pairedMetric('accuracy');
  const grouped = hierarchicalBootstrap(preparePaired(data, false), m, 3, { resamples: 1000, seed: 1 });
  const perCase = { ...data, folds: [{ ...f, groups: Array.from(f.labels, (_, i) => i) }] };
  const naive = hierarchicalBootstrap(preparePaired(perCase, false), m, 3, { resamples: 1000, seed: 1 });
  assert.equal(grouped.estimate, naive.estimate);
  assert.ok(
    grouped.hi - grouped.lo > 2 * (naive.hi - naive.lo),
    `${grouped.hi - grouped.lo} vs ${naive.hi - naive.lo}`,
  );
});

test('weighted metrics equal the plain metrics on the duplicated cases; ECE uses the report bins', () => {
  const rng = new Rng(8);
  const C = 4;
  const n = 50;
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const probs = Float64Array.from({ length: n * C }, () => rng.next());
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += probs[i * C + c];
    for (let c = 0; c < C; c++) probs[i * C + c] /= s;
  }
  const data = {
    classes: C,
    folds: [
      {
        labels,
        groups: labels,
        head: { pred: [labels], probs: [probs] },
        reference: { pred: [labels], probs: [probs] },
      },
    ],
  };
  const view = preparePaired(data, true)[0].a[0];
  const w = Float64Array.from({ length: n }, () => rng.int(3));
  const idx = Array.from(w).flatMap((k, i) => new Array<number>(k).fill(i));
  const dupLabels = idx.map((i) => labels[i]);
  const dupPred = idx.map((i) => view.pred[i]);
  const dupProbs = idx.flatMap((i) => Array.from(probs.subarray(i * C, (i + 1) * C)));
  const plain = classificationMetrics(dupLabels, dupPred, C);
  const scratch = new Float64Array(scratchSize(C));
  close(pairedMetric('accuracy').value(labels, view, w, C, scratch), plain.accuracy);
  close(pairedMetric('balancedAccuracy').value(labels, view, w, C, scratch), plain.balancedAccuracy);
  close(pairedMetric('macroF1').value(labels, view, w, C, scratch), plain.macroF1);
  close(pairedMetric('ece').value(labels, view, w, C, scratch), calibration(dupProbs, dupLabels, C).ece);
  assert.equal(calibration(dupProbs, dupLabels, C).bins.length, 15);
});

test('ECE is oriented: the better calibrated head gets a positive difference', () => {
  const n = 40;
  const labels = new Int32Array(n); // all class 0, predicted right half of the time
  const pred = Int32Array.from({ length: n }, (_, i) => i % 2);
  const probsOf = (conf: number) =>
    Float64Array.from({ length: n * 2 }, (_, k) => (k % 2 === pred[k >> 1] ? conf : 1 - conf));
  const data = {
    classes: 2,
    folds: [
      {
        labels,
        groups: Array.from({ length: n }, (_, i) => i >> 2),
        head: { pred: [pred], probs: [probsOf(0.55)] },
        reference: { pred: [pred], probs: [probsOf(0.95)] },
      },
    ],
  };
  const v = pairedVerdict(data, { head: 'h', reference: 'r', metric: 'ece', permutations: 100 });
  close(v.diff, 40, 1e-9); // reference ECE |0.5 − 0.95| = 0.45, head 0.05 → +40 points for the head
});

test('the sentence is made from the verdict object alone; Holm fills pHolm over the family', () => {
  const v: Verdict = {
    label: 'inconclusive',
    head: 'quantum head',
    reference: 'linear head',
    metric: 'balancedAccuracy',
    diff: 0.43,
    ci: [-1.12, 0.031],
    level: 0.95,
    margin: 1,
    p: 0.41,
    pHolm: null,
    method: 'hierarchical-bootstrap',
    n: { folds: 1, groups: 120, seeds: 10, resamples: 2000, permutations: 2000 },
  };
  assert.equal(
    verdictSentence(v),
    'quantum head +0.4 balanced-accuracy points vs linear head, 95% CI [−1.1, 0.03] (120 test groups × 10 seeds, hierarchical bootstrap), margin ±1.0, bootstrap test p = 0.41: inconclusive',
  );
  const fam = holmFamily([v, { ...v, p: 0.01 }, { ...v, p: 0.0004 }]);
  [0.41, 0.02, 0.0012].forEach((want, i) => close(fam[i].pHolm!, want));
  assert.match(verdictSentence(fam[2]), /p < 0\.001, Holm-adjusted p = 0\.0012: inconclusive$/);
  assert.equal(v.pHolm, null, 'holmFamily does not change its input');
  assert.equal(
    verdictMethods(v),
    "Hierarchical bootstrap, 2000 resamples of 120 test groups and 10 head seeds, both heads on each resample; variance corrected for the crossed groups × seeds design and for few groups or seeds (unbiased components); 95% percentile interval widened to Student's t with Welch–Satterthwaite degrees of freedom (seed level on seeds − 1, group level on groups − 1), and two-sided bootstrap test.",
  );
  assert.match(
    verdictMethods({ ...v, method: 'nadeau-bengio', n: { ...v.n, folds: 5 } }),
    /over 5 folds .* 4 degrees of freedom/,
  );
});

test('bad input is refused with the field named', () => {
  const data = synth(new Rng(3), { groups: 5, size: 2, seeds: 2, delta: 0 });
  const f = data.folds[0];
  assert.throws(
    () => preparePaired({ ...data, folds: [{ ...f, groups: [1, 2] }] }, false),
    /fold 0: 2 group ids for 10 cases/,
  );
  assert.throws(
    () => preparePaired({ ...data, folds: [{ ...f, reference: { pred: [f.head.pred[0]] } }] }, false),
    /2 head seeds and 1 reference seeds/,
  );
  assert.throws(() => preparePaired(data, true), /no probabilities \(needed for ECE\)/);
  assert.throws(
    () => pairedVerdict(data, { head: 'a', reference: 'b', metric: 'auc' as never }),
    /unknown metric 'auc'/,
  );
});

test('smallSample: unbiased components and Welch–Satterthwaite df (closed form)', () => {
  // no case × seed excess: a = 1·2/1 = 2, b = 1·3/2 = 1.5, ν = 3.5² / (2²/1 + 1.5²/2)
  const r = smallSample(1, 1, 2, 2, 3);
  close(r.within, 3.5, 1e-15);
  close(r.df, 12.25 / 5.125, 1e-12);
  // excess 0.5 (×6/2 = 1.5): within = 2 + 1.5 − 1.5 = 2, components 0.5, 0, 1.5 on 1, 2, 2 df
  const q = smallSample(1, 1, 2.5, 2, 3);
  close(q.within, 2, 1e-15);
  close(q.df, 4 / (0.25 + 1.125), 1e-12);
  assert.ok(Number.isNaN(smallSample(0, 1, 1, 1, 3).df), 'one group: df unestimable');
});
