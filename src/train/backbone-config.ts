/**
 * Backbone training settings (`BackboneConfig`): defined, with every key's range and default, in
 * src/config (BackboneSchema); resolved here (plus the weights file's existence) before any image is
 * read or any weight is allocated.
 */
import { existsSync } from 'node:fs';
import { resolveAugment } from '../data/index.js';
import { BackboneSchema, ConfigError, checkBackbone, resolve, type BackboneConfig } from '../config/index.js';

export type { BackboneConfig } from '../config/index.js';

/** Defaults filled in and every field checked (unknown fields are errors: they are usually typos). */
export function resolveBackboneConfig(
  partial: Partial<BackboneConfig> | undefined,
  source = 'backbone config',
): BackboneConfig {
  const c = resolve(BackboneSchema, partial, { source });
  try {
    checkBackbone(c, '');
  } catch (e) {
    throw new ConfigError(`${source}: ${(e as Error).message.replace(/^\./, '')}`);
  }
  if (c.weights !== undefined && !existsSync(c.weights))
    throw new ConfigError(`${source}: weights: file not found: ${c.weights}`);
  return c;
}

export const DEFAULT_BACKBONE: BackboneConfig = resolveBackboneConfig({});

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
    // true / false as written (so older checkpoints still fit); a preset or list as the steps it runs
    augment: typeof c.augment === 'boolean' ? c.augment : resolveAugment(c.augment),
    weights: c.weights ?? null,
    // absent rather than null when unset, so checkpoints written before the setting existed still fit
    ...(c.progressive ? { progressive: { size: c.progressive.size, epochs: c.progressive.epochs } } : {}),
    // bf16 changes the arithmetic, so a resume keeps it; channels-last changes only the layout
    ...(c.precision && c.precision !== 'fp32' ? { precision: c.precision } : {}),
    // the EMA is what is validated and saved, so a resume keeps it (and its warm-up)
    ...(c.ema !== undefined ? { ema: c.ema, emaWarmup: c.emaWarmup === true } : {}),
    // a class boost changes the loss; absent when unset, so older checkpoints still fit
    ...(c.classBoost && Object.keys(c.classBoost).length > 0 ? { classBoost: { ...c.classBoost } } : {}),
    // box guidance changes the loss; absent when off, so older checkpoints still fit
    ...(c.boxGuidance ? { boxGuidance: { weight: c.boxGuidance.weight, margin: c.boxGuidance.margin } } : {}),
  };
}
