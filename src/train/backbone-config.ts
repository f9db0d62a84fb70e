/**
 * Backbone training settings (`BackboneConfig`), their defaults and their validation: every field is
 * checked by name before any image is read or any weight is allocated.
 */
import { existsSync } from 'node:fs';
import type { DenseNetConfig } from '../nn/index.js';

export interface BackboneConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  warmupFraction: number;
  labelSmoothing: number;
  /** early stopping: epochs without a better validation macro-F1 (0 = off) */
  patience: number;
  seed: number;
  threads: number;
  /** random flips / shifts / intensity changes on training batches */
  augment: boolean;
  /** a reduced DenseNet for tests and quick runs; DenseNet121 when absent */
  densenet?: Partial<DenseNetConfig>;
  /** optional torchvision DenseNet121 .safetensors to start from (classifier ignored) */
  weights?: string;
  /**
   * stop before an epoch that would end past this many minutes of this session (resumable);
   * every session trains at least one epoch
   */
  timeLimitMinutes?: number;
  /** images per forward pass at validation / test time */
  evalBatchSize?: number;
  /**
   * progressive resizing: the first `epochs` epochs train on the images downscaled (bilinear) to
   * `size` px, the rest at full size; validation and test always see full-size images. Low-resolution
   * epochs cost about (size/full)² of a full one, so a fixed time budget buys more epochs.
   */
  progressive?: { size: number; epochs: number };
}

export const DEFAULT_BACKBONE: BackboneConfig = {
  epochs: 10,
  batchSize: 32,
  lr: 1e-3,
  weightDecay: 1e-4,
  warmupFraction: 0.05,
  labelSmoothing: 0.05,
  patience: 4,
  seed: 7,
  threads: 2,
  augment: true,
};

const KEYS = new Set([
  ...Object.keys(DEFAULT_BACKBONE),
  'densenet',
  'weights',
  'timeLimitMinutes',
  'evalBatchSize',
  'progressive',
]);
const DENSENET_KEYS = new Set(['growthRate', 'blockConfig', 'numInitFeatures', 'bnSize']);
const PROGRESSIVE_KEYS = new Set(['size', 'epochs']);

function bad(source: string, field: string, problem: string): Error {
  return new Error(`${source}: '${field}' ${problem}`);
}

function checkNumber(
  source: string,
  field: string,
  v: unknown,
  o: { int?: boolean; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean },
): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw bad(source, field, `must be a number, got ${JSON.stringify(v)}`);
  if (o.int && !Number.isInteger(v)) throw bad(source, field, `must be an integer, got ${v}`);
  if (o.min !== undefined && (o.minExclusive ? v <= o.min : v < o.min))
    throw bad(source, field, `must be ${o.minExclusive ? '>' : '≥'} ${o.min}, got ${v}`);
  if (o.max !== undefined && (o.maxExclusive ? v >= o.max : v > o.max))
    throw bad(source, field, `must be ${o.maxExclusive ? '<' : '≤'} ${o.max}, got ${v}`);
}

/** A nested setting must be an object (not a list) of known keys: unknown ones are usually typos. */
function checkNestedKeys(
  source: string,
  field: string,
  value: unknown,
  known: ReadonlySet<string>,
  what: string,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(source, field, `must be an object { ${[...known].join(', ')} }`);
  for (const k of Object.keys(value))
    if (!known.has(k))
      throw bad(source, `${field}.${k}`, `is not a ${what} setting (known: ${[...known].join(', ')})`);
}

/** Defaults filled in and every field checked (unknown fields are errors: they are usually typos). */
export function resolveBackboneConfig(
  partial: Partial<BackboneConfig> | undefined,
  source = 'backbone config',
): BackboneConfig {
  if (partial !== undefined && (typeof partial !== 'object' || partial === null || Array.isArray(partial)))
    throw new Error(`${source}: must be an object`);
  for (const k of Object.keys(partial ?? {}))
    if (!KEYS.has(k)) throw bad(source, k, `is not a backbone setting (known: ${[...KEYS].join(', ')})`);
  const c: BackboneConfig = { ...DEFAULT_BACKBONE, ...(partial ?? {}) };
  checkNumber(source, 'epochs', c.epochs, { int: true, min: 1, max: 10000 });
  checkNumber(source, 'batchSize', c.batchSize, { int: true, min: 2, max: 4096 });
  checkNumber(source, 'lr', c.lr, { min: 0, minExclusive: true, max: 10 });
  checkNumber(source, 'weightDecay', c.weightDecay, { min: 0, max: 10 });
  checkNumber(source, 'warmupFraction', c.warmupFraction, { min: 0, max: 1, maxExclusive: true });
  checkNumber(source, 'labelSmoothing', c.labelSmoothing, { min: 0, max: 1, maxExclusive: true });
  checkNumber(source, 'patience', c.patience, { int: true, min: 0 });
  checkNumber(source, 'seed', c.seed, { int: true, min: 0, max: 2 ** 31 - 1 });
  checkNumber(source, 'threads', c.threads, { int: true, min: 1, max: 256 });
  if (typeof c.augment !== 'boolean')
    throw bad(source, 'augment', `must be true or false, got ${JSON.stringify(c.augment)}`);
  if (c.timeLimitMinutes !== undefined)
    checkNumber(source, 'timeLimitMinutes', c.timeLimitMinutes, { min: 0, minExclusive: true });
  if (c.evalBatchSize !== undefined)
    checkNumber(source, 'evalBatchSize', c.evalBatchSize, { int: true, min: 1, max: 4096 });
  if (c.progressive !== undefined) {
    checkNestedKeys(source, 'progressive', c.progressive, PROGRESSIVE_KEYS, 'progressive-resizing');
    checkNumber(source, 'progressive.size', c.progressive.size, { int: true, min: 16, max: 4096 });
    checkNumber(source, 'progressive.epochs', c.progressive.epochs, { int: true, min: 1, max: c.epochs });
  }
  if (c.densenet !== undefined) {
    checkNestedKeys(source, 'densenet', c.densenet, DENSENET_KEYS, 'DenseNet');
    for (const [k, v] of Object.entries(c.densenet)) {
      if (k === 'blockConfig') {
        if (!Array.isArray(v) || v.length === 0 || !v.every((b) => Number.isInteger(b) && b > 0 && b <= 64))
          throw bad(
            source,
            'densenet.blockConfig',
            `must be a list of positive integers, got ${JSON.stringify(v)}`,
          );
      } else checkNumber(source, `densenet.${k}`, v, { int: true, min: 1, max: 1024 });
    }
  }
  if (c.weights !== undefined) {
    if (typeof c.weights !== 'string' || !c.weights) throw bad(source, 'weights', 'must be a file path');
    if (!existsSync(c.weights)) throw bad(source, 'weights', `file not found: ${c.weights}`);
  }
  return c;
}

/** The settings a resume must share with the run it continues (threads and time limit may change). */
export function resumeSettings(c: BackboneConfig): Record<string, unknown> {
  return {
    epochs: c.epochs,
    batchSize: c.batchSize,
    lr: c.lr,
    weightDecay: c.weightDecay,
    warmupFraction: c.warmupFraction,
    labelSmoothing: c.labelSmoothing,
    patience: c.patience,
    seed: c.seed,
    augment: c.augment,
    weights: c.weights ?? null,
    // absent rather than null when unset, so checkpoints written before the setting existed still fit
    ...(c.progressive ? { progressive: { size: c.progressive.size, epochs: c.progressive.epochs } } : {}),
  };
}
