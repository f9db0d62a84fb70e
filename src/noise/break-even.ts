/**
 * The break-even noise level of a channel: where the hybrid's score, falling with noise, first drops
 * below the classical head's. Levels are log-spaced, so the crossing is interpolated linearly in
 * log10(level) between the last level at or above the reference and the first one below it.
 */

export type BreakEvenStatus =
  /** the hybrid is already below the classical head without noise: no level at which it is worth it */
  | 'below-noiseless'
  /** the hybrid falls below between noiseless and the lowest level swept: level = that lowest level (an upper bound) */
  | 'below-at-lowest-level'
  /** crossing interpolated between two swept levels */
  | 'crosses'
  /** the hybrid stays at or above the classical head at every level swept */
  | 'never-below';

export interface BreakEven {
  level: number | null;
  status: BreakEvenStatus;
}

export function breakEven(
  noiseless: number,
  levels: readonly number[],
  scores: readonly number[],
  reference: number,
): BreakEven {
  if (levels.length !== scores.length || levels.length === 0)
    throw new RangeError(`break-even: ${levels.length} levels for ${scores.length} scores`);
  for (let i = 1; i < levels.length; i++)
    if (!(levels[i] > levels[i - 1] && levels[i - 1] > 0))
      throw new RangeError('break-even: levels must be positive and increasing');
  if (noiseless < reference) return { level: 0, status: 'below-noiseless' };
  if (scores[0] < reference) return { level: levels[0], status: 'below-at-lowest-level' };
  for (let i = 1; i < levels.length; i++) {
    if (scores[i] < reference) {
      const a = scores[i - 1];
      const b = scores[i];
      const t = (a - reference) / (a - b);
      const la = Math.log10(levels[i - 1]);
      const lb = Math.log10(levels[i]);
      return { level: 10 ** (la + t * (lb - la)), status: 'crosses' };
    }
  }
  return { level: null, status: 'never-below' };
}
