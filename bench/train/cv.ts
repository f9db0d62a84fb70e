/**
 * Grouped k-fold cross-validation of one backbone recipe on train + validation only (issue 19:
 * "rank recipes by grouped cross-validation on train+validation, not by the test split"). The
 * run's own test split never enters a fold, so it stays a held-out set for one final figure.
 *
 * Input: a prepared run (RUN/data/manifest.json and RUN/config.json, e.g. a recipe arm after
 * `qmri train`). Fold i is a backbone-only sub-run at runPaths(OUT).fold(i): its manifest is made by
 * the fold data stage of `compare.folds` with `compare.foldScope: trainval` (src/cli/folds.ts
 * foldDataStage: the parent's train+val entries re-split into whole-group, class-stratified folds,
 * fold i held out as that sub-run's `test`, near-duplicates across its splits removed), then it is
 * trained by trainBackbone with the run's backbone config and seed (resumes from its checkpoint; a fold with
 * metrics.json is skipped). Prints per-fold and mean ± sd held-out accuracy and meningioma recall.
 * The fold backbones are in the layout `qmri ensemble --run OUT --manifest RUN/data/manifest.json`
 * reads, so the k-fold ensemble can be scored on the untouched test split (its `seen` count is 0).
 *   npx tsx bench/train/cv.ts --from runs/recipe-combined --out runs/cv-combined [--k 5] [--epochs N]
 *   npx tsx bench/train/cv.ts --out runs/cv-combined --table     # the table only
 *   npx tsx bench/train/cv.ts --out runs/cv-combined --table --against runs/cv-baseline
 * --against: the paired comparison with another recipe's folds (the same fold assignment: each
 * fold's held-out set must be the same images). Primary metric held-out accuracy, secondary
 * meningioma recall (Holm over the two); Nadeau–Bengio corrected t over the folds with
 * n_test / n_train from the fold manifests; verdict against a ±1-point margin (src/eval verdictLabel).
 * Run it detached (setsid nohup ...) and alone on the machine: it is k backbone trainings.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ExperimentConfig } from '../../src/cli/config.js';
import { entryHashes, foldDataStage } from '../../src/cli/folds.js';
import { foldSource, readManifest } from '../../src/data/index.js';
import { holm, nadeauBengio, verdictLabel } from '../../src/eval/index.js';
import { runPaths } from '../../src/run/index.js';
import { trainBackbone } from '../../src/train/index.js';
import { writeJsonAtomic } from '../../src/util/atomic.js';
import { nullProgress } from '../../src/util/progress.js';

interface Scores {
  accuracy: number;
  perClass: { recall: number | null }[];
}
interface FoldMetrics {
  classes: string[];
  val: Scores;
  test: Scores;
  bestEpoch: number;
  elapsedSeconds: number;
}

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    out: { type: 'string' },
    k: { type: 'string', default: '5' },
    epochs: { type: 'string' },
    table: { type: 'boolean', default: false },
    against: { type: 'string' },
  },
});
if (!values.out)
  throw new Error('usage: cv.ts --from PREPARED_RUN --out CV_RUN [--k 5] | --out CV_RUN --table');
const out = values.out;
const k = Number(values.k);

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as Error).message})`);
  }
}

/** Train every fold that has no metrics yet. */
async function crossValidate(from: string): Promise<void> {
  const parent = runPaths(from);
  const parentCfg = readJson<ExperimentConfig>(parent.config);
  // --epochs N: the same recipe at another training budget (recorded in each fold's config.json)
  const epochs = values.epochs === undefined ? parentCfg.backbone.epochs : Number(values.epochs);
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new Error(`cv.ts: --epochs ${values.epochs}: not a positive integer`);
  const cfg = { ...parentCfg, backbone: { ...parentCfg.backbone, epochs } };
  // the folds' near-duplicate check hashes the re-split (train + val) entries only, once
  const hashes = entryHashes(foldSource(readManifest(parent.manifest), 'trainval'));
  for (let i = 0; i < k; i++) {
    const sub = runPaths(out).fold(i);
    const paths = runPaths(sub);
    if (existsSync(paths.backboneMetrics)) continue;
    mkdirSync(sub, { recursive: true });
    // the fold's config: the parent's (its preprocessing is read from here), without the proxy set
    const fcfg = { ...cfg, out: sub, data: { ...cfg.data, proxy: undefined } };
    const log = (l: string) => console.log(`[cv] fold ${i + 1}/${k}: ${l}`);
    if (!existsSync(paths.manifest)) {
      writeJsonAtomic(paths.config, fcfg);
      const stage = foldDataStage(parent.manifest, { k, i, scope: 'trainval' }, hashes);
      log(String(await stage.run({ run: sub, cfg: fcfg, paths, log, progress: nullProgress })));
    }
    log(`start ${new Date().toISOString()}`);
    const r = await trainBackbone(sub, { ...cfg.backbone, seed: cfg.seed, threads: cfg.threads }, { log });
    log(`held-out accuracy ${(100 * r.test.accuracy).toFixed(2)}%`);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) =>
  Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const pct = (x: number) => (100 * x).toFixed(2);

/** The run folders of a cross-validation's finished folds (those with backbone metrics), in order. */
function finishedFolds(dir: string): ReturnType<typeof runPaths>[] {
  const folds = [];
  for (let i = 0; existsSync(runPaths(runPaths(dir).fold(i)).backboneMetrics); i++)
    folds.push(runPaths(runPaths(dir).fold(i)));
  return folds;
}

/** Meningioma recall on a split (NaN when the data has no such class). */
const meningiomaRecall = (m: FoldMetrics, s: Scores) =>
  s.perClass[m.classes.indexOf('meningioma')]?.recall ?? NaN;

function table(): void {
  const rows = finishedFolds(out).map((p) => readJson<FoldMetrics>(p.backboneMetrics));
  if (!rows.length) throw new Error(`${out}: no finished fold`);
  const recall = (s: Scores) => meningiomaRecall(rows[0], s);
  console.log(
    '| fold | val acc % | held-out acc % | held-out meningioma recall % | best epoch | training min |',
  );
  console.log('|---|---|---|---|---|---|');
  rows.forEach((m, i) =>
    console.log(
      `| ${i + 1} | ${pct(m.val.accuracy)} | ${pct(m.test.accuracy)} | ${pct(recall(m.test))} | ${m.bestEpoch + 1} | ${(m.elapsedSeconds / 60).toFixed(1)} |`,
    ),
  );
  const acc = rows.map((m) => m.test.accuracy);
  const rec = rows.map((m) => recall(m.test));
  console.log(
    `| mean ± sd (${rows.length} folds) | ${pct(mean(rows.map((m) => m.val.accuracy)))} | ${pct(mean(acc))} ± ${pct(sd(acc))} | ${pct(mean(rec))} ± ${pct(sd(rec))} | | ${(mean(rows.map((m) => m.elapsedSeconds)) / 60).toFixed(1)} |`,
  );
}

/** The finished folds' metrics and held-out image sets of a cross-validation folder. */
function foldRuns(dir: string): { m: FoldMetrics; test: string[]; train: number }[] {
  return finishedFolds(dir).map((p) => {
    const entries = readManifest(p.manifest).entries;
    return {
      m: readJson<FoldMetrics>(p.backboneMetrics),
      test: entries
        .filter((e) => e.split === 'test')
        .map((e) => e.sha256)
        .sort(),
      train: entries.filter((e) => e.split === 'train').length,
    };
  });
}

/** This recipe minus the other, fold by fold, with the corrected t and a verdict per metric. */
function against(other: string): void {
  const a = foldRuns(out);
  const b = foldRuns(other);
  const k = Math.min(a.length, b.length);
  if (k < 2) throw new Error(`--against: ${k} fold(s) finished in both, need ≥ 2`);
  for (let i = 0; i < k; i++)
    if (a[i].test.join('\n') !== b[i].test.join('\n'))
      throw new Error(`--against: fold ${i + 1} holds out different images in ${out} and ${other}`);
  const ratio = mean(a.slice(0, k).map((f) => f.test.length / f.train));
  const metrics = {
    'held-out accuracy': (m: FoldMetrics) => m.test.accuracy,
    'meningioma recall': (m: FoldMetrics) => meningiomaRecall(m, m.test),
  };
  const rows = Object.entries(metrics).map(([name, f]) => {
    const d = Array.from({ length: k }, (_, i) => 100 * (f(a[i].m) - f(b[i].m)));
    return { name, d, t: nadeauBengio(d, ratio) };
  });
  const pHolm = holm(rows.map((r) => r.t.p));
  console.log(`\n${out} − ${other}, ${k} folds, n_test/n_train ${ratio.toFixed(3)}, margin ±1 point:`);
  console.log(
    '| metric | per-fold difference (points) | mean | 95% CI (Nadeau–Bengio) | p | Holm p | verdict |',
  );
  console.log('|---|---|---|---|---|---|---|');
  rows.forEach((r, j) =>
    console.log(
      `| ${r.name}${j === 0 ? ' (primary)' : ''} | ${r.d.map((v) => v.toFixed(2)).join(', ')} | ${r.t.mean.toFixed(2)} | [${r.t.lo.toFixed(2)}, ${r.t.hi.toFixed(2)}] | ${r.t.p.toFixed(3)} | ${pHolm[j].toFixed(3)} | ${verdictLabel([r.t.lo, r.t.hi], 1)} |`,
    ),
  );
}

if (!values.table) {
  if (!values.from) throw new Error('cv.ts: --from PREPARED_RUN is required to train');
  await crossValidate(values.from);
}
table();
if (values.against) against(values.against);
