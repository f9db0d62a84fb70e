/**
 * Stratified, grouped, seeded splits: whole groups (patients, case folders, blocks of consecutive
 * file numbers) go to one split, chosen greedily to fill each split's per-class quota, so that
 * neighbouring slices of one patient never straddle train and test.
 */
import { SplitSchema, check, checkSplitSum } from '../config/index.js';
import { Rng } from '../util/rng.js';
import type { SplitName, SplitSettings } from './types.js';

/** Split settings as defined in src/config (SplitSchema), fractions adding up to 1. */
export function validateSplitSettings(s: SplitSettings, field = 'split'): void {
  check(SplitSchema, s, { prefix: field });
  checkSplitSum(s, field);
}

export function assignSplits(
  items: readonly { label: number; group: string }[],
  nClasses: number,
  s: SplitSettings,
): SplitName[] {
  validateSplitSettings(s);
  const names: SplitName[] = ['train', 'val', 'test'];
  const bins = fillQuotas(items, nClasses, [s.train, s.val, s.test], new Rng(s.seed).fork('split'));
  return bins.map((b) => names[b]);
}

/**
 * The greedy grouped, class-stratified assignment behind every split: the groups, shuffled by `rng`
 * then taken biggest first, each go whole to the bin (fraction frac[b] > 0) whose per-class quota it
 * fills best. Returns the bin of every item. Used for train/val/test and for cross-validation folds.
 */
export function fillQuotas(
  items: readonly { label: number; group: string }[],
  nClasses: number,
  frac: readonly number[],
  rng: Rng,
): number[] {
  const groups = new Map<string, { counts: number[]; members: number[] }>();
  const classTotal = new Array(nClasses).fill(0);
  items.forEach((it, i) => {
    let g = groups.get(it.group);
    if (!g) groups.set(it.group, (g = { counts: new Array(nClasses).fill(0), members: [] }));
    g.counts[it.label]++;
    g.members.push(i);
    classTotal[it.label]++;
  });
  const keys = [...groups.keys()].sort();
  rng.shuffle(keys);
  const size = (k: string) => groups.get(k)!.members.length;
  keys.sort((a, b) => size(b) - size(a)); // stable: big groups first, random among equals
  const cur = frac.map(() => new Array(nClasses).fill(0));
  const out = new Array<number>(items.length);
  for (const k of keys) {
    const g = groups.get(k)!;
    let best = 0;
    let bestScore = -Infinity;
    for (let si = 0; si < frac.length; si++) {
      if (frac[si] === 0) continue;
      let score = 0;
      for (let c = 0; c < nClasses; c++)
        if (g.counts[c])
          score += (g.counts[c] * (frac[si] * classTotal[c] - cur[si][c])) / Math.max(1, classTotal[c]);
      if (score > bestScore + 1e-12) [best, bestScore] = [si, score];
    }
    for (let c = 0; c < nClasses; c++) cur[best][c] += g.counts[c];
    for (const m of g.members) out[m] = best;
  }
  return out;
}
