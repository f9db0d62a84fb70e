/**
 * The noise study's configuration: defined, with every key's range and default, in src/config
 * (NoiseInputSchema; swept channels from the channel registry); resolved here into the study's form
 * (levels listed, shots as counts or null = exact). Every error names the key.
 */
import { ConfigError, NoiseInputSchema, finishNoise, resolve, type NoiseConfig } from '../config/index.js';

export type { NoiseConfig } from '../config/index.js';
export type AwareConfig = NoiseConfig['aware'];

/** Merges a partial config over the defaults and validates it. */
export function resolveNoiseConfig(raw: unknown = {}, f = 'noise'): NoiseConfig {
  const c = resolve(NoiseInputSchema, raw, { prefix: f });
  try {
    return finishNoise(c, f);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

export const DEFAULT_NOISE_CONFIG: NoiseConfig = resolveNoiseConfig({});
