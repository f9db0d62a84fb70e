/**
 * Training-time augmentation as a registry of transforms (like albumentations / torchvision v2), in
 * place on normalised N×3×S×S batches with a seeded Rng; never used on val/test.
 *   types.ts     AugmentKind (name, options schema, p, implementation), AugmentBatch, BatchMix
 *   planes.ts    channel/mask planes, intensity maps through [0, 1], bilinear warps
 *   registry.ts  AUGMENTS (one line per kind) and the `scanner` preset
 *   pipeline.ts  the `backbone.augment` forms, their validation, the pipeline
 *   classic.ts (what `augment: true` is; augmentBatch), flip.ts, affine.ts, random-resized-crop.ts,
 *   gamma.ts, contrast.ts, bias-field.ts, noise.ts, blur.ts, jpeg.ts, mixup.ts, cutmix.ts (+ mix-draw.ts)
 * Adding a kind = one file exporting defineImageKind / defineMixKind({...}) and one line in AUGMENTS.
 */
export * from './types.js';
export * from './planes.js';
export * from './registry.js';
export * from './pipeline.js';
export { augmentBatch, type AugmentOptions } from './classic.js';
