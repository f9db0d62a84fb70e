/**
 * The classical-versus-quantum head comparison on the frozen backbone features (RUN/features):
 * each head kind (linear 1,024→classes; parameter-matched bottleneck; dressed quantum circuit) is
 * trained over several seeds with the same optimizer budget, then evaluated on the test split:
 * accuracy, balanced accuracy, macro-F1, per-class precision / recall / specificity, one-vs-rest
 * ROC-AUC, confusion matrix, expected calibration error; per-head 95% CIs from the verdicts'
 * hierarchical bootstrap (test groups × head seeds, src/eval headInterval);
 * paired McNemar exact tests per seed (descriptive); mean ± sd over seeds; a low-data study over
 * train fractions; one structured verdict per comparison (compare-verdicts.ts: grouped hierarchical
 * bootstrap on the declared primary metric, secondary metrics, Holm over the run's family). Heads go to RUN/heads/<kind>-seed<k>.json, everything else (with every
 * seed's test probabilities, for the report's confusion matrices, ROC and calibration plots) to
 * RUN/compare/results.json.
 */
import { existsSync } from 'node:fs';
import { manualSeed, withRuntime } from '../engine/index.js';
import {
  argmaxRows,
  calibration,
  classificationMetrics,
  headInterval,
  mcnemarExact,
  rocOneVsRest,
  summarize,
  type Calibration,
  type HeadInterval,
  type MetricName,
  type Metrics,
  type RocResult,
  type SeedSummary,
  type Verdict,
} from '../eval/index.js';
import { comparisonPairs, exportHead, headDef, type HeadKind } from '../heads/index.js';
import type { HeadModule } from '../nn/index.js';
import { testGroups } from '../data/index.js';
import { loadArch, loadFeatures, runPaths, saveHead } from '../run/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import type { ProgressSink } from '../util/progress.js';
import { Rng } from '../util/rng.js';
import { checkClassCoverage } from './backbone.js';
import { adjustFamily, pairVerdicts, type SeedPredictions, type VerdictContext } from './compare-verdicts.js';
import { applyCollapsePolicy, type CollapseRecord, type SeedSignals } from './compare-collapse.js';
import { resolveCompareConfig, type CompareConfig } from './compare-config.js';
import { finetuneControl, type FinetuneResult } from './finetune-control.js';
import { fit, predict, type ArraySet } from './fit.js';
import { tuneHeads, withParams, type TuneResult } from './tune.js';

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
  /** whether this seed failed to train (and, under 'reinit', what was done) */
  collapse?: CollapseRecord;
  /** validation accuracy of the kept head (collapse detection, representative seed) */
  valAccuracy: number;
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
  /**
   * 95% CI of the seed-mean test accuracy from the verdicts' resampling (src/eval headInterval: the
   * hierarchical bootstrap over the test split's groups and the head seeds); lo/hi null with one group
   */
  bootstrapAccuracy: HeadInterval;
  /** the same for balanced accuracy and macro-F1 */
  bootstrapBalancedAccuracy: HeadInterval;
  bootstrapMacroF1: HeadInterval;
  /** first seed in full: metrics incl. per class and confusion matrix, ROC curves, reliability bins */
  detail: { seed: number; metrics: Metrics; roc: RocResult; calibration: Calibration };
  /** every seed's test probabilities (N×classes, row-major, 5 decimals) and predictions */
  predictions: { seed: number; probs: number[]; pred: number[] }[];
  trainSeconds: number;
  /** the seed viewer, explain and the noise study show (never a collapsed one; null: every seed collapsed) */
  representativeSeed: number | null;
  /** seeds that failed to train (compare.collapsePolicy says what was done with them) */
  collapsed: number[];
}

export interface HeadComparison {
  head: HeadKind;
  reference: HeadKind;
  /** the verdict on the primary metric (compare.primaryMetric), Holm-adjusted over the run's family */
  verdict: Verdict;
  /** the verdicts on the other metrics (secondary), Holm-adjusted over the same family */
  secondary: Verdict[];
  /** verdictSentence(verdict) */
  sentence: string;
  /** descriptive: head − reference accuracy per seed, in points (mean ± sd over seeds) */
  accuracyDiff: SeedSummary;
  /** descriptive: the paired McNemar exact test of each seed pair (not the verdict's test) */
  mcnemar: { seed: number; b: number; c: number; p: number }[];
}

export interface LowDataPoint {
  fraction: number;
  trainImages: number;
  heads: { kind: HeadKind; accuracy: SeedSummary; macroF1: SeedSummary; perSeed: number[] }[];
  /** per head pair, the primary-metric verdict at this fraction (at 1: the main comparison's) */
  verdicts: Verdict[];
  sentences: string[];
}

export interface CompareResult {
  version: 1;
  config: CompareConfig;
  classes: string[];
  featureDim: number;
  images: { train: number; val: number; test: number };
  /** the test cases: labels, files and the group of each (resampled together by the verdicts) */
  test: { labels: number[]; files: string[]; groups: string[]; groupSource: string };
  /** the verdicts' settings and the size of the Holm family (head pairs × metrics + low-data points) */
  verdicts: { primaryMetric: string; margin: number; family: number };
  heads: HeadSummary[];
  comparisons: HeadComparison[];
  lowData: LowDataPoint[];
  /** the tuning search on the validation split and each head kind's chosen settings (compare.tune) */
  tuning?: TuneResult;
  /** the end-to-end fine-tuning control of every head kind (compare.finetune) */
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

const accuracyOf = (labels: Int32Array, pred: ArrayLike<number>) => {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) ok++;
  return ok / labels.length;
};

export function trainHead(
  make: (k: HeadKind) => HeadModule,
  kind: HeadKind,
  seed: number,
  train: ArraySet,
  val: ArraySet,
  cfg: CompareConfig,
  C: number,
): { head: HeadModule; epochs: number; seconds: number; trainLoss: number[] } {
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
  const trainLoss = logs.map((l) => l.loss);
  return { head, epochs: logs.length, seconds: (performance.now() - t0) / 1000, trainLoss };
}

/** What every step of one comparison shares. */
interface Study {
  run: string;
  cfg: CompareConfig;
  data: Features;
  C: number;
  make: (kind: HeadKind) => HeadModule;
  /** each head kind's training settings: cfg, with its tuned hyperparameters when compare.tune is on */
  cfgOf: Map<HeadKind, CompareConfig>;
  seeds: number[];
  yTest: Int32Array;
  ctx: VerdictContext;
  groupSource: string;
  log: (line: string) => void;
  tick: (info: Record<string, string | number>) => void;
}

/** Reads the features, checks every input and sets up the shared state (before any training). */
function openStudy(run: string, cfg: CompareConfig, hooks: CompareHooks): Study {
  const data = readFeatureSplits(run);
  if (cfg.finetune?.enabled) {
    // fine-tuning reads the images and the backbone after every head is trained: check them now
    const p = runPaths(run);
    for (const f of [p.manifest, p.model, p.arch])
      if (!existsSync(f)) throw new Error(`${f}: needed by compare.finetune and missing (qmri train first)`);
  }
  const C = data.classes.length;
  const seeds = Array.from({ length: cfg.seeds }, (_, s) => cfg.firstSeed! + s);
  const lowFractions = cfg.lowData.filter((f) => f < 1);
  const trials = cfg.tune?.trials ?? 0;
  const jobs = cfg.heads.length * (seeds.length * (1 + lowFractions.length) + trials);
  let done = 0;
  const { groups, source } = testGroups(run, data.files);
  hooks.progress?.start(jobs, 'heads');
  return {
    run,
    cfg,
    data,
    C,
    make: headMaker(cfg, data.train.shape[0], C),
    cfgOf: new Map(cfg.heads.map((k) => [k, cfg])),
    seeds,
    yTest: data.test.y,
    ctx: {
      labels: data.test.y,
      groups,
      classes: C,
      primaryMetric: cfg.primaryMetric,
      margin: cfg.margin,
      seed: cfg.firstSeed,
    },
    groupSource: source,
    log: hooks.log ?? (() => {}),
    tick: (info) => hooks.progress?.update(++done, info),
  };
}

/** One seed of one head on the full training features: trained, saved, scored on the test split. */
/** `seed` names the head (its slot); `trainSeed` (default the same) seeds its training. */
function runSeed(st: Study, kind: HeadKind, seed: number, trainSeed = seed) {
  const { data, C, yTest } = st;
  const trained = trainHead(st.make, kind, trainSeed, data.train, data.val, st.cfgOf.get(kind)!, C);
  const { head, epochs, seconds } = trained;
  const valProbs = predict(head, data.val, C, 256);
  const valPred = argmaxRows(valProbs, C);
  const signals: SeedSignals = {
    seed,
    valAccuracy: classificationMetrics(data.val.y, valPred, C).accuracy,
    trainLoss: trained.trainLoss,
    probs: valProbs,
    pred: valPred,
    labels: data.val.y,
    classes: C,
  };
  const params = head.parameterCount();
  const probs = predict(head, data.test, C, 256);
  saveHead(runPaths(st.run).head(kind, seed), exportHead(head));
  head.dispose();
  const pred = argmaxRows(probs, C);
  const metrics = classificationMetrics(yTest, pred, C);
  const roc = rocOneVsRest(probs, yTest, C);
  const cal = calibration(probs, yTest, C);
  const run: SeedRun = {
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
    valAccuracy: signals.valAccuracy,
    epochs,
    seconds,
  };
  const prediction = {
    seed,
    probs: Array.from(probs, (v) => Math.round(v * 1e5) / 1e5),
    pred: Array.from(pred),
  };
  st.tick({ head: kind, seed, acc: metrics.accuracy });
  return { params, pred, probs, signals, run, prediction, detail: { seed, metrics, roc, calibration: cal } };
}

/** Every seed of one head, summarised over seeds with bootstrap CIs; its test predictions per seed. */
function studyHead(st: Study, kind: HeadKind): { summary: HeadSummary; preds: SeedPredictions } {
  const seeds = st.seeds.map((seed) => runSeed(st, kind, seed));
  const { records, representative } = applyCollapsePolicy(
    seeds.map((r) => r.signals),
    st.cfg.collapsePolicy,
    (i, trainSeed) => (seeds[i] = runSeed(st, kind, st.seeds[i], trainSeed)).signals,
  );
  seeds.forEach((r, i) => (r.run.collapse = records[i]));
  for (const r of seeds.filter((x) => x.run.collapse!.collapsed))
    st.log(`${kind} head seed ${r.run.seed} failed to train: ${r.run.collapse!.reasons.join('; ')}`);
  const perSeed = seeds.map((r) => r.run);
  const list = seeds.map((r) => r.pred);
  const { ctx } = st;
  const input = { classes: ctx.classes, labels: ctx.labels, groups: ctx.groups, head: { pred: list } };
  const boot = (metric: MetricName) => headInterval(input, metric, { seed: st.cfg.firstSeed });
  const aucs = perSeed.map((r) => r.macroAuc).filter((a): a is number => a !== null);
  const summary: HeadSummary = {
    kind,
    params: seeds[seeds.length - 1].params,
    perSeed,
    accuracy: summarize(perSeed.map((r) => r.accuracy)),
    balancedAccuracy: summarize(perSeed.map((r) => r.balancedAccuracy)),
    macroF1: summarize(perSeed.map((r) => r.macroF1)),
    macroAuc: aucs.length ? summarize(aucs) : null,
    ece: summarize(perSeed.map((r) => r.ece)),
    bootstrapAccuracy: boot('accuracy'),
    bootstrapBalancedAccuracy: boot('balancedAccuracy'),
    bootstrapMacroF1: boot('macroF1'),
    detail: seeds[0].detail,
    predictions: seeds.map((r) => r.prediction),
    trainSeconds: perSeed.reduce((a, r) => a + r.seconds, 0),
    representativeSeed: representative,
    collapsed: perSeed.filter((r) => r.collapse?.collapsed).map((r) => r.seed),
  };
  const h = summary;
  st.log(
    `${kind} head (${h.params} parameters): test accuracy ${(100 * h.accuracy.mean).toFixed(2)}% ± ${(100 * h.accuracy.sd).toFixed(2)} over ${st.seeds.length} seeds, 95% CI (test groups × seeds) [${(100 * h.bootstrapAccuracy.lo).toFixed(2)}, ${(100 * h.bootstrapAccuracy.hi).toFixed(2)}], ${h.trainSeconds.toFixed(1)} s`,
  );
  return { summary, preds: { pred: list, probs: seeds.map((r) => r.probs) } };
}

/** One paired comparison: its verdicts (grouped, src/eval) and, descriptive, McNemar per seed. */
function compareHead(
  st: Study,
  head: HeadKind,
  reference: HeadKind,
  preds: Map<HeadKind, SeedPredictions>,
): HeadComparison {
  const { yTest } = st;
  const a = preds.get(head)!;
  const b = preds.get(reference)!;
  const mcnemar = a.pred.map((p, s) => ({ seed: st.seeds[s], ...mcnemarExact(yTest, p, b.pred[s]) }));
  const diffs = a.pred.map((p, s) => 100 * (accuracyOf(yTest, p) - accuracyOf(yTest, b.pred[s])));
  const { verdict, secondary } = pairVerdicts(st.ctx, { head, reference }, a, b);
  return { head, reference, verdict, secondary, sentence: '', accuracyDiff: summarize(diffs), mcnemar };
}

/** Test accuracy, macro-F1 and predictions of one head per seed at one train fraction (1 = the main study's). */
function lowDataHead(st: Study, kind: HeadKind, fraction: number, main: Map<HeadKind, SeedPredictions>) {
  const { data, yTest, C } = st;
  const preds: SeedPredictions = { pred: [], probs: [] };
  let images = data.train.y.length;
  if (fraction >= 1) Object.assign(preds, main.get(kind)!);
  else
    for (const seed of st.seeds) {
      const sub = stratifiedSubset(data.train, fraction, new Rng(seed).fork(`low-data-${fraction}`));
      images = sub.y.length;
      const { head } = trainHead(st.make, kind, seed, sub, data.val, st.cfgOf.get(kind)!, C);
      const probs = predict(head, data.test, C, 256);
      head.dispose();
      preds.pred.push(argmaxRows(probs, C));
      preds.probs.push(probs);
      st.tick({ head: kind, fraction, seed, acc: accuracyOf(yTest, preds.pred[preds.pred.length - 1]) });
    }
  const metrics = preds.pred.map((p) => classificationMetrics(yTest, p, C));
  return { acc: metrics.map((m) => m.accuracy), f1: metrics.map((m) => m.macroF1), images, preds };
}

/** The low-data study at one fraction: every head over every seed, and the paired verdicts. */
function lowDataPoint(st: Study, fraction: number, main: Map<HeadKind, SeedPredictions>): LowDataPoint {
  const point: LowDataPoint = { fraction, trainImages: 0, heads: [], verdicts: [], sentences: [] };
  const preds = new Map<HeadKind, SeedPredictions>();
  for (const kind of st.cfg.heads) {
    const r = lowDataHead(st, kind, fraction, main);
    point.trainImages = r.images;
    preds.set(kind, r.preds);
    point.heads.push({ kind, accuracy: summarize(r.acc), macroF1: summarize(r.f1), perSeed: r.acc });
  }
  // at fraction 1 the main comparison's verdicts stand (adjustFamily fills them in)
  if (fraction < 1)
    for (const [head, reference] of comparisonPairs(st.cfg.heads)) {
      const names = { head, reference };
      point.verdicts.push(pairVerdicts(st.ctx, names, preds.get(head)!, preds.get(reference)!).verdict);
    }
  st.log(
    `low data ${(100 * fraction).toFixed(0)}% (${point.trainImages} images): ${point.heads.map((h) => `${h.kind} ${(100 * h.accuracy.mean).toFixed(1)}%`).join(', ')}`,
  );
  return point;
}

/**
 * The tuning search on train/val (compare.tune) for `kinds`: each kind's training settings (cfg with
 * its chosen hyperparameters; cfg itself when tuning is off) and the search record. Shared by the
 * comparison and the A/A calibration (calibrate.ts), so both train a kind with the same settings.
 */
export function tunedSettings(
  cfg: CompareConfig,
  data: Pick<Features, 'train' | 'val'>,
  make: (kind: HeadKind) => HeadModule,
  C: number,
  kinds: readonly HeadKind[],
  hooks: { log?: (line: string) => void; tick?: (info: Record<string, string | number>) => void } = {},
): { tuning: TuneResult | null; cfgOf: Map<HeadKind, CompareConfig> } {
  const train = (kind: HeadKind, c: CompareConfig) => {
    const r = trainHead(make, kind, cfg.firstSeed, data.train, data.val, c, C);
    hooks.tick?.({ head: kind, tune: c.lr });
    return r;
  };
  const tuning = tuneHeads({ ...cfg, heads: [...kinds] }, data.val, C, train, hooks.log);
  const cfgOf = new Map<HeadKind, CompareConfig>(kinds.map((k) => [k, cfg]));
  for (const h of tuning?.heads ?? []) cfgOf.set(h.kind, withParams(cfg, h.chosen));
  return { tuning, cfgOf };
}

/** The tuning search of the comparison: sets each head kind's settings to its chosen ones. */
function tuneStep(st: Study): TuneResult | null {
  const { data, C, cfg } = st;
  const { tuning, cfgOf } = tunedSettings(cfg, data, st.make, C, cfg.heads, { log: st.log, tick: st.tick });
  for (const [k, c] of cfgOf) st.cfgOf.set(k, c);
  return tuning;
}

/** The end-to-end fine-tuning control of every head kind (when configured), with its verdicts. */
async function finetuneStep(
  st: Study,
  preds: Map<HeadKind, SeedPredictions>,
  hooks: CompareHooks,
): Promise<FinetuneResult | undefined> {
  const f = st.cfg.finetune;
  if (!f?.enabled) return undefined;
  const policy = st.cfg.collapsePolicy;
  const r = await finetuneControl(st.run, f, st.cfg.heads, st.seeds, preds, st.ctx, hooks, policy);
  for (const h of r.heads)
    st.log(
      `fine-tuned backbone + ${h.kind} head: test accuracy ${(100 * h.accuracy.mean).toFixed(2)}% ± ${(100 * h.accuracy.sd).toFixed(2)} over ${r.seeds.length} seeds`,
    );
  return r;
}

/**
 * The comparison: every head over every seed, paired comparisons, the low-data study, optional
 * fine-tuning; written to RUN/compare/results.json. libtorch threads and generator are restored after.
 */
export async function compareHeads(
  run: string,
  partial: Partial<CompareConfig>,
  hooks: CompareHooks = {},
): Promise<CompareResult> {
  const t0 = performance.now();
  const cfg = resolveCompareConfig(partial);
  const st = openStudy(run, cfg, hooks);
  return withRuntime({ threads: cfg.threads }, async () => {
    const tuning = tuneStep(st);
    const heads: HeadSummary[] = [];
    const preds = new Map<HeadKind, SeedPredictions>();
    for (const kind of cfg.heads) {
      const r = studyHead(st, kind);
      heads.push(r.summary);
      preds.set(kind, r.preds);
    }
    const comparisons = comparisonPairs(cfg.heads).map(([h, r]) => compareHead(st, h, r, preds));
    const lowData = cfg.lowData.map((fraction) => lowDataPoint(st, fraction, preds));
    hooks.progress?.stop();
    const finetune = await finetuneStep(st, preds, hooks);
    const family = adjustFamily({ comparisons, lowData, finetune });
    for (const c of [...comparisons, ...(finetune?.comparisons ?? []), ...(finetune?.gains ?? [])])
      st.log(c.sentence);
    const { data } = st;
    const result: CompareResult = {
      version: 1,
      config: cfg,
      classes: data.classes,
      featureDim: data.train.shape[0],
      images: { train: data.train.y.length, val: data.val.y.length, test: st.yTest.length },
      test: {
        labels: Array.from(st.yTest),
        files: data.files,
        groups: st.ctx.groups,
        groupSource: st.groupSource,
      },
      verdicts: { primaryMetric: cfg.primaryMetric, margin: cfg.margin, family },
      heads,
      comparisons,
      lowData,
      ...(tuning ? { tuning } : {}),
      ...(finetune ? { finetune } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
    writeJsonAtomic(
      runPaths(run).representative,
      Object.fromEntries(heads.map((h) => [h.kind, h.representativeSeed])),
    );
    writeJsonAtomic(runPaths(run).compare, result);
    return result;
  });
}

export { comparisonPairs };
