/**
 * Heads that failed to train, in the comparison: every seed of a head kind is checked with src/eval
 * detectCollapses (constant outputs or predictions on the validation split, a training loss that did
 * not fall, a validation accuracy far below its siblings'); the declared policy
 * (compare.collapsePolicy, the same for every head kind) is applied: 'keep' counts the seed as part
 * of the kind's variability, 'reinit' retrains it once from a derived seed. Either way the collapse
 * is reported, and the representative seed (representativeSeed: closest to the median validation
 * accuracy among the seeds that did not collapse) is the one viewer, explain and the noise study show.
 */
import { detectCollapses, representativeSeed, type CollapseResult, type HeadSignals } from '../eval/index.js';
import { Rng } from '../util/rng.js';

/** What the comparison records of one seed's training, for collapse detection. */
export interface SeedSignals extends HeadSignals {
  seed: number;
  valAccuracy: number;
}

/** A seed's collapse record in results.json. */
export interface CollapseRecord extends CollapseResult {
  /** under 'reinit': the seed the head was retrained from (its numbers are the retrained head's) */
  reinitSeed?: number;
  /** under 'reinit': whether the retrained head collapsed too */
  reinitCollapsed?: boolean;
}

/** The seed a collapsed head is retrained from under 'reinit' (derived, so every run agrees). */
export const reinitSeed = (seed: number): number => new Rng(seed).fork('reinit').seed % 2 ** 31;

/**
 * Applies the policy to one head kind's seeds: `retrain(i, seed)` retrains seed i from `seed` and
 * returns the new head's signals. Returns each seed's record and the representative seed.
 */
export function applyCollapsePolicy(
  signals: SeedSignals[],
  policy: 'keep' | 'reinit',
  retrain: (i: number, seed: number) => SeedSignals,
): { records: CollapseRecord[]; representative: number | null } {
  const first = detectCollapses(signals);
  const records: CollapseRecord[] = first.map((r) => ({ ...r }));
  const final = [...signals];
  if (policy === 'reinit')
    first.forEach((r, i) => {
      if (!r.collapsed) return;
      const seed = reinitSeed(signals[i].seed);
      final[i] = retrain(i, seed);
      records[i].reinitSeed = seed;
    });
  const now = policy === 'reinit' ? detectCollapses(final) : first;
  if (policy === 'reinit')
    records.forEach((r, i) => r.reinitSeed !== undefined && (r.reinitCollapsed = now[i].collapsed));
  const representative = representativeSeed(
    signals.map((s, i) => ({ seed: s.seed, score: final[i].valAccuracy, collapsed: now[i].collapsed })),
  );
  return { records, representative };
}
