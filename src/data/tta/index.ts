/**
 * Test-time augmentation views (backbone.tta): each view is a transform of an image batch; at
 * evaluation the backbone's softmax probabilities (and, for the heads, its pooled features) are
 * averaged over the configured views.
 *   types.ts     what a view is (TtaView)          registry.ts  TTA_VIEWS, the list
 *   identity.ts  the image as it is                hflip.ts     mirrored left–right
 *   mean.ts      viewsOf (the config's views), meanOverViews (the average)
 * Adding a view = one file exporting a TtaView and one line in TTA_VIEWS; the config and the
 * evaluation pick it up by name. This folder imports nothing outside it (src/config reads its names).
 */
export * from './types.js';
export * from './registry.js';
export * from './mean.js';
