import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  breakEvenInterval,
  classificationMetrics,
  detectCollapse,
  detectCollapses,
  representativeSeed,
} from '../../src/eval/index.js';
import { breakEven } from '../../src/noise/break-even.js';
import { Rng } from '../../src/util/rng.js';

const levels = [1e-4, 1e-3, 1e-2, 1e-1];

/** Per-case 1/0 scores with the given accuracies, cases in groups of 4, a fixed case order per rate. */
function scores(rng: Rng, n: number, acc: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.next() < acc ? 1 : 0));
}

test('break-even interval: a clear crossing between two swept levels has a finite interval around it', () => {
  const rng = new Rng(1);
  const n = 400;
  const groups = Array.from({ length: n }, (_, i) => i >> 2);
  const data = {
    levels,
    groups,
    noiseless: scores(rng, n, 0.95),
    atLevel: [0.95, 0.94, 0.6, 0.3].map((a) => scores(rng, n, a)),
    reference: scores(rng, n, 0.85),
  };
  const r = breakEvenInterval(data, breakEven, { resamples: 500, seed: 2 });
  assert.equal(r.status, 'crosses');
  assert.equal(r.notReached, false);
  assert.ok(r.ci && r.ci[1] !== null);
  assert.ok(
    r.ci[0]! > 1e-3 && r.ci[1]! < 1e-2 && r.ci[0]! <= r.level! && r.level! <= r.ci[1]!,
    JSON.stringify(r),
  );
  // the point estimate is noise's own breakEven on the mean scores
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / n;
  const point = breakEven(mean(data.noiseless), levels, data.atLevel.map(mean), mean(data.reference));
  assert.equal(r.level, point.level);
});

test('break-even interval: "not reached" when resamples stay above the reference at the last level', () => {
  const rng = new Rng(3);
  const n = 200;
  const groups = Array.from({ length: n }, (_, i) => i >> 2);
  const ref = scores(rng, n, 0.8);
  // the last level sits right at the reference: some resamples cross, others never do
  const last = Float64Array.from(ref);
  const data = {
    levels,
    groups,
    noiseless: scores(rng, n, 0.95),
    atLevel: [0.95, 0.93, 0.9].map((a) => scores(rng, n, a)).concat([last]),
    reference: ref,
  };
  const r = breakEvenInterval(data, breakEven, { resamples: 300, seed: 4 });
  assert.equal(r.notReached, true);
  assert.equal(r.ci![1], null);
  // never below at all: no crossing and not reached
  const never = breakEvenInterval(
    { ...data, atLevel: [0.95, 0.95, 0.95, 0.95].map(() => Float64Array.from({ length: n }, () => 1)) },
    breakEven,
    { resamples: 100 },
  );
  assert.equal(never.status, 'never-below');
  assert.equal(never.level, null);
  assert.equal(never.notReached, true);
  assert.throws(
    () => breakEvenInterval({ ...data, reference: [1, 0] }, breakEven),
    /reference has 2 values for 200 cases/,
  );
});

test('collapse: constant outputs (tanh saturation) are caught, healthy heads are not', () => {
  const n = 30;
  const C = 4;
  const labels = Array.from({ length: n }, (_, i) => i % C);
  const stuck = Array.from({ length: n }, () => [0.5, 0.02, 0.01, 0.47]).flat();
  const r = detectCollapse({ probs: stuck, labels, classes: C });
  assert.equal(r.collapsed, true);
  assert.match(r.reasons.join('; '), /constant outputs/);
  assert.match(r.reasons.join('; '), /one class for 100\.0% of the cases/);
  const rng = new Rng(2);
  const healthy = labels.flatMap((y) =>
    Array.from({ length: C }, (_, c) => (c === y ? 0.7 : 0.1) + rng.uniform(0, 0.01)),
  );
  assert.deepEqual(detectCollapse({ probs: healthy, labels, classes: C, trainLoss: [1.4, 0.9, 0.5] }), {
    collapsed: false,
    reasons: [],
  });
  // a test set of one class predicted as that class is not a collapse
  assert.equal(detectCollapse({ pred: [2, 2, 2, 2], labels: [2, 2, 2, 2], classes: C }).collapsed, false);
});

test('collapse: a loss that does not fall, or a validation accuracy far below the siblings', () => {
  assert.match(
    detectCollapse({ classes: 4, trainLoss: [1.39, 1.38, 1.37] }).reasons[0],
    /training loss did not fall/,
  );
  // the run: bottleneck seed 1000 at 74.2% while nine siblings reached 93.7–96.0%
  const val = [0.742, 0.937, 0.95, 0.955, 0.96, 0.94, 0.945, 0.952, 0.948, 0.958];
  const flags = detectCollapses(val.map((v) => ({ classes: 4, valAccuracy: v })));
  assert.deepEqual(
    flags.map((f) => f.collapsed),
    [true, false, false, false, false, false, false, false, false, false],
  );
  assert.match(flags[0].reasons[0], /74\.2% far below the siblings' median 95\.0%/);
  // viewer and explain show the seed nearest the median of the healthy ones, never the collapsed one
  const scores = val.map((v, i) => ({ seed: 1000 + i, score: v, collapsed: flags[i].collapsed }));
  assert.equal(representativeSeed(scores), 1002); // median of the nine healthy seeds: 0.95
  assert.equal(representativeSeed(scores.map((s) => ({ ...s, collapsed: true }))), null);
  // the same spread without an outlier is no collapse
  assert.equal(detectCollapse({ classes: 4, valAccuracy: 0.9 }, [0.93, 0.95, 0.94]).collapsed, false);
});

test('macro-F1 counts a class that is only predicted (union of true and predicted classes)', () => {
  // class 2 never true but predicted once: F1 = (1 + 2/3 + 0) / 3
  const m = classificationMetrics([0, 0, 1, 1], [0, 0, 1, 2], 3);
  assert.ok(Math.abs(m.macroF1 - 5 / 9) < 1e-12, `${m.macroF1}`);
  // balanced accuracy stays over the true classes: (1 + 1/2) / 2
  assert.ok(Math.abs(m.balancedAccuracy - 0.75) < 1e-12);
  // a class neither true nor predicted does not count
  assert.ok(Math.abs(classificationMetrics([0, 1], [0, 1], 5).macroF1 - 1) < 1e-12);
});
