/**
 * The compare section: the head comparison (src/train compareHeads). Every head gets the same
 * optimizer budget. The head kinds are the caller's registry names (so this layer needs no heads).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { METRIC_NAMES } from '../eval/paired-metrics/index.js';
import { ROTATIONS, TEMPLATE_NAMES } from '../quantum/templates/index.js';
import { bool, closed, int, lr, nameList, num, oneOf } from './kit.js';

/** Which entries compare.folds re-splits (src/data foldSource): every one, or train + val only. */
export const FOLD_SCOPES = ['all', 'trainval'] as const;
export type FoldScope = (typeof FOLD_SCOPES)[number];

/** The compare settings over head kinds `H` (default: all of them). */
export function compareSchema<H extends string>(heads: readonly H[]) {
  return closed({
    heads: nameList(heads, heads),
    /** seeds per head (≥ 10 in a reported comparison) */
    seeds: int(1, 1000, 10),
    qubits: int(2, 12, 4),
    layers: int(1, 50, 2),
    template: oneOf(TEMPLATE_NAMES, 'strong'),
    embedding: oneOf(ROTATIONS, 'Y'),
    reupload: bool(false),
    /**
     * the hybrid heads' 1,024→n tanh encoder (quantum and bottleneck): 'batch' standardises each
     * pre-activation over the batch (BatchNorm1d without affine, folded into the linear layer at
     * export), 'none' is the plain dressed circuit. Default 'batch', chosen on validation (real set,
     * BENCHMARKS.md): without it the trained units saturate (|u| ≈ 18, the circuit sees ±π/2 only,
     * Grad-CAM through the head empties) and a quantum seed can fail to train.
     */
    encoderNorm: oneOf(['batch', 'none'] as const, 'batch'),
    epochs: int(1, 10_000, 30),
    lr: lr(1e-2),
    batchSize: int(1, 4096, 32),
    /** train fractions of the low-data study (1 = the main study, reused); [] = no study */
    lowData: Type.Array(num(0, 1, undefined, 'min'), { default: [0.05, 0.1, 0.25, 0.5, 1] }),
    /** early stopping on validation macro-F1 (0 = off), the same for every head */
    patience: int(0, 10_000, 10),
    weightDecay: num(0, 10, 1e-4),
    /** first seed; head k of a kind uses seed firstSeed + k */
    firstSeed: int(0, 2 ** 31 - 1000, 1000),
    /**
     * the metric every verdict is decided on (declared before the run; the others are secondary, with
     * Holm-adjusted p). Balanced accuracy by default: class counts differ (a user's own data often
     * far more than the Kaggle set), and plain accuracy rewards a head that favours the large classes;
     * balanced accuracy weighs every class's recall equally and equals accuracy when classes are balanced.
     */
    primaryMetric: oneOf(METRIC_NAMES, 'balancedAccuracy'),
    /** equivalence margin in metric points (two one-sided tests: |difference| < margin ⇒ equivalent) */
    margin: num(0, 100, 1),
    /**
     * a head seed that failed to train (src/eval detectCollapses): 'keep' counts it as part of its
     * head kind's variability (reported, never shown by viewer/explain); 'reinit' retrains it once
     * from a derived seed and keeps the retrained head (the collapse stays reported). The same for every head kind.
     */
    collapsePolicy: oneOf(['keep', 'reinit'] as const, 'keep'),
    /**
     * grouped k-fold cross-validation of the whole chain (src/cli/folds.ts): k ≥ 2 trains a backbone
     * per fold on that fold's train part, extracts features, trains the heads over seeds and tests
     * them on the fold's held-out groups, and the verdicts use the fold level (Nadeau–Bengio over
     * folds). Absent or 1: the one split only.
     */
    folds: Type.Optional(int(1, 20)),
    /**
     * what the folds re-split: 'all' (every image; the folds' test sets partition the data) or
     * 'trainval' (the train and val images only: the run's test split stays out of every fold, a
     * held-out set for the k-fold backbones and their ensemble, `qmri ensemble`); absent = 'all'
     */
    foldScope: Type.Optional(oneOf(FOLD_SCOPES)),
    /**
     * the same seeded random search for every head kind on the validation split (src/train/tune.ts);
     * absent or 0 trials = off, every head then trains with epochs, lr and weightDecay above
     */
    tune: Type.Optional(
      closed(
        {
          trials: int(0, 1000, 0),
          /** learning rate, sampled log-uniformly in [lo, hi] */
          lr: span(lr(), [1e-3, 1e-1]),
          /** epochs, an integer sampled uniformly in [lo, hi] */
          epochs: span(int(1, 10_000), [5, 60]),
          /** AdamW weight decay, log-uniform in [lo, hi] (uniform when lo is 0) */
          weightDecay: span(num(0, 10), [1e-6, 1e-2]),
        },
        null,
      ),
    ),
    /**
     * end-to-end control: backbone + head trained together on the images, for every head kind, from
     * the frozen-feature heads of the first `seeds` seeds (slow on CPU); compared like the frozen heads
     */
    finetune: Type.Optional(
      closed(
        {
          enabled: bool(),
          epochs: int(1, 1000),
          lr: lr(),
          batchSize: int(2, 4096),
          /** seeds per head kind (≥ 3 for a verdict with an interval worth reading; ≤ compare.seeds) */
          seeds: int(1, 1000, 3),
        },
        null,
      ),
    ),
  });
}

/** A [lo, hi] range of `item` values (checked lo ≤ hi by checkCompare). */
function span<T extends TSchema>(item: T, def: [number, number]) {
  return Type.Array(item, { minItems: 2, maxItems: 2, default: def });
}
type CompareSectionSchema<H extends string> = ReturnType<typeof compareSchema<H>>;
export type CompareSection<H extends string = string> = Static<CompareSectionSchema<H>>;

/** The compare stage's settings: the section plus the thread count. */
export function compareStageSchema<H extends string>(heads: readonly H[]) {
  return closed({ ...compareSchema(heads).properties, threads: int(1, 256, 2) });
}
export type CompareConfig<H extends string = string> = Static<ReturnType<typeof compareStageSchema<H>>>;

/** Rules across keys: tuning ranges run low to high; fine-tuning starts from seeds the comparison trains. */
export function checkCompare(c: CompareSection, at: string): void {
  for (const k of ['lr', 'epochs', 'weightDecay'] as const) {
    const r = c.tune?.[k];
    if (r && !(r[0] <= r[1]))
      throw new Error(`${at}tune.${k}: expected [lo, hi] with lo ≤ hi, got [${r.join(', ')}]`);
  }
  if (c.finetune?.enabled && c.finetune.seeds! > c.seeds)
    throw new Error(
      `${at}finetune.seeds: ${c.finetune.seeds} is more than seeds (${c.seeds}): each fine-tuned head starts from the frozen head of its seed`,
    );
}
