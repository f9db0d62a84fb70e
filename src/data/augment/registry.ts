/**
 * The augmentation kinds, in one list (adding a kind = one file + one line here; the config, the
 * pipeline and the docs find it by name), and the named preset `scanner`.
 */
import { affine } from './affine.js';
import { biasField } from './bias-field.js';
import { blur } from './blur.js';
import { classic } from './classic.js';
import { contrast } from './contrast.js';
import { cutmix } from './cutmix.js';
import { flip } from './flip.js';
import { gamma } from './gamma.js';
import { jpeg } from './jpeg.js';
import { mixup } from './mixup.js';
import { noise } from './noise.js';
import { randomResizedCrop } from './random-resized-crop.js';
import type { AugmentKind } from './types.js';

export const AUGMENTS: readonly AugmentKind[] = [
  classic,
  flip,
  affine,
  randomResizedCrop,
  gamma,
  contrast,
  biasField,
  noise,
  blur,
  jpeg,
  mixup,
  cutmix,
];

/** The kind called `name`, or undefined. */
export const augmentKind = (name: unknown): AugmentKind | undefined => AUGMENTS.find((k) => k.name === name);

/** One step of an augmentation list as written in a config: a kind, its probability, its options. */
export interface AugmentStep {
  kind: string;
  p?: number;
  [option: string]: unknown;
}

/**
 * `augment: "scanner"`: what changes between scanners and sites: position and field of view
 * (flip, affine, crop), coil inhomogeneity (bias field), windowing and contrast (gamma, contrast),
 * resolution (blur), noise, and lossy storage (JPEG, last, as in a PACS export). No label mixing.
 */
export const SCANNER_PRESET: readonly AugmentStep[] = [
  { kind: 'flip' },
  { kind: 'affine' },
  { kind: 'randomResizedCrop', p: 0.3 },
  { kind: 'biasField' },
  { kind: 'gamma' },
  { kind: 'contrast' },
  { kind: 'blur', p: 0.2 },
  { kind: 'noise', p: 0.3 },
  { kind: 'jpeg' },
];
