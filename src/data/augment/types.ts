/**
 * What an augmentation kind is (AugmentKind) and what it works on (AugmentBatch: a normalised
 * N×3×S×S Float32Array batch, changed in place, its seeded Rng and optional per-image mask planes);
 * BatchMix is what a batch-level mixing kind (mixup, cutmix) hands the loss.
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { Rng } from '../../util/rng.js';

/** A training batch under augmentation: x is n×3×size×size, masks (when given) n×size×size. */
export interface AugmentBatch {
  x: Float32Array;
  n: number;
  size: number;
  rng: Rng;
  masks?: Float32Array;
}

/** Labels of a mixed batch: image i is λ·(its own) + (1−λ)·(image perm[i]); one λ per batch. */
export interface BatchMix {
  perm: Int32Array;
  lambda: number;
}

interface KindBase<S extends TObject> {
  name: string;
  /** one line for docs and messages */
  description: string;
  /** the options with their ranges and defaults (a closed object; `kind` and `p` are not in it) */
  options: S;
  /** default probability: per image for image kinds, per batch for mixing kinds */
  p: number;
  /** a rule across options (e.g. min ≤ max): the problem in words, or null */
  validate?: (o: Static<S>) => string | null;
}

/** A per-image transform: applies to image i (its 3 channels, and its mask when geometric). */
export interface ImageKind<S extends TObject = TObject> extends KindBase<S> {
  scope: 'image';
  apply(b: AugmentBatch, i: number, o: Static<S>): void;
}

/** A batch-level mixing transform: mixes images of the batch and says how the labels mix. */
export interface MixKind<S extends TObject = TObject> extends KindBase<S> {
  scope: 'batch';
  mix(b: AugmentBatch, o: Static<S>): BatchMix;
}

export type AugmentKind = ImageKind | MixKind;

/** Types a kind against its own options, stored in the registry list under the common type. */
export const defineImageKind = <S extends TObject>(k: Omit<ImageKind<S>, 'scope'>): AugmentKind =>
  ({ scope: 'image', ...k }) as unknown as AugmentKind;
export const defineMixKind = <S extends TObject>(k: Omit<MixKind<S>, 'scope'>): AugmentKind =>
  ({ scope: 'batch', ...k }) as unknown as AugmentKind;

/** A range rule for option pairs: "<lo> ≤ <hi>" or the problem. */
export const ordered = (loKey: string, lo: number, hiKey: string, hi: number): string | null =>
  lo <= hi ? null : `${loKey} (${lo}) must be ≤ ${hiKey} (${hi})`;
