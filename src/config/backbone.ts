/** The backbone section: DenseNet training settings (src/train trainBackbone). */
import { Type, type Static } from '@sinclair/typebox';
import { AUGMENTS, resolveAugment, type AugmentStep } from '../data/augment/index.js';
import { TTA_NAMES } from '../data/tta/index.js';
import { MAX_SEED, bool, closed, int, lr, nameList, num, oneOf, str } from './kit.js';

/** Arithmetic of the backbone's convolutions (float32 when unset). */
export const PRECISIONS = ['fp32', 'bf16'] as const;

const DenseNetSchema = closed(
  {
    growthRate: Type.Optional(int(1, 1024)),
    blockConfig: Type.Optional(Type.Array(int(1, 64), { minItems: 1, maxItems: 8 })),
    numInitFeatures: Type.Optional(int(1, 1024)),
    bnSize: Type.Optional(int(1, 1024)),
  },
  null,
);

/** One augmentation step as the schema sees it; its kind's own schema checks the rest (checkBackbone). */
const AugmentStepSchema = Type.Unsafe<AugmentStep>(
  Type.Object({ kind: Type.String() }, { additionalProperties: true }),
);

/** The experiment config's backbone section (seed and threads come from the top level). */
export const BackboneSectionSchema = closed({
  epochs: int(1, 10_000, 10),
  batchSize: int(2, 4096, 32),
  lr: lr(1e-3),
  weightDecay: num(0, 10, 1e-4),
  warmupFraction: num(0, 1, 0.05, 'max'),
  labelSmoothing: num(0, 1, 0.05, 'max'),
  /** early stopping: epochs without a better validation macro-F1 (0 = off) */
  patience: int(0, 10_000, 4),
  /**
   * training-batch augmentation (src/data/augment): true = the classic flip / affine / bias field /
   * gain set (as always), false = none, "scanner" = the scanner-robust preset, or a list of steps
   * {kind, p?, ...options} run in order; each kind's options (ranges, defaults) are its registry
   * entry's schema, checked by checkBackbone
   */
  augment: Type.Union([bool(), Type.Literal('scanner'), Type.Array(AugmentStepSchema)], {
    default: true,
    description: `true, false, "scanner" or a list of {kind, p?, ...options} with kind one of ${AUGMENTS.map((k) => k.name).join(', ')}`,
  }),
  /** a reduced DenseNet for tests and quick runs; DenseNet121 when absent */
  densenet: Type.Optional(DenseNetSchema),
  /** optional torchvision DenseNet121 .safetensors to start from (classifier ignored) */
  weights: Type.Optional(str()),
  /**
   * stop before an epoch that would end past this many minutes of this session (resumable);
   * every session trains at least one epoch
   */
  timeLimitMinutes: Type.Optional(num(0, undefined, undefined, 'min')),
  /** images per forward pass at validation / test time */
  evalBatchSize: Type.Optional(int(1, 4096)),
  /**
   * progressive resizing: the first `epochs` epochs train on the images downscaled (bilinear) to
   * `size` px, the rest at full size (epochs ≤ the backbone's epochs)
   */
  progressive: Type.Optional(closed({ size: int(16, 4096), epochs: int(1, 10_000) }, null)),
  /**
   * 'bf16': the convolutions run under libtorch's CPU autocast to bfloat16 (batch norm, the head
   * and the loss stay float32) during training and validation; fast where the CPU has AVX-512 BF16
   * or AMX. Unset = 'fp32'. Feature extraction and explanations always run in float32.
   */
  precision: Type.Optional(oneOf(PRECISIONS)),
  /** channels-last (NHWC) memory for the input and convolution weights (unset = false) */
  channelsLast: Type.Optional(bool()),
  /**
   * exponential moving average of the weights (src/train/ema.ts, as timm's ModelEmaV2): its decay d
   * in (0, 1), typically 0.999. The average (parameters and batch-norm statistics) is what is
   * validated, chosen as the best epoch and saved as the backbone. Unset = off.
   */
  ema: Type.Optional(num(0, 1, undefined, 'both')),
  /**
   * warm-up of the EMA's decay: update t uses min(ema, (1 + t) / (10 + t)), so a short run is not
   * dominated by the initial weights (needs `ema`; unset = false)
   */
  emaWarmup: Type.Optional(bool()),
  /**
   * test-time augmentation: the views (src/data/tta: 'identity', 'hflip') whose softmax
   * probabilities are averaged for the final val / test / proxy metrics, and whose pooled features
   * are averaged for the head comparison, e.g. ['identity', 'hflip']. The per-epoch validation (best
   * epoch) stays on the images as they are. Unset = off (the images as they are).
   */
  tta: Type.Optional(nameList(TTA_NAMES)),
  /**
   * box-guided training ("right for the right reasons", src/train/box-guidance.ts): on training
   * images with a tumor box, the loss adds `weight` × the share of the true class's CAM
   * (ReLU(Σ_k W_ck·A_k) on the final feature map) that lies outside the box, the box grown by
   * `margin` pixels of the preprocessed image on every side (default 0). Unset = off.
   */
  /**
   * class balancing beyond the default: the cross entropy already weighs each class by its inverse
   * training frequency (every class counts alike); `classBoost` multiplies the named classes'
   * weights further, e.g. { meningioma: 2 } for the weakest class. Names are the dataset's class
   * names (checked when the data is known). Unset = the balanced weights alone.
   */
  classBoost: Type.Optional(Type.Record(Type.String({ minLength: 1 }), num(0, 100, undefined, 'min'))),
  boxGuidance: Type.Optional(
    closed({ weight: num(0, 1000, undefined, 'min'), margin: int(0, 4096, 0) }, null),
  ),
});
export type BackboneSection = Static<typeof BackboneSectionSchema>;

/** The backbone stage's settings: the section plus the run's seed and thread count. */
export const BackboneSchema = closed({
  ...BackboneSectionSchema.properties,
  seed: int(0, MAX_SEED, 7),
  threads: int(1, 256, 2),
});
export type BackboneConfig = Static<typeof BackboneSchema>;

/**
 * Rules across keys: augmentation steps fit their kinds; progressive resizing lasts at most the whole
 * training; the EMA warm-up needs the EMA.
 */
export function checkBackbone(c: BackboneSection, at: string): void {
  resolveAugment(c.augment, `${at}.augment`);
  if (c.emaWarmup && c.ema === undefined)
    throw new Error(`${at}.emaWarmup: warms up the EMA's decay, so it needs 'ema' (e.g. 0.999)`);
  if (c.progressive && c.progressive.epochs > c.epochs)
    throw new Error(
      `${at}.progressive.epochs: must be an integer in [1, ${c.epochs}] (the backbone's epochs), got ${c.progressive.epochs}`,
    );
}
