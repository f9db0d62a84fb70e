import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setNumThreads } from '../../src/engine/index.js';
import { headProbs } from '../../src/heads/index.js';
import { listHeads, loadHead, runPaths, saveFeatures, shownHead } from '../../src/run/index.js';
import { compareHeads, resolveCompareConfig, stratifiedSubset } from '../../src/train/index.js';
import { verdictSentence, type Verdict } from '../../src/eval/index.js';
import { Rng } from '../../src/util/rng.js';
import { methodsParagraph, verdictRows } from '../../src/report/verdicts.js';

setNumThreads(1);

/** Gaussian clusters in `dim` dimensions: class c is centred on ±2 along a few axes. */
function clusters(n: number, dim: number, classes: number, seed: number, onlyClass?: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = onlyClass ?? i % classes;
    y[i] = c;
    for (let d = 0; d < dim; d++) x[i * dim + d] = rng.normal() * 0.7 + (d % classes === c ? 2 : 0);
  }
  return { x, y, dim, files: Array.from({ length: n }, (_, i) => `s${seed}-${i}.png`) };
}

function featureRun(o: { classes?: number; onlyClass?: number; emptyTestClass?: number } = {}): string {
  const run = mkdtempSync(join(tmpdir(), 'qmri-compare-'));
  const C = o.classes ?? 3;
  saveFeatures(runPaths(run).features('train'), clusters(60, 12, C, 1, o.onlyClass));
  saveFeatures(runPaths(run).features('val'), clusters(18, 12, C, 2, o.onlyClass));
  const t = clusters(24, 12, C, 3, o.onlyClass);
  if (o.emptyTestClass !== undefined) t.y = t.y.map((v) => (v === o.emptyTestClass ? (v + 1) % C : v));
  saveFeatures(runPaths(run).features('test'), t);
  return run;
}

/** A label never inconsistent with its CI and margin; p and Holm-adjusted p in range, pHolm ≥ p. */
function checkVerdict(v: Verdict): void {
  const at = JSON.stringify(v);
  assert.ok(v.ci, at);
  const [lo, hi] = v.ci;
  assert.ok(lo <= v.diff && v.diff <= hi, at);
  assert.equal(v.margin, 1);
  const want =
    lo > 0 ? 'better' : hi < 0 ? 'worse' : -v.margin < lo && hi < v.margin ? 'equivalent' : 'inconclusive';
  assert.equal(v.label, want, at);
  assert.ok(v.p > 0 && v.p <= 1 && v.pHolm !== null && v.pHolm >= v.p && v.pHolm <= 1, at);
  assert.equal(v.method, 'hierarchical-bootstrap');
}

const small = { seeds: 2, epochs: 6, qubits: 2, layers: 1, batchSize: 16, lr: 0.03, threads: 1 };

test('compareHeads trains every head over every seed, stores the heads and a complete results.json', async () => {
  const run = featureRun();
  const r = await compareHeads(run, { ...small, lowData: [0.25, 1] });
  assert.deepEqual(
    r.heads.map((h) => h.kind),
    ['linear', 'bottleneck', 'quantum'],
  );
  // the clusters are separable: the linear head learns them
  assert.ok(r.heads[0].accuracy.mean > 0.8, `linear accuracy ${r.heads[0].accuracy.mean}`);
  for (const h of r.heads) {
    assert.equal(h.perSeed.length, 2);
    assert.equal(h.predictions.length, 2);
    assert.equal(h.predictions[0].probs.length, 24 * 3);
    assert.equal(h.detail.metrics.confusion.length, 3);
    assert.equal(h.detail.roc.perClass.length, 3);
    for (const [name, b, mean] of [
      ['accuracy', h.bootstrapAccuracy, h.accuracy.mean],
      ['macro-F1', h.bootstrapMacroF1, h.macroF1.mean],
      ['balanced accuracy', h.bootstrapBalancedAccuracy, h.balancedAccuracy.mean],
    ] as const) {
      assert.ok(b.lo <= b.estimate && b.estimate <= b.hi, `${h.kind} ${name}: ${JSON.stringify(b)}`);
      assert.ok(
        Math.abs(b.estimate - mean) < 1e-12,
        `${h.kind} ${name}: the estimate is the mean over seeds`,
      );
      // the verdicts' resampling: the test split's groups × the head's seeds
      assert.equal(b.method, 'hierarchical-bootstrap');
      assert.deepEqual(b.n, { groups: r.comparisons[0].verdict.n.groups, seeds: 2, resamples: 2000 });
    }
    // every seed keeps its per-class precision / recall / specificity and confusion matrix
    for (const r of h.perSeed) {
      assert.equal(r.perClass.length, 3);
      assert.equal(
        r.confusion.flat().reduce((a, v) => a + v, 0),
        24,
      );
      const tp = r.confusion.map((row, c) => row[c]).reduce((a, v) => a + v, 0);
      assert.ok(Math.abs(tp / 24 - r.accuracy) < 1e-12);
    }
    assert.deepEqual(h.perSeed[0].confusion, h.detail.metrics.confusion);
    assert.ok(h.ece.mean >= 0 && h.ece.mean <= 1);
  }
  // the report's methods paragraph says how the per-head intervals were made
  const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
  assert.match(
    methodsParagraph(json, verdictRows(json)),
    /applied to the head alone: 2000 resamples of the \d+ test groups × the head&#39;s 2 seeds/,
  );
  // parameter-matched bottleneck
  const q = r.heads[2].params;
  const b = r.heads[1].params;
  assert.ok(Math.abs(q - b) <= 2 + 3 + 1, `quantum ${q} vs bottleneck ${b} parameters`);
  assert.deepEqual(
    r.comparisons.map((c) => [c.head, c.reference]),
    [
      ['quantum', 'linear'],
      ['quantum', 'bottleneck'],
    ],
  );
  for (const c of r.comparisons) {
    assert.equal(c.verdict.metric, 'balancedAccuracy');
    assert.deepEqual(
      c.secondary.map((v) => v.metric),
      ['accuracy', 'macroF1', 'ece'],
    );
    for (const v of [c.verdict, ...c.secondary]) checkVerdict(v);
    assert.equal(c.sentence, verdictSentence(c.verdict));
    assert.match(
      c.sentence,
      /^quantum head [+−]\d+\.\d balanced-accuracy points vs (linear|bottleneck) head, 95% CI/,
    );
    // the test features have no manifest: every test case is its own group
    assert.equal(c.verdict.n.groups, 24);
    assert.equal(c.verdict.n.seeds, 2);
    for (const m of c.mcnemar) assert.ok(m.p >= 0 && m.p <= 1 && m.b >= 0 && m.c >= 0);
  }
  // collapse detection ran on every seed; the representative seed (shown by viewer/explain) trained
  const rep = JSON.parse(readFileSync(runPaths(run).representative, 'utf8'));
  for (const h of r.heads) {
    for (const s of h.perSeed) assert.ok(s.collapse && typeof s.collapse.collapsed === 'boolean');
    assert.equal(rep[h.kind], h.representativeSeed);
    if (h.representativeSeed !== null) {
      assert.ok(!h.collapsed.includes(h.representativeSeed));
      assert.equal(shownHead(run, h.kind)!.seed, h.representativeSeed);
    }
  }
  // Holm over 2 pairs × 4 metrics + 2 pairs at the 25% point (the 100% point is the main study)
  assert.equal(r.verdicts.family, 10);
  assert.deepEqual(
    r.lowData[1].verdicts,
    r.comparisons.map((c) => c.verdict),
  );
  for (const v of r.lowData[0].verdicts) checkVerdict(v);
  assert.deepEqual(
    r.lowData.map((p) => p.fraction),
    [0.25, 1],
  );
  // 25% of 20 per class = 5 per class
  assert.equal(r.lowData[0].trainImages, 15);
  assert.equal(r.lowData[1].trainImages, 60);
  assert.equal(r.lowData[0].verdicts.length, 2);
  // stored heads: 3 kinds × 2 seeds, and each reproduces its test probabilities without libtorch
  assert.equal(listHeads(run).length, 6);
  const test3 = clusters(24, 12, 3, 3);
  for (const h of r.heads) {
    const e = loadHead(runPaths(run).head(h.kind, h.perSeed[1].seed));
    const p = headProbs(e, test3.x);
    const stored = h.predictions[1].probs;
    for (let i = 0; i < stored.length; i++)
      assert.ok(Math.abs(p[i] - stored[i]) < 2e-4, `${h.kind} prob ${i}: ${p[i]} vs ${stored[i]}`);
  }
  const saved = JSON.parse(readFileSync(runPaths(run).compare, 'utf8'));
  assert.equal(saved.test.labels.length, 24);
  assert.equal(saved.test.files[0], 's3-0.png');
});

test('the same seeds give the same comparison', async () => {
  const cfg = { ...small, seeds: 1, heads: ['linear', 'quantum'] as ('linear' | 'quantum')[], lowData: [] };
  const a = await compareHeads(featureRun(), cfg);
  const b = await compareHeads(featureRun(), cfg);
  assert.deepEqual(
    a.heads.map((h) => h.predictions),
    b.heads.map((h) => h.predictions),
  );
});

test('bad compare configs fail by field before any training', async () => {
  assert.throws(
    () => resolveCompareConfig({ heads: ['linear', 'transformer' as 'linear'] }),
    /heads\[1\]: must be one of "linear", "bottleneck", "quantum", got "transformer"/,
  );
  assert.throws(
    () => resolveCompareConfig({ qubits: 20 }),
    /qubits: must be an integer in \[2, 12\], got 20/,
  );
  assert.throws(() => resolveCompareConfig({ qubits: 1 }), /qubits: must be an integer in \[2, 12\], got 1/);
  assert.throws(
    () => resolveCompareConfig({ lowData: [0, 0.5] }),
    /lowData\[0\]: must be a number in \(0, 1\], got 0/,
  );
  assert.throws(() => resolveCompareConfig({ seeds: 0 }), /seeds: must be an integer in \[1, 1000\], got 0/);
  assert.throws(
    () => resolveCompareConfig({ heeds: ['linear'] } as never),
    /unknown key 'heeds' \(did you mean 'heads'\?\)/,
  );
  assert.throws(
    () =>
      resolveCompareConfig({
        seeds: 2,
        finetune: { enabled: true, epochs: 1, lr: 1e-4, batchSize: 8, seeds: 3 },
      }),
    /finetune\.seeds: 3 is more than seeds \(2\)/,
  );
  assert.throws(
    () => resolveCompareConfig({ tune: { trials: 2, lr: [0.1, 0.01], epochs: [1, 2], weightDecay: [0, 0] } }),
    /tune\.lr: expected \[lo, hi\] with lo ≤ hi, got \[0\.1, 0\.01\]/,
  );
  assert.throws(
    () => resolveCompareConfig({ tune: { trials: 2, epochs: [0, 2] } as never }),
    /tune\.epochs\[0\]: must be an integer/,
  );
  // validation comes before reading features: a run folder without features still reports the config error
  const empty = mkdtempSync(join(tmpdir(), 'qmri-compare-empty-'));
  await assert.rejects(compareHeads(empty, { qubits: 13 }), /qubits/);
  await assert.rejects(compareHeads(empty, {}), /features\/train\.safetensors: feature file not found/);
  // fine-tuning needs the images and the backbone: missing ones are named before any head is trained
  const ft = featureRun();
  await assert.rejects(
    compareHeads(ft, { ...small, finetune: { enabled: true, epochs: 1, lr: 1e-4, batchSize: 8, seeds: 2 } }),
    /data\/manifest\.json: needed by compare\.finetune and missing/,
  );
  assert.equal(listHeads(ft).length, 0, 'no head was trained');
});

test('a dataset with one class, or a split that leaves a class empty, is refused before training', async () => {
  const one = featureRun({ onlyClass: 0 });
  await assert.rejects(compareHeads(one, small), /1 class\(es\).*at least 2 are needed/);
  const gap = featureRun({ emptyTestClass: 1 });
  await assert.rejects(compareHeads(gap, small), /test split has no image of class 'class 1'/);
  assert.ok(!existsSync(runPaths(gap).compare));
  assert.equal(listHeads(gap).length, 0);
});

test('stratified subsets keep every class and the requested fraction', () => {
  const set = {
    x: new Float32Array(40),
    y: Int32Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : 1)),
    shape: [1],
  };
  const s = stratifiedSubset(set, 0.1, new Rng(1));
  assert.deepEqual([...s.y].sort(), [0, 0, 0, 1]);
});
