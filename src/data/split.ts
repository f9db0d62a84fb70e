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
  const frac = [s.train, s.val, s.test];
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
  new Rng(s.seed).fork('split').shuffle(keys);
  const size = (k: string) => groups.get(k)!.members.length;
  keys.sort((a, b) => size(b) - size(a)); // stable: big groups first, random among equals
  const cur = names.map(() => new Array(nClasses).fill(0));
  const out = new Array<SplitName>(items.length);
  for (const k of keys) {
    const g = groups.get(k)!;
    let best = 0;
    let bestScore = -Infinity;
    for (let si = 0; si < 3; si++) {
      if (frac[si] === 0) continue;
      let score = 0;
      for (let c = 0; c < nClasses; c++)
        if (g.counts[c])
          score += (g.counts[c] * (frac[si] * classTotal[c] - cur[si][c])) / Math.max(1, classTotal[c]);
      if (score > bestScore + 1e-12) [best, bestScore] = [si, score];
    }
    for (let c = 0; c < nClasses; c++) cur[best][c] += g.counts[c];
    for (const m of g.members) out[m] = names[best];
  }
  return out;
}
