/**
 * src/data — everything that turns files into training tensors.
 *
 * - Loaders (decode*.ts, type from content by the one detector, detect.ts SIGNATURES): JPEG/PNG
 *   through sharp (pixel limit), NIfTI-1/2 volumes (.nii, .nii.gz) with an optional segmentation
 *   beside them (slice of largest tumor area, box from the mask), MR DICOM in every transfer
 *   syntax of the registry dicom/transfer-syntaxes.ts (one codec file per family: uncompressed,
 *   RLE, JPEG baseline/lossless, JPEG-LS, JPEG 2000), multi-frame as a volume, windowing from the
 *   tags. Sidecars: YOLO boxes NAME.txt, masks NAME.mask.png.
 * - Preprocessing (preprocess.ts): grayscale, optional brain crop, square pad, resize, z-score or
 *   ImageNet normalisation, 3 channels; boxes and masks follow. preprocessFile / preprocessBuffer.
 * - Datasets (scan.ts, split.ts, manifest.ts, prepare.ts): folder-per-class and Kaggle layouts,
 *   grouped stratified seeded splits, the manifest, prepareData(run, cfg); folds.ts: grouped k-fold
 *   cross-validation manifests (every group tested exactly once).
 * - Audit (audit.ts): counts, sizes, channels, formats, unreadable files, near-duplicates (dHash),
 *   the metadata shortcut warning. inspectDataset(dir).
 * - Cache (cache.ts, load.ts): packed per split and geometry, keyed by file sha256; loadSplit.
 * - Augmentation (augment.ts) for training only; phantoms (phantoms.ts, synth.ts); the shared
 *   real set's repository-relative location (real-data.ts).
 * Bad input always fails with a DataError naming the file and the problem, with a stable code
 * (errors.ts DATA_ERROR_CODES; the server maps codes to HTTP statuses).
 */
export * from './types.js';
export * from './errors.js';
export * from './detect.js';
export type { Raster } from './raster.js';
export { DEFAULT_MAX_PIXELS } from './decode-image.js';
export { decodeBuffer, decodeFile, type DecodeOptions } from './decode.js';
export { gunzipCapped, readVolume, MAX_INFLATED_NIFTI_BYTES } from './decode-nifti.js';
export { readDicomPixels, MAX_INFLATED_DICOM_BYTES, type DicomPixels } from './decode-dicom.js';
export { TRANSFER_SYNTAXES, type TransferSyntax } from './dicom/transfer-syntaxes.js';
export { parseYoloBoxes } from './sidecars.js';
export {
  preprocessFile,
  preprocessBuffer,
  prepareRaster,
  normalizeInto,
  validatePreprocess,
  brainCropRect,
} from './preprocess.js';
export { scanDataset, groupOf, type Layout, type ScanItem, type ScanResult } from './scan.js';
export { assignSplits, fillQuotas, validateSplitSettings } from './split.js';
export { assignFolds, foldManifest } from './folds.js';
export { readManifest, writeManifest, validateManifest, entriesOf } from './manifest.js';
export { buildAudit, formatAudit, shortcutCheck, type DatasetAudit } from './audit.js';
export {
  dHash,
  hamming,
  nearDuplicatePairs,
  sha256,
  DEFAULT_DUPLICATE_DISTANCE,
  type PHash,
} from './hash.js';
export { changedEntries, pruneCache } from './cache.js';
export { loadSplit, loadSplitMasks, defaultCacheDir, type LoadOptions } from './load.js';
export {
  prepareData,
  prepareDataFull,
  inspectDataset,
  validateDataConfig,
  DEFAULT_SPLIT,
  type DataConfig,
} from './prepare.js';
export { augmentBatch, type AugmentOptions } from './augment.js';
export * from './phantoms.js';
export { writePhantomDataset } from './synth.js';
export { SHARED_REAL_DATA, realDataDir } from './real-data.js';
export { testGroups } from './test-groups.js';
