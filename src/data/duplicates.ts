/**
 * Near-duplicates that straddle splits, and which member of each pair goes (one rule for the
 * one-split manifest, prepare.ts, and for every cross-validation fold, folds.ts): of each pair of
 * images within `maxDistance` dHash bits (hash.ts nearDuplicatePairs) in different splits, the one
 * whose split ranks lower in `keep` is dropped. Also: the data settings that decide it, and the
 * dHash of every entry of a manifest (decoded again, for the folds).
 */
import { examineFiles } from './examine.js';
import { DEFAULT_DUPLICATE_DISTANCE, nearDuplicatePairs, type PHash } from './hash.js';
import type { Manifest, SplitName } from './types.js';

/** The split kept of a pair, by rank (higher kept). The one-split manifest keeps train, then val. */
export type KeepRank = Record<SplitName, number>;
export const KEEP_TRAIN_FIRST: KeepRank = { train: 2, val: 1, test: 0 };

/** Indices to drop: of each cross-split near-duplicate pair, the member in the lower-ranked split. */
export function crossSplitDuplicates(
  hashes: readonly (PHash | null)[],
  splits: readonly SplitName[],
  maxDistance: number,
  keep: KeepRank = KEEP_TRAIN_FIRST,
): Set<number> {
  const drop = new Set<number>();
  for (const [i, j] of nearDuplicatePairs(hashes, maxDistance))
    if (splits[i] !== splits[j]) drop.add(keep[splits[i]] <= keep[splits[j]] ? i : j);
  return drop;
}

/** Whether near-duplicates across splits are removed, and within how many bits (data config, defaulted). */
export function duplicateSettings(cfg: { removeDuplicates?: boolean; duplicateDistance?: number }): {
  removeDuplicates: boolean;
  duplicateDistance: number;
} {
  return {
    removeDuplicates: cfg.removeDuplicates ?? true,
    duplicateDistance: cfg.duplicateDistance ?? DEFAULT_DUPLICATE_DISTANCE,
  };
}

/** Every entry's dHash by file (null: unreadable now), decoded as prepareData decoded it. */
export async function manifestHashes(m: Manifest): Promise<Map<string, PHash | null>> {
  const facts = await examineFiles(m.root, m.entries);
  return new Map(facts.map((f) => [f.file, f.dhash]));
}
