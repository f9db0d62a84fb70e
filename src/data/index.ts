/**
 * src/data — everything that turns files into training tensors.
 *
 * - Loaders (decode*.ts, type from content by the one detector, detect.ts SIGNATURES): JPEG/PNG
 *   through sharp (pixel limit), NIfTI-1/2 volumes (.nii, .nii.gz) with an optional segmentation
 *   beside them (slice of largest tumor area, box from the mask), MR DICOM in every transfer
 *   syntax of the registry dicom/transfer-syntaxes.ts (one codec file per family: uncompressed,
 *   RLE, JPEG baseline/lossless, JPEG-LS, JPEG 2000), multi-frame as a volume, windowing from the
 *   tags. Sidecars: YOLO boxes NAME.txt, masks NAME.mask.png.
 * - Preprocessing (preprocess.ts): grayscale, optional brain crop, square pad, resize, optional
 *   intensity standardisation (intensity.ts: percentile, or histogram with landmarks learned on the
 *   train split, withTrainLandmarks), z-score or ImageNet normalisation, 3 channels; boxes and masks
 *   follow. preprocessFile / preprocessBuffer.
 * - Datasets (scan.ts, split.ts, manifest.ts, prepare.ts): folder-per-class and Kaggle layouts,
 *   grouped stratified seeded splits, the manifest, prepareData(run, cfg); folds.ts: grouped k-fold
 *   cross-validation manifests (every group tested exactly once), each freed of near-duplicates
 *   across its splits (duplicates.ts: the one rule of which member goes).
 * - Audit (audit.ts): counts, sizes, channels, formats, unreadable files, near-duplicates (dHash),
 *   the metadata shortcut warning. inspectDataset(dir).
 * - Cross-source proxy (proxy.ts): the test split re-prepared (downscale, intensity change, JPEG)
 *   into RUN/data/proxy with its own manifest; writeProxySet.
 * - Cache (cache.ts, load.ts): packed per split and geometry, keyed by file sha256; loadSplit.
 * - Augmentation (augment/: a registry of transforms) for training only; test-time augmentation
 *   views (tta/, a registry: identity, hflip; backbone.tta); phantoms (phantoms.ts, synth.ts); the shared
 *   real set's repository-relative location (real-data.ts).
 * Bad input always fails with a DataError naming the file and the problem, with a stable code
 * (errors.ts DATA_ERROR_CODES; the server maps codes to HTTP statuses).
 */
export * from './types.js';
export * from './errors.js';
export * from './detect.js';
export * from './raster.js';
export * from './decode-image.js';
export * from './decode.js';
export * from './decode-nifti.js';
export * from './decode-dicom.js';
export * from './dicom/transfer-syntaxes.js';
export * from './sidecars.js';
export * from './preprocess.js';
export * from './scan.js';
export * from './split.js';
export * from './folds.js';
export * from './duplicates.js';
export * from './manifest.js';
export * from './audit.js';
export * from './hash.js';
export * from './cache.js';
export * from './load.js';
export * from './proxy.js';
export * from './intensity.js';
export * from './prepare.js';
export * from './augment/index.js';
export * from './tta/index.js';
export * from './phantoms.js';
export * from './synth.js';
export * from './real-data.js';
export * from './test-groups.js';
