/** The data section: the data set (a folder or synthetic phantoms), its split and its preprocessing. */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_SEED, bool, closed, int, num, oneOf, str } from './kit.js';

export const SplitSchema = closed({
  train: num(0, 1, 0.7, 'min'),
  val: num(0, 1, 0.15),
  test: num(0, 1, 0.15, 'min'),
  seed: int(0, MAX_SEED, 0),
  blockSize: int(1, 100_000, 20),
});
export type SplitSettings = Static<typeof SplitSchema>;

export const PreprocessSchema = closed({
  size: int(16, 1024, 224),
  brainCrop: bool(false),
  normalize: oneOf(['zscore', 'imagenet'] as const, 'zscore'),
  /**
   * intensity standardisation before the normalisation (src/data/intensity.ts): per-image
   * percentile scaling ([p1, p99] → [0, 255]) or Nyúl histogram standardisation; unset = 'none'
   */
  intensity: Type.Optional(oneOf(['none', 'percentile', 'histogram'] as const)),
  /** histogram standardisation's standard landmarks (learned on the train split by the training stage) */
  landmarks: Type.Optional(Type.Array(num(0, 255), { minItems: 11, maxItems: 11 })),
});
export type PreprocessConfig = Static<typeof PreprocessSchema>;

export const SyntheticSchema = closed(
  { n: int(8, 1_000_000, 400), size: int(16, 1024, 64), seed: int(0, MAX_SEED, 7) },
  null,
);

/** Fields shared by the experiment's data section and the data stage (src/data DataConfig). */
const dataFields = {
  layout: oneOf(['auto', 'folders', 'kaggle'] as const, 'auto'),
  split: SplitSchema,
  preprocess: PreprocessSchema,
  /** stratified, seeded subsample of at most this many images */
  maxImages: Type.Optional(int(4, 100_000_000)),
  /** unreadable files: skip and report (default) or stop */
  badInput: Type.Optional(oneOf(['skip', 'fail'] as const, 'skip')),
  /** drop the val/test member of near-duplicate pairs that straddle splits (default true; false: report only) */
  removeDuplicates: Type.Optional(bool(true)),
  /** dHash Hamming distance (of 256 bits) counted as a near-duplicate */
  duplicateDistance: Type.Optional(int(0, 32, 3)),
  /** cap on width×height of any input */
  maxPixels: Type.Optional(int(1, 2 ** 40)),
};

/** Seed of the cross-source proxy's per-image settings (src/data/proxy.ts) unless given. */
export const DEFAULT_PROXY_SEED = 19;

/** The experiment config's data section: `dir` or `synthetic` (phantoms written into the run). */
export const DataSectionSchema = closed({
  dir: Type.Optional(str()),
  /** write phantoms (src/data writePhantomDataset) into RUN/data/phantoms and use them as dir */
  synthetic: Type.Optional(SyntheticSchema),
  /**
   * after the data stage, write the cross-source proxy of the test split into RUN/data/proxy
   * (src/data/proxy.ts: re-prepared by downscaling, intensity change, JPEG); training reports its
   * accuracy beside the test accuracy. Unset: no proxy (`qmri data proxy RUN` writes one later).
   */
  proxy: Type.Optional(closed({ seed: int(0, MAX_SEED, DEFAULT_PROXY_SEED) }, null)),
  ...dataFields,
});
export type DataSection = Static<typeof DataSectionSchema>;

/** The data stage's settings (src/data prepareData). */
export const DataStageSchema = closed(
  { dir: str(), ...dataFields, layout: Type.Optional(dataFields.layout) },
  null,
);
export type DataStageConfig = Static<typeof DataStageSchema>;

/** Rules across keys that a schema cannot say: the split fractions add up to 1. */
export function checkSplitSum(s: SplitSettings, at: string): void {
  if (Math.abs(s.train + s.val + s.test - 1) > 1e-6)
    throw new Error(`${at}: train + val + test must be 1, got ${s.train + s.val + s.test}`);
}
