import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareData, writePhantomDataset } from '../../src/data/index.js';
import { classificationMetrics, type Verdict } from '../../src/eval/index.js';
import { headKinds } from '../../src/heads/index.js';
import { runPaths } from '../../src/run/index.js';
import { compareHeads, extractFeatures, trainBackbone } from '../../src/train/index.js';
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

test('every head kind gets an end-to-end fine-tuning control over 3 seeds, judged by the same verdicts', async () => {
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
