/** The data contract shared with training, explain, report and server: boxes, preprocessing, manifests, image sets. */
import { PreprocessSchema, resolve, type PreprocessConfig, type SplitSettings } from '../config/index.js';

/** [x0, y0, x1, y1] normalised to [0, 1] of the image it refers to. */
export type Box = [number, number, number, number];

export type { PreprocessConfig, SplitSettings } from '../config/index.js';
/** The defaults of src/config's PreprocessSchema. */
export const DEFAULT_PREPROCESS: PreprocessConfig = resolve(PreprocessSchema, {});

export interface PreparedImage {
  /** 3×S×S normalised, the model input */
  input: Float32Array;
  /** S×S grayscale in [0, 1], for overlays */
  display: Float32Array;
  size: number;
  /** tumor box in the preprocessed image, or null */
  box: Box | null;
  source: string;
  /** S×S tumor mask (0/1) in the preprocessed image when the source has one (NIfTI segmentation, PNG mask) */
  mask?: Uint8Array;
  /** side, in source pixels, of the square that was resized to size×size (for tolerances at the original scale) */
  sourceSide?: number;
}

export type SplitName = 'train' | 'val' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

export interface ManifestEntry {
  /** relative to manifest.root */
  file: string;
  label: number;
  className: string;
  group: string;
  split: SplitName;
  sha256: string;
  box: Box | null;
  /** slice index for volumes (NIfTI), when chosen at scan time */
  slice?: number;
}

export interface Manifest {
  version: 1;
  root: string;
  classes: string[];
  entries: ManifestEntry[];
  split: SplitSettings & {
    layout: string;
    grouping: string;
    removedDuplicates?: number;
    configHash?: string;
    /** a cross-validation fold's manifest (src/data/folds.ts): fold index (0-based) of `of` */
    fold?: {
      index: number;
      of: number;
      /** near-duplicates across this fold's splits removed (dedupeFold; absent: not checked) */
      removedDuplicates?: number;
    };
  };
}

export interface ImageSet {
  /** N×3×S×S */
  x: Float32Array;
  y: Int32Array;
  boxes: (Box | null)[];
  files: string[];
  size: number;
}

/** What to do with a file that cannot be used: skip it and report, or stop. */
export type BadInputPolicy = 'skip' | 'fail';

/** One unusable input, named by file with the problem in words. */
export interface DataIssue {
  file: string;
  problem: string;
}
