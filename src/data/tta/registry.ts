/** The list of test-time augmentation views (one line per view file). */
import { hflip } from './hflip.js';
import { identity } from './identity.js';
import type { TtaView } from './types.js';

/** Every view, by name. */
export const TTA_VIEWS = { identity, hflip } as const;
export type TtaName = keyof typeof TTA_VIEWS;
export const TTA_NAMES = Object.keys(TTA_VIEWS) as TtaName[];

/** The views called `names` (in that order). */
export function ttaViews(names: readonly TtaName[]): TtaView[] {
  return names.map((n) => {
    if (!Object.hasOwn(TTA_VIEWS, n))
      throw new Error(`tta: unknown view ${JSON.stringify(n)} (known: ${TTA_NAMES.join(', ')})`);
    return TTA_VIEWS[n];
  });
}
