/**
 * The end-to-end fine-tuning control of a fair comparison (compare.finetune, issue 17 item 5): every
 * head kind of the comparison, from its frozen-feature heads of the first `finetune.seeds` seeds, is
 * fine-tuned with the backbone under the same budget (finetune.ts), scored on the test split, and
 * compared through the same verdict machinery as the frozen heads (compare-verdicts.ts: grouped
 * hierarchical bootstrap on the primary metric, secondary metrics, Holm over the run's whole family):
 * fine-tuned head against fine-tuned reference (the same head pairs), and each kind fine-tuned
 * against its own frozen heads of the same seeds (what fine-tuning gains). Descriptive: McNemar per
 * fine-tuned seed against its frozen head. A fine-tuned head that failed to train is detected and
 * handled by the same collapse policy as the frozen heads (compare-collapse.ts: 'keep' or 'reinit',
 * compare.collapsePolicy), recorded per run and per kind the same way (collapse, collapsed,
 * representativeSeed).
 */
import {
  argmaxRows,
  classificationMetrics,
  mcnemarExact,
  summarize,
  type McNemar,
  type Metrics,
  type SeedSummary,
  type Verdict,
} from '../eval/index.js';
import { comparisonPairs, type HeadKind } from '../heads/index.js';
import type { ProgressSink } from '../util/progress.js';
import { applyCollapsePolicy, type CollapseRecord, type SeedSignals } from './compare-collapse.js';
import type { FinetuneConfig } from './compare-config.js';
import { pairVerdicts, type SeedPredictions, type VerdictContext } from './compare-verdicts.js';
import type { EpochLog } from './fit.js';
import { finetuneHead, finetuneImages, type FinetuneImages } from './finetune.js';

/** One fine-tuned head (kind × seed). */
export interface FinetuneRun {
  kind: HeadKind;
  seed: number;
  epochs: EpochLog[];
  test: Metrics;
  /** fine-tuned minus frozen-feature head of the same kind and seed, accuracy points */
  accuracyGain: number;
  /** descriptive: paired McNemar exact test against that frozen head */
  mcnemar: McNemar;
  file: string;
  /** validation accuracy of the fine-tuned head (collapse detection, representative seed) */
  valAccuracy: number;
  /** whether it failed to train (and, under 'reinit', what was done), as for the frozen heads */
  collapse: CollapseRecord;
}

/** A verdict pair of the control, named as the verdict objects name their heads. */
export interface FinetuneComparison {
  head: string;
  reference: string;
  verdict: Verdict;
  secondary: Verdict[];
  sentence: string;
}

export interface FinetuneResult {
  config: FinetuneConfig;
  seeds: number[];
  runs: FinetuneRun[];
  heads: {
    kind: HeadKind;
    accuracy: SeedSummary;
    balancedAccuracy: SeedSummary;
    macroF1: SeedSummary;
    /** fine-tuned seeds that failed to train (compare.collapsePolicy says what was done with them) */
    collapsed: number[];
    /** the fine-tuned seed closest to the median validation accuracy among those that did not collapse */
    representativeSeed: number | null;
  }[];
  /** fine-tuned head vs fine-tuned reference, for every head pair of the frozen comparison */
  comparisons: FinetuneComparison[];
  /** each kind fine-tuned vs its frozen heads of the same seeds (primary metric; secondary ones too) */
  gains: FinetuneComparison[];
}

const tuned = (kind: string) => `fine-tuned ${kind}`;

/** What fine-tuning every kind shares: the images, settings, frozen predictions, verdict context. */
interface Control {
  run: string;
  sets: FinetuneImages;
  f: FinetuneConfig;
  frozen: Map<HeadKind, SeedPredictions>;
  ctx: VerdictContext;
  policy: 'keep' | 'reinit';
  hooks: { log?: (line: string) => void; progress?: ProgressSink };
  tick: (kind: HeadKind, seed: number, e: EpochLog) => void;
}

/** One fine-tuned seed (slot `s`, seed `seed`, trained from `trainSeed`): its run, predictions, signals. */
function finetuneSeed(c: Control, kind: HeadKind, s: number, seed: number, trainSeed = seed) {
  const { ctx, hooks } = c;
  const C = ctx.classes;
  const onEpoch = (e: EpochLog) => c.tick(kind, seed, e);
  const r = finetuneHead(c.run, c.sets, c.f, kind, seed, { log: hooks.log, onEpoch }, trainSeed);
  const pred = argmaxRows(r.probs, C);
  const base = c.frozen.get(kind)!.pred[s];
  const test = classificationMetrics(ctx.labels, pred, C);
  const valPred = argmaxRows(r.valProbs, C);
  const val = c.sets.val.y;
  const signals: SeedSignals = {
    seed,
    valAccuracy: classificationMetrics(val, valPred, C).accuracy,
    trainLoss: r.epochs.map((e) => e.loss),
    probs: r.valProbs,
    pred: valPred,
    labels: val,
    classes: C,
  };
  const run: FinetuneRun = {
    kind,
    seed,
    epochs: r.epochs,
    test,
    accuracyGain: 100 * (test.accuracy - classificationMetrics(ctx.labels, base, C).accuracy),
    mcnemar: mcnemarExact(ctx.labels, pred, base),
    file: r.file,
    valAccuracy: signals.valAccuracy,
    collapse: { collapsed: false, reasons: [] },
  };
  return { run, pred, probs: r.probs, signals };
}

/** Every seed of one kind fine-tuned, the collapse policy applied as for the frozen heads. */
function finetuneKind(c: Control, kind: HeadKind, use: readonly number[]) {
  const seeds = use.map((seed, s) => finetuneSeed(c, kind, s, seed));
  const { records, representative } = applyCollapsePolicy(
    seeds.map((r) => r.signals),
    c.policy,
    (i, trainSeed) => (seeds[i] = finetuneSeed(c, kind, i, use[i], trainSeed)).signals,
  );
  seeds.forEach((r, i) => (r.run.collapse = records[i]));
  for (const r of seeds.filter((x) => x.run.collapse.collapsed))
    c.hooks.log?.(
      `fine-tuned ${kind} head seed ${r.run.seed} failed to train: ${r.run.collapse.reasons.join('; ')}`,
    );
  const preds: SeedPredictions = { pred: seeds.map((r) => r.pred), probs: seeds.map((r) => r.probs) };
  return { runs: seeds.map((r) => r.run), preds, representative };
}

/** Every head kind × seed fine-tuned; the frozen predictions `frozen` pair with them by seed. */
export async function finetuneControl(
  run: string,
  f: FinetuneConfig,
  kinds: readonly HeadKind[],
  seeds: readonly number[],
  frozen: Map<HeadKind, SeedPredictions>,
  ctx: VerdictContext,
  hooks: { log?: (line: string) => void; progress?: ProgressSink } = {},
  policy: 'keep' | 'reinit' = 'keep',
): Promise<FinetuneResult> {
  const use = seeds.slice(0, f.seeds);
  let done = 0;
  const tick = (kind: HeadKind, seed: number, e: EpochLog) =>
    hooks.progress?.update(++done, { head: kind, seed, 'val acc': e.valAccuracy });
  const c: Control = { run, sets: await finetuneImages(run), f, frozen, ctx, policy, hooks, tick };
  const runs: FinetuneRun[] = [];
  const preds = new Map<HeadKind, SeedPredictions>();
  const representative = new Map<HeadKind, number | null>();
  hooks.progress?.start(kinds.length * use.length * f.epochs, 'fine-tuning backbone + head');
  for (const kind of kinds) {
    const r = finetuneKind(c, kind, use);
    runs.push(...r.runs);
    preds.set(kind, r.preds);
    representative.set(kind, r.representative);
  }
  hooks.progress?.stop();
  return {
    config: f,
    seeds: use,
    runs,
    heads: summaries(kinds, runs, representative),
    ...verdicts(ctx, kinds, preds, frozen, use.length),
  };
}

function summaries(
  kinds: readonly HeadKind[],
  runs: FinetuneRun[],
  representative: Map<HeadKind, number | null>,
): FinetuneResult['heads'] {
  return kinds.map((kind) => {
    const mine = runs.filter((r) => r.kind === kind);
    const m = mine.map((r) => r.test);
    return {
      kind,
      accuracy: summarize(m.map((x) => x.accuracy)),
      balancedAccuracy: summarize(m.map((x) => x.balancedAccuracy)),
      macroF1: summarize(m.map((x) => x.macroF1)),
      collapsed: mine.filter((r) => r.collapse.collapsed).map((r) => r.seed),
      representativeSeed: representative.get(kind) ?? null,
    };
  });
}

/** The control's verdicts (not yet Holm-adjusted: adjustFamily does that over the whole run). */
function verdicts(
  ctx: VerdictContext,
  kinds: readonly HeadKind[],
  tunedPreds: Map<HeadKind, SeedPredictions>,
  frozen: Map<HeadKind, SeedPredictions>,
  n: number,
): Pick<FinetuneResult, 'comparisons' | 'gains'> {
  const comparisons = comparisonPairs(kinds).map(([h, r]) => {
    const names = { head: tuned(h), reference: tuned(r) };
    return { ...names, ...pairVerdicts(ctx, names, tunedPreds.get(h)!, tunedPreds.get(r)!), sentence: '' };
  });
  const gains = kinds.map((kind) => {
    const names = { head: tuned(kind), reference: kind };
    const f = frozen.get(kind)!;
    const base = { pred: f.pred.slice(0, n), probs: f.probs.slice(0, n) };
    return { ...names, ...pairVerdicts(ctx, names, tunedPreds.get(kind)!, base), sentence: '' };
  });
  return { comparisons, gains };
}
