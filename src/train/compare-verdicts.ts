/**
 * The verdicts of one head comparison (issue 17), all from src/eval's one machinery: the test cases'
 * groups (the manifest's patient group or block of every test file), one pairedVerdict per head pair ×
 * metric (the declared primary metric and the secondary ones) and per head pair at every low-data
 * fraction (primary metric), Holm's adjustment over that whole family, and the sentences made from
 * the verdict objects alone (the groups themselves come from src/data testGroups). The grouped hierarchical bootstrap resamples test groups and head seeds.
 */
import {
  holmFamily,
  METRIC_NAMES,
  pairedVerdict,
  verdictSentence,
  type MetricName,
  type Verdict,
} from '../eval/index.js';

/** Every seed's test predictions and class probabilities (N×classes) of one head kind. */
export interface SeedPredictions {
  pred: Int32Array[];
  probs: Float32Array[];
}

/** The test set as the verdicts see it: labels and the group of every case. */
export interface VerdictContext {
  labels: Int32Array;
  groups: string[];
  classes: number;
  primaryMetric: MetricName;
  margin: number;
  seed: number;
}

/** The verdict of `head` against `reference` on one metric (not yet Holm-adjusted). */
export function headVerdict(
  ctx: VerdictContext,
  names: { head: string; reference: string },
  a: SeedPredictions,
  b: SeedPredictions,
  metric: MetricName,
): Verdict {
  const fold = {
    labels: ctx.labels,
    groups: ctx.groups,
    head: { pred: a.pred, probs: a.probs },
    reference: { pred: b.pred, probs: b.probs },
  };
  return pairedVerdict(
    { classes: ctx.classes, folds: [fold] },
    {
      head: `${names.head} head`,
      reference: `${names.reference} head`,
      metric,
      margin: ctx.margin,
      seed: ctx.seed,
    },
  );
}

/** The primary verdict and the secondary ones (every other metric of the registry). */
export function pairVerdicts(
  ctx: VerdictContext,
  names: { head: string; reference: string },
  a: SeedPredictions,
  b: SeedPredictions,
): { verdict: Verdict; secondary: Verdict[] } {
  const others = METRIC_NAMES.filter((m) => m !== ctx.primaryMetric);
  return {
    verdict: headVerdict(ctx, names, a, b, ctx.primaryMetric),
    secondary: others.map((m) => headVerdict(ctx, names, a, b, m)),
  };
}

/** A comparison's primary and secondary verdicts and its sentence (made after Holm). */
interface Comparison {
  verdict: Verdict;
  secondary: Verdict[];
  sentence: string;
}

/**
 * What Holm adjusts: every comparison's verdicts, every low-data point's (fraction < 1) and, with
 * the fine-tuning control (finetune-control.ts), its comparisons and gains (last, in that order).
 */
interface Family {
  comparisons: Comparison[];
  lowData: { fraction: number; verdicts: Verdict[]; sentences: string[] }[];
  finetune?: { comparisons: Comparison[]; gains: Comparison[] };
}

/**
 * Holm over the run's whole family, then the sentences. A low-data point at fraction 1 is the main
 * study: it carries the comparisons' primary verdicts (counted once in the family). Returns the size.
 */
export function adjustFamily(f: Family): number {
  const low = f.lowData.filter((p) => p.fraction < 1);
  const tuned = f.finetune ? [...f.finetune.comparisons, ...f.finetune.gains] : [];
  const all = [
    ...f.comparisons.flatMap((c) => [c.verdict, ...c.secondary]),
    ...low.flatMap((p) => p.verdicts),
    ...tuned.flatMap((c) => [c.verdict, ...c.secondary]),
  ];
  const adjusted = holmFamily(all);
  let k = 0;
  const take = (c: Comparison) => {
    c.verdict = adjusted[k++];
    c.secondary = c.secondary.map(() => adjusted[k++]);
    c.sentence = verdictSentence(c.verdict);
  };
  f.comparisons.forEach(take);
  for (const p of low) p.verdicts = p.verdicts.map(() => adjusted[k++]);
  tuned.forEach(take);
  for (const p of f.lowData) {
    if (p.fraction >= 1) p.verdicts = f.comparisons.map((c) => c.verdict);
    p.sentences = p.verdicts.map(verdictSentence);
  }
  return all.length;
}
