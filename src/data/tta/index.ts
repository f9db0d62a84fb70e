/**
 * Test-time augmentation views (backbone.tta): each view is a transform of an image batch; at
 * evaluation the backbone's softmax probabilities (and, for the head comparison, its pooled
 * features) are averaged over the configured views (src/train/tta.ts).
 *   types.ts     what a view is (TtaView)
 *   identity.ts  the image as it is          hflip.ts  mirrored left–right
 * Adding a view = one file exporting a TtaView and one line in TTA_VIEWS below; the config and the
 * evaluation pick it up by name. This folder imports nothing (src/config reads its names).
 */
import { hflip } from './hflip.js';
import { identity } from './identity.js';
import type { TtaView } from './types.js';

export type { TtaView } from './types.js';

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
