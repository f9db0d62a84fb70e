/**
 * The experiment config file (`qmri run --config experiment.yaml`): a YAML or JSON file validated
 * against the one definition in src/config (keys, types, ranges, defaults). Defaults are filled in,
 * every object is closed so an unknown or mistyped key is rejected by name with a "did you mean"
 * when it is close, and types and ranges are checked before any long work starts.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Static } from '@sinclair/typebox';
import { parse as parseYaml } from 'yaml';
import { ConfigError, experimentSchema, resolveExperiment } from '../config/index.js';
import { FAST_METHODS, METHODS } from '../explain/index.js';
import { HEAD_KINDS } from '../train/index.js';
import { UsageError } from './errors.js';

export { didYouMean } from '../config/index.js';

const MAX_CONFIG_BYTES = 1024 * 1024;

/** The JSON schema of an experiment config (src/config, over the head kinds and explanation methods). */
export const EXPERIMENT_SCHEMA = experimentSchema(HEAD_KINDS, [...METHODS, 'shap'], FAST_METHODS);
export type ExperimentConfig = Static<typeof EXPERIMENT_SCHEMA>;

/** Validates a parsed config object, fills in defaults (on a copy) and checks cross-field rules. */
export function resolveConfig(raw: unknown, source = 'config'): ExperimentConfig {
  try {
    return resolveExperiment(EXPERIMENT_SCHEMA, raw, source);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Reads a YAML or JSON config file (by content: JSON is YAML), validates it and fills in defaults. */
export function loadConfig(path: string): ExperimentConfig {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`${path}: config file not found`);
  }
  if (size > MAX_CONFIG_BYTES)
    throw new UsageError(`${path}: config file is ${size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'), { uniqueKeys: true });
  } catch (e) {
    throw new UsageError(`${path}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return resolveConfig(raw, path);
}
