/**
 * src/data — turning data into training tensors. In this build: procedural phantoms (phantoms.ts)
 * for the demo and the tests, with per-image z-score normalisation and 3-channel replication. The
 * file loaders (folder / Kaggle / NIfTI / DICOM), preprocessing pipeline, grouped splits, audit and
 * on-disk cache of issue #4 are not written yet.
 */
export * from './phantoms.js';
