/**
 * The end-to-end fine-tuning control of a fair comparison (compare.finetune, issue 17 item 5): every
 * head kind of the comparison, from its frozen-feature heads of the first `finetune.seeds` seeds, is
 * fine-tuned with the backbone under the same budget (finetune.ts), scored on the test split, and
 * compared through the same verdict machinery as the frozen heads (compare-verdicts.ts: grouped
 * hierarchical bootstrap on the primary metric, secondary metrics, Holm over the run's whole family):
 * fine-tuned head against fine-tuned reference (the same head pairs), and each kind fine-tuned
 * against its own frozen heads of the same seeds (what fine-tuning gains). Descriptive: McNemar per
 * fine-tuned seed against its frozen head.
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
import type { FinetuneConfig } from './compare-config.js';
import { pairVerdicts, type SeedPredictions, type VerdictContext } from './compare-verdicts.js';
import type { EpochLog } from './fit.js';
import { finetuneHead, finetuneImages } from './finetune.js';

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
  heads: { kind: HeadKind; accuracy: SeedSummary; balancedAccuracy: SeedSummary; macroF1: SeedSummary }[];
  /** fine-tuned head vs fine-tuned reference, for every head pair of the frozen comparison */
  comparisons: FinetuneComparison[];
  /** each kind fine-tuned vs its frozen heads of the same seeds (primary metric; secondary ones too) */
  gains: FinetuneComparison[];
}

const tuned = (kind: string) => `fine-tuned ${kind}`;

/** Every head kind × seed fine-tuned; the frozen predictions `frozen` pair with them by seed. */
export async function finetuneControl(
  run: string,
  f: FinetuneConfig,
  kinds: readonly HeadKind[],
  seeds: readonly number[],
  frozen: Map<HeadKind, SeedPredictions>,
  ctx: VerdictContext,
  hooks: { log?: (line: string) => void; progress?: ProgressSink } = {},
): Promise<FinetuneResult> {
  const use = seeds.slice(0, f.seeds);
  const sets = await finetuneImages(run);
  const C = ctx.classes;
  const runs: FinetuneRun[] = [];
  const preds = new Map<HeadKind, SeedPredictions>();
  let done = 0;
  hooks.progress?.start(kinds.length * use.length * f.epochs, 'fine-tuning backbone + head');
  for (const kind of kinds) {
    const mine: SeedPredictions = { pred: [], probs: [] };
    use.forEach((seed, s) => {
      const onEpoch = (e: EpochLog) =>
        hooks.progress?.update(++done, { head: kind, seed, 'val acc': e.valAccuracy });
      const r = finetuneHead(run, sets, f, kind, seed, { log: hooks.log, onEpoch });
      const pred = argmaxRows(r.probs, C);
      const base = frozen.get(kind)!.pred[s];
      const test = classificationMetrics(ctx.labels, pred, C);
      const gain = 100 * (test.accuracy - classificationMetrics(ctx.labels, base, C).accuracy);
      runs.push({
        kind,
        seed,
        epochs: r.epochs,
        test,
        accuracyGain: gain,
        mcnemar: mcnemarExact(ctx.labels, pred, base),
        file: r.file,
      });
      mine.pred.push(pred);
      mine.probs.push(r.probs);
    });
    preds.set(kind, mine);
  }
  hooks.progress?.stop();
  return {
    config: f,
    seeds: use,
    runs,
    heads: summaries(kinds, runs),
    ...verdicts(ctx, kinds, preds, frozen, use.length),
  };
}

function summaries(kinds: readonly HeadKind[], runs: FinetuneRun[]): FinetuneResult['heads'] {
  return kinds.map((kind) => {
    const m = runs.filter((r) => r.kind === kind).map((r) => r.test);
    return {
      kind,
      accuracy: summarize(m.map((x) => x.accuracy)),
      balancedAccuracy: summarize(m.map((x) => x.balancedAccuracy)),
      macroF1: summarize(m.map((x) => x.macroF1)),
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
