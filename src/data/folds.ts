/**
 * Grouped, class-stratified k-fold cross-validation splits of a manifest: every group (patient, case
 * folder, block) goes whole to one of k folds (split.ts's quota filling, k equal fractions), so the
 * folds' test sets partition the data and every group is tested exactly once. Fold i's manifest has
 * fold i as its test split and the other folds' groups divided into train and val in the
 * manifest's train : val proportion (again whole groups). Seeded by the manifest's split seed.
 * Near-duplicates (data.removeDuplicates): the one-split manifest only removed pairs across its own
 * splits, so a fold can put two near-identical images on both sides; dedupeFold drops, of each pair
 * across the fold's splits, the train/val member (the test one is kept, so the folds' test sets still
 * partition the data) and records the count in the fold manifest (split.fold.removedDuplicates).
 * Scope (foldSource): 'all' re-splits every entry, so the folds' test sets partition the whole data;
 * 'trainval' re-splits only the train and val entries and leaves the manifest's test split out of
 * every fold, a held-out set none of the k backbones saw (issue 19: rank recipes by cross-validation
 * on train + validation, report the fixed test split once).
 */
import type { FoldScope } from '../config/index.js';
import { Rng } from '../util/rng.js';
import { crossSplitDuplicates, type KeepRank } from './duplicates.js';
import type { PHash } from './hash.js';
import { fillQuotas } from './split.js';
import type { Manifest, ManifestEntry, SplitName } from './types.js';

/** The fold (0..k−1) of every entry: whole groups, class-stratified, seeded. */
export function assignFolds(
  items: readonly { label: number; group: string }[],
  nClasses: number,
  k: number,
  seed: number,
): number[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds: k must be a whole number ≥ 2, got ${k}`);
  const groups = new Set(items.map((e) => e.group)).size;
  if (groups < k)
    throw new RangeError(`folds: ${k} folds need at least ${k} groups, the data have ${groups}`);
  return fillQuotas(items, nClasses, new Array<number>(k).fill(1 / k), new Rng(seed).fork('folds'));
}

/** The manifest the folds re-split under `scope` ('trainval': the test split's entries dropped). */
export function foldSource(m: Manifest, scope: FoldScope): Manifest {
  if (scope === 'all') return m;
  const entries = m.entries.filter((e) => e.split !== 'test');
  if (entries.length === 0)
    throw new RangeError('folds: foldScope trainval, but the manifest has no train or val entry');
  return { ...m, entries };
}

/** Fold `fold` (0-based) of k as a manifest: test = that fold, train/val = the others' groups. */
export function foldManifest(m: Manifest, k: number, fold: number): Manifest {
  if (!Number.isInteger(fold) || fold < 0 || fold >= k)
    throw new RangeError(`folds: fold must be in 0..${k - 1}, got ${fold}`);
  const C = m.classes.length;
  const of = assignFolds(m.entries, C, k, m.split.seed);
  const rest = m.entries.filter((_, i) => of[i] !== fold);
  const { train, val } = m.split;
  const bins = fillQuotas(
    rest,
    C,
    [train / (train + val), val / (train + val)],
    new Rng(m.split.seed).fork(`fold-${fold}`),
  );
  const splitOf = new Map<ManifestEntry, SplitName>(rest.map((e, i) => [e, bins[i] === 0 ? 'train' : 'val']));
  const entries = m.entries.map((e) => ({ ...e, split: splitOf.get(e) ?? ('test' as SplitName) }));
  for (const s of ['train', 'val', 'test'] as const) {
    const have = new Set(entries.filter((e) => e.split === s).map((e) => e.label));
    const missing = m.classes.filter((_, c) => !have.has(c));
    if (missing.length)
      throw new RangeError(
        `folds: fold ${fold + 1} of ${k}: its ${s} split has no image of class ${missing.map((c) => `'${c}'`).join(', ')} (too few groups per class for ${k} folds: lower compare.folds or use smaller groups, data.split.blockSize)`,
      );
  }
  return { ...m, entries, split: { ...m.split, fold: { index: fold, of: k } } };
}

/** A fold keeps the test member of a near-duplicate pair (then train over val, as the one split). */
export const KEEP_TEST_FIRST: KeepRank = { test: 2, train: 1, val: 0 };

/**
 * A fold manifest without near-duplicates across its splits: `hashes` holds each entry's dHash by
 * file (a missing or null hash is never a duplicate). The count removed goes to split.fold.
 */
export function dedupeFold(
  m: Manifest,
  hashes: ReadonlyMap<string, PHash | null>,
  maxDistance: number,
): Manifest {
  if (!m.split.fold) throw new RangeError('dedupeFold: not a fold manifest (split.fold missing)');
  const drop = crossSplitDuplicates(
    m.entries.map((e) => hashes.get(e.file) ?? null),
    m.entries.map((e) => e.split),
    maxDistance,
    KEEP_TEST_FIRST,
  );
  const entries = m.entries.filter((_, i) => !drop.has(i));
  return { ...m, entries, split: { ...m.split, fold: { ...m.split.fold, removedDuplicates: drop.size } } };
}
