/**
 * The classical-versus-quantum head comparison on the frozen backbone features (RUN/features):
 * each head kind (linear 1,024→classes; parameter-matched bottleneck; dressed quantum circuit) is
 * trained over several seeds with the same optimizer budget, then evaluated on the test split:
 * accuracy, balanced accuracy, macro-F1, per-class precision / recall / specificity, one-vs-rest
 * ROC-AUC, confusion matrix, expected calibration error; bootstrap 95% CIs (test cases resampled);
 * paired McNemar exact tests per seed; mean ± sd over seeds; a low-data study over train fractions;
 * the verdict sentence. Heads go to RUN/heads/<kind>-seed<k>.json, everything else (with every
 * seed's test probabilities, for the report's confusion matrices, ROC and calibration plots) to
 * RUN/compare/results.json.
 */
import { existsSync } from 'node:fs';
import { manualSeed, setNumThreads } from '../engine/index.js';
import {
  argmaxRows,
  bootstrapCI,
  calibration,
  classificationMetrics,
  mcnemarExact,
  rocOneVsRest,
  summarize,
  verdict,
  type Calibration,
  type Interval,
  type Metrics,
  type RocResult,
  type SeedSummary,
} from '../eval/index.js';
import { comparisonPairs, exportHead, hasCircuit, headDef, type HeadKind } from '../heads/index.js';
import type { HeadModule } from '../nn/index.js';
import { loadArch, loadFeatures, runPaths, saveHead } from '../run/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import type { ProgressSink } from '../util/progress.js';
import { Rng } from '../util/rng.js';
import { checkClassCoverage } from './backbone.js';
import { resolveCompareConfig, type CompareConfig } from './compare-config.js';
import { finetuneQuantum, type FinetuneResult } from './finetune.js';
import { fit, predict, type ArraySet } from './fit.js';

export { comparisonPairs };

export interface SeedRun {
  seed: number;
  accuracy: number;
  balancedAccuracy: number;
  macroF1: number;
  macroAuc: number | null;
  ece: number;
  /** per class, in class order: precision, recall (sensitivity) and specificity */
  perClass: { precision: number | null; recall: number | null; specificity: number | null }[];
  /** rows = true class, columns = predicted class */
  confusion: number[][];
  epochs: number;
  seconds: number;
}

export interface HeadSummary {
  kind: HeadKind;
  params: number;
  perSeed: SeedRun[];
  accuracy: SeedSummary;
  balancedAccuracy: SeedSummary;
  macroF1: SeedSummary;
  macroAuc: SeedSummary | null;
  ece: SeedSummary;
  /** bootstrap 95% CI of the mean test accuracy over seeds (test cases resampled) */
  bootstrapAccuracy: Interval;
  /** the same for balanced accuracy and macro-F1 */
  bootstrapBalancedAccuracy: Interval;
  bootstrapMacroF1: Interval;
  /** first seed in full: metrics incl. per class and confusion matrix, ROC curves, reliability bins */
  detail: { seed: number; metrics: Metrics; roc: RocResult; calibration: Calibration };
  /** every seed's test probabilities (N×classes, row-major, 5 decimals) and predictions */
  predictions: { seed: number; probs: number[]; pred: number[] }[];
  trainSeconds: number;
}

export interface HeadComparison {
  head: HeadKind;
  reference: HeadKind;
  /** head − reference accuracy, in points, over seeds (t-interval) */
  accuracyDiff: SeedSummary;
  /** bootstrap 95% CI of the mean paired accuracy difference (points), test cases resampled */
  bootstrapDiff: Interval;
  mcnemar: { seed: number; b: number; c: number; p: number }[];
  verdict: string;
}

export interface LowDataPoint {
  fraction: number;
  trainImages: number;
  heads: { kind: HeadKind; accuracy: SeedSummary; macroF1: SeedSummary; perSeed: number[] }[];
  verdicts: string[];
}

export interface CompareResult {
  version: 1;
  config: CompareConfig;
  classes: string[];
  featureDim: number;
  images: { train: number; val: number; test: number };
  test: { labels: number[]; files: string[] };
  heads: HeadSummary[];
  comparisons: HeadComparison[];
  lowData: LowDataPoint[];
  /** end-to-end fine-tuning of backbone + quantum head (when configured) */
  finetune?: FinetuneResult;
  seconds: number;
}

export interface CompareHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
}

interface Features {
  train: ArraySet;
  val: ArraySet;
  test: ArraySet;
  files: string[];
  classes: string[];
}

/** Reads and checks RUN/features/{train,val,test} and the class names (before any training). */
export function readFeatureSplits(run: string): Features {
  const p = runPaths(run);
  const f = {
    train: loadFeatures(p.features('train')),
    val: loadFeatures(p.features('val')),
    test: loadFeatures(p.features('test')),
  };
  const dim = f.train.dim;
  for (const s of ['val', 'test'] as const)
    if (f[s].dim !== dim)
      throw new Error(`${p.features(s)}: features are ${f[s].dim}-d but the train split's are ${dim}-d`);
  let classes: string[];
  if (existsSync(p.arch)) classes = loadArch(run).classes;
  else {
    const max = Math.max(...f.train.y, ...f.val.y, ...f.test.y);
    classes = Array.from({ length: max + 1 }, (_, c) => `class ${c}`);
  }
  const as = (s: (typeof f)['train']): ArraySet => ({ x: s.x, y: s.y, shape: [s.dim] });
  const out = { train: as(f.train), val: as(f.val), test: as(f.test), files: f.test.files, classes };
  checkClassCoverage(out);
  return out;
}

/** The head factories of one comparison (each kind sized by the settings, src/heads). */
export function headMaker(
  cfg: CompareConfig,
  inDim: number,
  classes: number,
): (kind: HeadKind) => HeadModule {
  return (kind) => headDef(kind).create({ inDim, classes }, cfg);
}

/** A class-stratified subset: ceil(fraction × count) of each class (at least one), seeded. */
export function stratifiedSubset(set: ArraySet, fraction: number, rng: Rng): ArraySet {
  const byClass = new Map<number, number[]>();
  set.y.forEach((y, i) => byClass.set(y, [...(byClass.get(y) ?? []), i]));
  const idx: number[] = [];
  for (const [, members] of [...byClass].sort((a, b) => a[0] - b[0])) {
    const k = Math.max(1, Math.ceil(fraction * members.length));
    const shuffled = Int32Array.from(members);
    rng.shuffle(shuffled);
    idx.push(...Array.from(shuffled.subarray(0, k)));
  }
  idx.sort((a, b) => a - b);
  const d = set.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(idx.length * d);
  idx.forEach((k, i) => x.set(set.x.subarray(k * d, (k + 1) * d), i * d));
  return { x, y: Int32Array.from(idx, (k) => set.y[k]), shape: set.shape };
}

const accuracyOf = (labels: Int32Array, pred: ArrayLike<number>, idx?: Int32Array) => {
  const ix = idx ?? Int32Array.from(labels, (_, i) => i);
  let ok = 0;
  for (const i of ix) if (pred[i] === labels[i]) ok++;
  return ok / ix.length;
};

/** Classification metrics of the test cases at the (bootstrap) indices ix. */
function subsetMetrics(labels: Int32Array, pred: ArrayLike<number>, ix: Int32Array, C: number): Metrics {
  const y = new Int32Array(ix.length);
  const p = new Int32Array(ix.length);
  for (let k = 0; k < ix.length; k++) {
    y[k] = labels[ix[k]];
    p[k] = pred[ix[k]];
  }
  return classificationMetrics(y, p, C);
}

function trainHead(
  make: (k: HeadKind) => HeadModule,
  kind: HeadKind,
  seed: number,
  train: ArraySet,
  val: ArraySet,
  cfg: CompareConfig,
  C: number,
): { head: HeadModule; epochs: number; seconds: number } {
  const t0 = performance.now();
  manualSeed(seed);
  const head = make(kind);
  const logs = fit(head, train, val, {
    classes: C,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    lr: cfg.lr,
    weightDecay: cfg.weightDecay,
    patience: cfg.patience || undefined,
    seed,
  });
  return { head, epochs: logs.length, seconds: (performance.now() - t0) / 1000 };
}

export async function compareHeads(
  run: string,
  partial: Partial<CompareConfig>,
  hooks: CompareHooks = {},
): Promise<CompareResult> {
  const t0 = performance.now();
  const cfg = resolveCompareConfig(partial);
  const data = readFeatureSplits(run);
  if (cfg.finetune?.enabled) {
    // fine-tuning reads the images and the backbone after every head is trained: check them now
    const p = runPaths(run);
    for (const f of [p.manifest, p.model, p.arch])
      if (!existsSync(f)) throw new Error(`${f}: needed by compare.finetune and missing (qmri train first)`);
  }
  const log = hooks.log ?? (() => {});
  const C = data.classes.length;
  const inDim = data.train.shape[0];
  const make = headMaker(cfg, inDim, C);
  const seeds = Array.from({ length: cfg.seeds }, (_, s) => cfg.firstSeed! + s);
  const yTest = data.test.y;
  const nTest = yTest.length;
  const lowFractions = cfg.lowData.filter((f) => f < 1);
  setNumThreads(cfg.threads!);
  const jobs = cfg.heads.length * seeds.length * (1 + lowFractions.length);
  let done = 0;
  hooks.progress?.start(jobs, 'heads');
  const tick = (info: Record<string, string | number>) => hooks.progress?.update(++done, info);

  // ---- main study: every head over every seed on the full training features
  const heads: HeadSummary[] = [];
  const preds = new Map<HeadKind, Int32Array[]>();
  for (const kind of cfg.heads) {
    const perSeed: SeedRun[] = [];
    const predictions: HeadSummary['predictions'] = [];
    const list: Int32Array[] = [];
    let params = 0;
    let detail: HeadSummary['detail'] | null = null;
    for (const seed of seeds) {
      const { head, epochs, seconds } = trainHead(make, kind, seed, data.train, data.val, cfg, C);
      params = head.parameterCount();
      const probs = predict(head, data.test, C, 256);
      saveHead(runPaths(run).head(kind, seed), exportHead(head));
      head.dispose();
      const pred = argmaxRows(probs, C);
      const metrics = classificationMetrics(yTest, pred, C);
      const roc = rocOneVsRest(probs, yTest, C);
      const cal = calibration(probs, yTest, C);
      detail ??= { seed, metrics, roc, calibration: cal };
      list.push(pred);
      perSeed.push({
        seed,
        accuracy: metrics.accuracy,
        balancedAccuracy: metrics.balancedAccuracy,
        macroF1: metrics.macroF1,
        macroAuc: roc.macroAuc,
        ece: cal.ece,
        perClass: metrics.perClass.map((c) => ({
          precision: c.precision,
          recall: c.recall,
          specificity: c.specificity,
        })),
        confusion: metrics.confusion,
        epochs,
        seconds,
      });
      predictions.push({
        seed,
        probs: Array.from(probs, (v) => Math.round(v * 1e5) / 1e5),
        pred: Array.from(pred),
      });
      tick({ head: kind, seed, acc: metrics.accuracy });
    }
    preds.set(kind, list);
    const aucs = perSeed.map((r) => r.macroAuc).filter((a): a is number => a !== null);
    const h: HeadSummary = {
      kind,
      params,
      perSeed,
      accuracy: summarize(perSeed.map((r) => r.accuracy)),
      balancedAccuracy: summarize(perSeed.map((r) => r.balancedAccuracy)),
      macroF1: summarize(perSeed.map((r) => r.macroF1)),
      macroAuc: aucs.length ? summarize(aucs) : null,
      ece: summarize(perSeed.map((r) => r.ece)),
      bootstrapAccuracy: bootstrapCI(
        nTest,
        (ix) => list.reduce((a, p) => a + accuracyOf(yTest, p, ix), 0) / list.length,
        { seed: cfg.firstSeed },
      ),
      bootstrapBalancedAccuracy: bootstrapCI(
        nTest,
        (ix) => list.reduce((a, p) => a + subsetMetrics(yTest, p, ix, C).balancedAccuracy, 0) / list.length,
        { seed: cfg.firstSeed },
      ),
      bootstrapMacroF1: bootstrapCI(
        nTest,
        (ix) => list.reduce((a, p) => a + subsetMetrics(yTest, p, ix, C).macroF1, 0) / list.length,
        { seed: cfg.firstSeed },
      ),
      detail: detail!,
      predictions,
      trainSeconds: perSeed.reduce((a, r) => a + r.seconds, 0),
    };
    heads.push(h);
    log(
      `${kind} head (${params} parameters): test accuracy ${(100 * h.accuracy.mean).toFixed(2)}% ± ${(100 * h.accuracy.sd).toFixed(2)} over ${seeds.length} seeds, bootstrap 95% CI [${(100 * h.bootstrapAccuracy.lo).toFixed(2)}, ${(100 * h.bootstrapAccuracy.hi).toFixed(2)}], ${h.trainSeconds.toFixed(1)} s`,
    );
  }

  // ---- paired comparisons: quantum against each classical head (or bottleneck against linear)
  const comparisons: HeadComparison[] = [];
  for (const [head, reference] of comparisonPairs(cfg.heads)) {
    const a = preds.get(head)!;
    const b = preds.get(reference)!;
    const mcnemar = a.map((p, s) => ({ seed: seeds[s], ...mcnemarExact(yTest, p, b[s]) }));
    const diffs = a.map((p, s) => accuracyOf(yTest, p) - accuracyOf(yTest, b[s]));
    const boot = bootstrapCI(
      nTest,
      (ix) =>
        (100 * a.reduce((acc, p, s) => acc + accuracyOf(yTest, p, ix) - accuracyOf(yTest, b[s], ix), 0)) /
        a.length,
      { seed: cfg.firstSeed },
    );
    const v = verdict(
      `${head} head`,
      `${reference} head`,
      diffs,
      mcnemar.map((m) => m.p),
    );
    comparisons.push({
      head,
      reference,
      accuracyDiff: summarize(diffs.map((d) => 100 * d)),
      bootstrapDiff: boot,
      mcnemar,
      verdict: v,
    });
    log(v);
  }

  // ---- low-data study: the same heads and seeds on stratified subsets of the training features
  const lowData: LowDataPoint[] = [];
  for (const fraction of cfg.lowData) {
    const point: LowDataPoint = { fraction, trainImages: 0, heads: [], verdicts: [] };
    const accs = new Map<HeadKind, number[]>();
    for (const kind of cfg.heads) {
      const acc: number[] = [];
      const f1: number[] = [];
      if (fraction >= 1) {
        const h = heads.find((x) => x.kind === kind)!;
        acc.push(...h.perSeed.map((r) => r.accuracy));
        f1.push(...h.perSeed.map((r) => r.macroF1));
        point.trainImages = data.train.y.length;
      } else
        for (const seed of seeds) {
          const sub = stratifiedSubset(data.train, fraction, new Rng(seed).fork(`low-data-${fraction}`));
          point.trainImages = sub.y.length;
          const { head } = trainHead(make, kind, seed, sub, data.val, cfg, C);
          const pred = argmaxRows(predict(head, data.test, C, 256), C);
          head.dispose();
          const m = classificationMetrics(yTest, pred, C);
          acc.push(m.accuracy);
          f1.push(m.macroF1);
          tick({ head: kind, fraction, seed, acc: m.accuracy });
        }
      accs.set(kind, acc);
      point.heads.push({ kind, accuracy: summarize(acc), macroF1: summarize(f1), perSeed: acc });
    }
    for (const [head, reference] of comparisonPairs(cfg.heads)) {
      const a = accs.get(head)!;
      const b = accs.get(reference)!;
      const s = summarize(a.map((v, i) => 100 * (v - b[i])));
      const sign = (v: number) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(1);
      point.verdicts.push(
        `${head} head ${sign(s.mean)} accuracy points vs ${reference} head at ${(100 * fraction).toFixed(0)}% of the training set (${point.trainImages} images), 95% CI [${sign(s.lo)}, ${sign(s.hi)}] over ${s.n} seeds`,
      );
    }
    lowData.push(point);
    log(
      `low data ${(100 * fraction).toFixed(0)}% (${point.trainImages} images): ${point.heads.map((h) => `${h.kind} ${(100 * h.accuracy.mean).toFixed(1)}%`).join(', ')}`,
    );
  }
  hooks.progress?.stop();

  let finetune: FinetuneResult | undefined;
  if (cfg.finetune?.enabled) {
    finetune = await finetuneQuantum(
      run,
      cfg.finetune,
      seeds[0],
      preds.get(cfg.heads.find(hasCircuit)!)![0],
      hooks,
    );
    log(
      `fine-tuned backbone + quantum head (seed ${seeds[0]}): test accuracy ${(100 * finetune.test.accuracy).toFixed(2)}%, ${finetune.accuracyGain >= 0 ? '+' : '−'}${Math.abs(finetune.accuracyGain).toFixed(1)} points vs frozen features, McNemar p = ${finetune.mcnemar.p.toPrecision(2)}`,
    );
  }

  const result: CompareResult = {
    version: 1,
    config: cfg,
    classes: data.classes,
    featureDim: inDim,
    images: { train: data.train.y.length, val: data.val.y.length, test: nTest },
    test: { labels: Array.from(yTest), files: data.files },
    heads,
    comparisons,
    lowData,
    ...(finetune ? { finetune } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
  writeJsonAtomic(runPaths(run).compare, result);
  return result;
}
