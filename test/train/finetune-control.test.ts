import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareData, writePhantomDataset } from '../../src/data/index.js';
import { classificationMetrics, type Verdict } from '../../src/eval/index.js';
import { headKinds } from '../../src/heads/index.js';
import { runPaths } from '../../src/run/index.js';
import { compareHeads, extractFeatures, trainBackbone } from '../../src/train/index.js';
import { reinitSeed } from '../../src/train/compare-collapse.js';
import { finetuneHead, finetuneImages } from '../../src/train/finetune.js';
import { esc } from '../../src/report/html.js';
import { finetuneHtml } from '../../src/report/sections/fairness.js';
import { verdictRows } from '../../src/report/verdicts.js';
import { TINY_DENSENET } from './helpers/tiny-backbone.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const pre = { size: 32, brainCrop: false, normalize: 'zscore' as const };

/** A label consistent with its CI and margin, Holm-adjusted (pHolm ≥ p). */
function checkVerdict(v: Verdict, head: string, reference: string): void {
  const at = JSON.stringify(v);
  assert.equal(v.head, `${head} head`, at);
  assert.equal(v.reference, `${reference} head`, at);
  assert.equal(v.n.seeds, 3, at);
  assert.ok(v.ci, at);
  const [lo, hi] = v.ci;
  const want =
    lo > 0 ? 'better' : hi < 0 ? 'worse' : -v.margin < lo && hi < v.margin ? 'equivalent' : 'inconclusive';
  assert.equal(v.label, want, at);
  assert.ok(v.pHolm !== null && v.pHolm >= v.p && v.pHolm <= 1, at);
}

/** A tiny run with a trained backbone and features (phantoms, tiny DenseNet). */
async function tinyRun(): Promise<string> {
  const dir = tmp('qmri-ft-data-');
  await writePhantomDataset(dir, { n: 48, size: 32, seed: 1 });
  const run = tmp('qmri-ft-run-');
  await prepareData(run, {
    dir,
    split: { train: 0.5, val: 0.25, test: 0.25, seed: 0, blockSize: 1 },
    preprocess: pre,
  });
  process.env.QMRI_CACHE_DIR = tmp('qmri-ft-cache-');
  await trainBackbone(
    run,
    { epochs: 1, batchSize: 8, lr: 3e-3, threads: 1, seed: 5, densenet: TINY_DENSENET },
    { preprocess: pre },
  );
  await extractFeatures(run, { batchSize: 8 });
  return run;
}

test('every head kind gets an end-to-end fine-tuning control over 3 seeds, judged by the same verdicts', async () => {
  const run = await tinyRun();
  const c = await compareHeads(run, {
    seeds: 3,
    epochs: 2,
    qubits: 2,
    layers: 1,
    lowData: [],
    threads: 1,
    finetune: { enabled: true, epochs: 1, lr: 1e-3, batchSize: 8, seeds: 3 },
  });
  const ft = c.finetune!;
  const kinds = headKinds();
  assert.deepEqual(ft.seeds, [1000, 1001, 1002]);
  assert.deepEqual(
    ft.heads.map((h) => h.kind),
    kinds,
  );
  for (const kind of kinds) {
    const runs = ft.runs.filter((r) => r.kind === kind);
    assert.deepEqual(
      runs.map((r) => r.seed),
      ft.seeds,
      kind,
    );
    const frozen = c.heads.find((h) => h.kind === kind)!;
    for (const [s, r] of runs.entries()) {
      assert.equal(r.epochs.length, 1);
      assert.equal(r.test.n, c.images.test);
      assert.ok(existsSync(r.file) && r.file === runPaths(run).finetuneHead(kind, r.seed), r.file);
      // the gain is against the frozen head of the same kind and seed
      const base = classificationMetrics(Int32Array.from(c.test.labels), frozen.predictions[s].pred, 4);
      assert.ok(Math.abs(r.accuracyGain - 100 * (r.test.accuracy - base.accuracy)) < 1e-9);
    }
    assert.equal(ft.heads.find((h) => h.kind === kind)!.accuracy.n, 3);
  }
  // the same head pairs as the frozen comparison, fine-tuned on both sides; each kind against its frozen heads
  assert.deepEqual(
    ft.comparisons.map((x) => [x.head, x.reference]),
    c.comparisons.map((x) => [`fine-tuned ${x.head}`, `fine-tuned ${x.reference}`]),
  );
  for (const x of ft.comparisons) {
    checkVerdict(x.verdict, x.head, x.reference);
    assert.equal(x.verdict.metric, c.config.primaryMetric);
    assert.equal(x.secondary.length, 3);
    assert.ok(x.sentence.length > 0);
  }
  assert.deepEqual(
    ft.gains.map((g) => g.reference),
    kinds,
  );
  for (const g of ft.gains) checkVerdict(g.verdict, g.head, g.reference);
  // one Holm family over the frozen comparisons and the control: (2 pairs + 2 pairs + 3 kinds) × 4 metrics
  assert.equal(c.verdicts.family, (2 + 2 + 3) * 4);
  // the report reads the control's verdicts into the run's verdict table and shows their sentences
  const res = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
  const rows = verdictRows(res);
  assert.equal(rows.length, c.verdicts.family);
  assert.equal(rows.filter((r) => r.role === 'fine-tune').length, 2 + 3);
  const html = finetuneHtml(res);
  for (const x of [...ft.comparisons, ...ft.gains]) assert.ok(html.includes(esc(x.sentence)), x.sentence);
});

/** Runs the control with a learning rate of 10, which wrecks fine-tuning (saturated or constant outputs). */
async function wreckedControl(collapsePolicy: 'keep' | 'reinit') {
  const run = await tinyRun();
  const c = await compareHeads(run, {
    heads: ['linear'],
    seeds: 3,
    epochs: 2,
    lowData: [],
    threads: 1,
    collapsePolicy,
    finetune: { enabled: true, epochs: 2, lr: 10, batchSize: 8, seeds: 3 },
  });
  const ft = c.finetune!;
  const failed = ft.runs.filter((r) => r.collapse.collapsed);
  assert.ok(failed.length > 0, 'lr 10 should make at least one fine-tuned head fail');
  for (const r of failed) assert.ok(r.collapse.reasons.length > 0);
  // recorded per kind as the frozen heads' collapses are, never the representative
  const h = ft.heads[0];
  assert.deepEqual(
    h.collapsed,
    failed.map((r) => r.seed),
  );
  assert.ok(h.representativeSeed === null || !h.collapsed.includes(h.representativeSeed));
  // the report lists them the same way: count (seeds), representative, and why each failed
  const html = finetuneHtml(JSON.parse(JSON.stringify(c)) as Record<string, unknown>);
  assert.ok(html.includes(`${failed.length} (${h.collapsed.join(', ')})`), html);
  for (const r of failed) assert.ok(html.includes(esc(r.collapse.reasons[0])), r.collapse.reasons[0]);
  return { run, ft, failed, html };
}

test("a fine-tuned head that fails to train is flagged and, under 'reinit', fine-tuned again from a derived seed", async () => {
  const { run, ft, html } = await wreckedControl('reinit');
  for (const r of ft.runs) {
    // as a collapsed frozen head would be: once more from the derived seed, the retraining's outcome recorded
    assert.equal(r.collapse.reinitSeed, r.collapse.collapsed ? reinitSeed(r.seed) : undefined);
    if (r.collapse.collapsed) assert.equal(typeof r.collapse.reinitCollapsed, 'boolean');
    assert.equal(r.file, runPaths(run).finetuneHead('linear', r.seed));
  }
  assert.ok(html.includes('retrained from seed'), html);
});

test("under 'keep' a fine-tuned head that fails to train is flagged and kept, not retrained", async () => {
  const { ft, html } = await wreckedControl('keep');
  for (const r of ft.runs) assert.equal(r.collapse.reinitSeed, undefined);
  assert.ok(html.includes('kept (collapse policy keep)'), html);
});

test("fine-tuning scores with the run's backbone.tta: the mirrored view changes the probabilities, identity alone does not", async () => {
  const run = await tinyRun();
  await compareHeads(run, { heads: ['linear'], seeds: 1, epochs: 1, lowData: [], threads: 1 });
  const sets = await finetuneImages(run);
  const f = { enabled: true, epochs: 1, lr: 1e-3, batchSize: 8, seeds: 1 };
  const withTta = (tta: string[] | null) => {
    if (tta) writeFileSync(runPaths(run).config, JSON.stringify({ backbone: { tta } }));
    else rmSync(runPaths(run).config, { force: true });
    return finetuneHead(run, sets, f, 'linear', 1000);
  };
  const off = withTta(null);
  const identity = withTta(['identity']);
  const both = withTta(['identity', 'hflip']);
  // the same seeded fine-tuning each time: only the scoring differs
  assert.deepEqual(
    identity.epochs.map((e) => e.loss),
    off.epochs.map((e) => e.loss),
  );
  assert.deepEqual(identity.probs, off.probs);
  assert.equal(both.probs.length, off.probs.length);
  assert.ok(
    both.probs.some((p, i) => Math.abs(p - off.probs[i]) > 1e-6),
    'the hflip view is averaged into the test probabilities',
  );
  assert.ok(both.valProbs.some((p, i) => Math.abs(p - off.valProbs[i]) > 1e-6));
});
