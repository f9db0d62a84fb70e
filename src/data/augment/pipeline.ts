/**
 * `backbone.augment` → a training-batch augmentation: its forms (true = the `classic` kind as it has
 * always been, false = none, "scanner" = SCANNER_PRESET, or a list of {kind, p?, ...options}), their
 * validation against each kind's own options schema (messages name the config path), and the
 * pipeline that runs the steps in order on a batch: per-image kinds image by image, each with
 * probability p (no draw when p = 1), mixing kinds once per batch (at most one per list).
 */
import { ConfigError, didYouMean, resolve } from '../../config/validate.js';
import type { Rng } from '../../util/rng.js';
import { AUGMENTS, SCANNER_PRESET, augmentKind, type AugmentStep } from './registry.js';
import type { AugmentBatch, AugmentKind, BatchMix } from './types.js';

/** What `backbone.augment` may be. */
export type AugmentSetting = boolean | 'scanner' | readonly AugmentStep[];

/** A step with its kind found and every option filled in. */
export interface ResolvedStep {
  kind: string;
  p: number;
  options: Record<string, unknown>;
}

/** Augments the first m images of x (m×3×size×size) in place; a mixing step returns how labels mix. */
export type AugmentFn = (
  x: Float32Array,
  m: number,
  size: number,
  rng: Rng,
  masks?: Float32Array,
) => BatchMix | void;

function resolveStep(step: unknown, at: string): ResolvedStep {
  if (typeof step !== 'object' || step === null || Array.isArray(step))
    throw new ConfigError(`${at}: must be an object {kind, p?, ...options}, got ${JSON.stringify(step)}`);
  const { kind: name, p, ...rest } = step as AugmentStep;
  const names = AUGMENTS.map((k) => k.name);
  const kind = augmentKind(name);
  if (!kind) {
    const guess = typeof name === 'string' ? didYouMean(name, names) : undefined;
    throw new ConfigError(
      `${at}.kind: unknown augmentation ${JSON.stringify(name)}${guess ? ` (did you mean '${guess}'?)` : ''}; known: ${names.join(', ')}`,
    );
  }
  if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1))
    throw new ConfigError(`${at}.p: must be a number in [0, 1], got ${JSON.stringify(p)}`);
  const options = resolve(kind.options, rest, { prefix: at }) as Record<string, unknown>;
  const problem = (kind.validate as ((o: unknown) => string | null) | undefined)?.(options);
  if (problem) throw new ConfigError(`${at}: ${problem}`);
  return { kind: kind.name, p: p ?? kind.p, options };
}

/** The steps `setting` stands for, every option filled in; `at` is its config path for messages. */
export function resolveAugment(setting: AugmentSetting, path = 'augment'): ResolvedStep[] {
  const at = path.replace(/^\./, '');
  if (setting === false) return [];
  if (setting === true) return [resolveStep({ kind: 'classic' }, at)];
  const list = setting === 'scanner' ? SCANNER_PRESET : setting;
  if (!Array.isArray(list))
    throw new ConfigError(
      `${at}: must be true, false, "scanner" or a list of steps, got ${JSON.stringify(setting)}`,
    );
  const steps = list.map((s, i) => resolveStep(s, `${at}[${i}]`));
  const mixing = steps.filter((s) => augmentKind(s.kind)!.scope === 'batch');
  if (mixing.length > 1)
    throw new ConfigError(
      `${at}: at most one mixing step (mixup or cutmix), got ${mixing.map((s) => s.kind).join(', ')}`,
    );
  return steps;
}

/** The augmentation `setting` asks for, or undefined when it asks for none. */
export function augmentPipeline(setting: AugmentSetting): AugmentFn | undefined {
  const steps = resolveAugment(setting).map((s) => ({ ...s, def: augmentKind(s.kind) as AugmentKind }));
  if (!steps.length) return undefined;
  return (x, n, size, rng, masks) => {
    if (!Number.isInteger(n) || n < 0 || x.length !== n * 3 * size * size)
      throw new Error(`augment: x has ${x.length} values, expected n×3×size×size = ${n}×3×${size}×${size}`);
    if (masks && masks.length !== n * size * size)
      throw new Error(
        `augment: masks have ${masks.length} values, expected n×size×size = ${n}×${size}×${size}`,
      );
    const b: AugmentBatch = { x, n, size, rng, ...(masks ? { masks } : {}) };
    let mix: BatchMix | undefined;
    for (const { def, p, options } of steps) {
      if (def.scope === 'batch') {
        if (p >= 1 || rng.next() < p) mix = def.mix(b, options);
        continue;
      }
      for (let i = 0; i < n; i++) if (p >= 1 || rng.next() < p) def.apply(b, i, options);
    }
    return mix;
  };
}
