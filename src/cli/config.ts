/**
 * The experiment config (`qmri run --config experiment.yaml`): a YAML or JSON file validated with ajv
 * against one JSON schema. Defaults are filled in, every object is closed (`additionalProperties:
 * false`) so an unknown or mistyped key is rejected by name with a "did you mean" when it is close,
 * and types and ranges are checked before any long work starts. Field names follow the stage option
 * types (src/data DataConfig, src/train BackboneConfig / CompareConfig, src/explain, src/noise).
 */
import { readFileSync, statSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_PREPROCESS, DEFAULT_SPLIT, type DataConfig } from '../data/index.js';
import { DEFAULT_THRESHOLDS, FAST_METHODS, METHODS, type ExplainConfig } from '../explain/index.js';
import { SWEEP_CHANNELS, DEFAULT_NOISE_CONFIG as N, type NoiseConfig } from '../noise/index.js';
import {
  DEFAULT_BACKBONE as B,
  DEFAULT_COMPARE as C,
  HEAD_KINDS,
  type BackboneConfig,
  type CompareConfig,
} from '../train/index.js';
import { UsageError } from './errors.js';

const MAX_CONFIG_BYTES = 1024 * 1024;

const int = (minimum: number, def?: number, maximum?: number) => ({
  type: 'integer',
  minimum,
  ...(maximum !== undefined ? { maximum } : {}),
  ...(def !== undefined ? { default: def } : {}),
});
const num = (minimum: number, def?: number, maximum?: number, exclusiveMinimum = false) => ({
  type: 'number',
  ...(exclusiveMinimum ? { exclusiveMinimum: minimum } : { minimum }),
  ...(maximum !== undefined ? { maximum } : {}),
  ...(def !== undefined ? { default: def } : {}),
});
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
  default: {},
});

/** A non-empty list of distinct names from `names`. */
const nameList = (names: string[], def: string[]) => ({
  type: 'array',
  items: { type: 'string', enum: names },
  minItems: 1,
  uniqueItems: true,
  default: def,
});
const root = (properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  properties,
});

/** The JSON schema of an experiment config. */
export const EXPERIMENT_SCHEMA = root({
  out: { type: 'string', minLength: 1, default: 'runs/experiment' },
  seed: int(0, 7),
  threads: int(1, 2, 256),
  device: {
    type: 'string',
    pattern: '^(cpu|cuda(:[0-9]+)?)$',
    default: 'cpu',
    description: "where tensors live: 'cpu' or 'cuda[:n]' (a CUDA libtorch); --device overrides it",
  },
  data: closed({
    dir: { type: 'string', minLength: 1 },
    layout: { type: 'string', enum: ['auto', 'folders', 'kaggle'], default: 'auto' },
    synthetic: {
      type: 'object',
      additionalProperties: false,
      description: 'write phantoms (src/data writePhantomDataset) into RUN/data/phantoms and use them as dir',
      properties: { n: int(8, 400, 1_000_000), size: int(16, 64, 1024), seed: int(0, 7) },
    },
    maxImages: int(4),
    badInput: { type: 'string', enum: ['skip', 'fail'], default: 'skip' },
    removeDuplicates: { type: 'boolean', default: true },
    duplicateDistance: int(0, 3, 32),
    maxPixels: int(1),
    split: closed({
      train: num(0, DEFAULT_SPLIT.train, 1, true),
      val: num(0, DEFAULT_SPLIT.val, 1),
      test: num(0, DEFAULT_SPLIT.test, 1, true),
      seed: int(0, DEFAULT_SPLIT.seed),
      blockSize: int(1, DEFAULT_SPLIT.blockSize),
    }),
    preprocess: closed({
      size: int(16, DEFAULT_PREPROCESS.size, 1024),
      brainCrop: { type: 'boolean', default: DEFAULT_PREPROCESS.brainCrop },
      normalize: { type: 'string', enum: ['zscore', 'imagenet'], default: DEFAULT_PREPROCESS.normalize },
    }),
  }),
  backbone: closed({
    epochs: int(1, B.epochs, 10000),
    batchSize: int(2, B.batchSize, 4096),
    lr: num(0, B.lr, 10, true),
    weightDecay: num(0, B.weightDecay, 10),
    warmupFraction: num(0, B.warmupFraction, 0.999),
    labelSmoothing: num(0, B.labelSmoothing, 0.999),
    patience: int(0, B.patience),
    augment: { type: 'boolean', default: B.augment },
    densenet: {
      type: 'object',
      additionalProperties: false,
      properties: {
        growthRate: int(1, undefined, 1024),
        blockConfig: { type: 'array', items: int(1, undefined, 64), minItems: 1, maxItems: 8 },
        numInitFeatures: int(1, undefined, 1024),
        bnSize: int(1, undefined, 1024),
      },
    },
    weights: { type: 'string', minLength: 1 },
    timeLimitMinutes: num(0, undefined, undefined, true),
    evalBatchSize: int(1, undefined, 4096),
    progressive: {
      type: 'object',
      additionalProperties: false,
      required: ['size', 'epochs'],
      properties: { size: int(16, undefined, 4096), epochs: int(1, undefined, 10000) },
    },
  }),
  compare: closed({
    heads: nameList([...HEAD_KINDS], [...C.heads]),
    seeds: int(1, C.seeds, 1000),
    qubits: int(2, C.qubits, 12),
    layers: int(1, C.layers, 50),
    template: { type: 'string', enum: ['strong', 'basic'], default: C.template },
    embedding: { type: 'string', enum: ['X', 'Y', 'Z'], default: C.embedding },
    reupload: { type: 'boolean', default: C.reupload },
    epochs: int(1, C.epochs, 10000),
    lr: num(0, C.lr, 10, true),
    batchSize: int(1, C.batchSize, 4096),
    lowData: { type: 'array', items: num(0, undefined, 1, true), default: [...C.lowData] },
    patience: int(0, C.patience),
    weightDecay: num(0, C.weightDecay, 10),
    firstSeed: int(0, C.firstSeed),
    finetune: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        epochs: int(1, undefined, 10000),
        lr: num(0, undefined, 10, true),
        batchSize: int(1, undefined, 4096),
      },
    },
  }),
  explain: closed({
    enabled: { type: 'boolean', default: true },
    images: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    split: { type: 'string', enum: ['train', 'val', 'test'], default: 'test' },
    cases: int(1, 16, 100000),
    methods: nameList([...METHODS, 'shap'], [...FAST_METHODS]),
    layer: { type: 'string', minLength: 1 },
    shapSamples: int(2, 2048, 1_000_000),
    backgroundSize: int(1, 50, 100000),
    partitionEvals: int(1),
    partitionGrid: int(1),
    tolerancePx: num(0, undefined, 10000),
    layerCamLayers: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    scoreCamBatch: int(1, undefined, 4096),
    igSteps: int(1, undefined, 1024),
    thresholds: closed({
      minSpearman: num(-1, DEFAULT_THRESHOLDS.minSpearman, 1),
      energyThreshold: num(0, DEFAULT_THRESHOLDS.energyThreshold, 1),
    }),
    seed: int(0, 0),
  }),
  noise: closed({
    enabled: { type: 'boolean', default: true },
    channels: nameList([...SWEEP_CHANNELS], [...N.channels]),
    levels: {
      anyOf: [
        { type: 'array', items: num(0, undefined, 1, true), minItems: 2 },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: num(0, undefined, 1, true),
            to: num(0, undefined, 1, true),
            count: int(2, undefined, 100),
          },
        },
      ],
      default: [...N.levels],
    },
    profiles: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      default: [...N.profiles],
    },
    shots: {
      type: 'array',
      items: { anyOf: [int(1, undefined, 100_000_000), { type: 'null' }, { const: 'exact' }] },
      minItems: 1,
      default: [...N.shots],
    },
    mitigation: closed({
      readout: { type: 'boolean', default: N.mitigation.readout },
      zne: { type: 'boolean', default: N.mitigation.zne },
      sweeps: { type: 'boolean', default: N.mitigation.sweeps },
      scales: { type: 'array', items: int(1, undefined, 99), minItems: 2, default: [...N.mitigation.scales] },
    }),
    aware: closed({
      enabled: { type: 'boolean', default: N.aware.enabled },
      noise: { type: 'string', minLength: 1, default: N.aware.noise },
      shots: {
        anyOf: [int(1, undefined, 100_000_000), { type: 'null' }, { const: 'exact' }],
        default: N.aware.shots,
      },
      epochs: int(1, N.aware.epochs, 1000),
      subset: int(4, N.aware.subset),
      batchSize: int(1, N.aware.batchSize, 4096),
      lr: num(0, N.aware.lr, 10, true),
    }),
    bootstrap: closed({ resamples: int(10, N.bootstrap.resamples, 1_000_000) }),
    seed: int(0, N.seed, 2 ** 32 - 1),
    headSeed: int(0),
    maxSamples: int(1),
  }),
  report: closed({
    enabled: { type: 'boolean', default: true },
    title: { type: 'string', default: 'qmri report' },
    gallery: int(0, 12, 1000),
  }),
});

export interface ExperimentConfig {
  out: string;
  seed: number;
  threads: number;
  /** 'cpu' or 'cuda[:n]' (src/engine/device.ts) */
  device?: string;
  data: Omit<DataConfig, 'dir' | 'layout'> & {
    dir?: string;
    layout: 'auto' | 'folders' | 'kaggle';
    synthetic?: { n: number; size: number; seed: number };
  };
  backbone: Omit<BackboneConfig, 'seed' | 'threads'>;
  compare: Omit<CompareConfig, 'threads'>;
  explain: Omit<ExplainConfig, 'cacheDir'> & { enabled: boolean };
  noise: Omit<NoiseConfig, 'shots' | 'levels' | 'aware'> & {
    enabled: boolean;
    shots: (number | null | 'exact')[];
    levels: number[] | { from?: number; to?: number; count?: number };
    aware: Omit<NoiseConfig['aware'], 'shots'> & { shots: number | null | 'exact' };
  };
  report: { enabled: boolean; title: string; gallery: number };
}

const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: true });
const validate = ajv.compile(EXPERIMENT_SCHEMA);

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(
        d[j] + 1,
        d[j - 1] + 1,
        prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
      prev = t;
    }
  }
  return d[b.length];
}

/** The closest of `options` to `word`, when it is close enough to be a likely typo. */
export function didYouMean(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dist = editDistance(word, o);
    if (dist < bestD) [best, bestD] = [o, dist];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function schemaAt(schemaPath: string): { properties?: Record<string, unknown> } | undefined {
  // '#/properties/data/properties/split/additionalProperties' → walk the schema object
  let node: unknown = EXPERIMENT_SCHEMA;
  for (const part of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node as { properties?: Record<string, unknown> } | undefined;
}

const fieldName = (instancePath: string) =>
  instancePath
    .replace(/^\//, '')
    .split('/')
    .map((k, i) => (/^\d+$/.test(k) ? `[${k}]` : i ? `.${k}` : k))
    .join('') || '(top level)';

function describe(e: ErrorObject): string {
  const at = fieldName(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    const full = e.instancePath ? `${at}.${key}` : key;
    const allowed = Object.keys(schemaAt(e.schemaPath)?.properties ?? {});
    const guess = didYouMean(key, allowed);
    return `unknown key '${full}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed here: ${allowed.join(', ')}`;
  }
  if (e.keyword === 'enum')
    return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'required')
    return `${at}: missing required key '${(e.params as { missingProperty: string }).missingProperty}'`;
  return `${at}: ${e.message}`;
}

/** Validates a parsed config object, fills in defaults (on a copy) and checks cross-field rules. */
export function resolveConfig(raw: unknown, source = 'config'): ExperimentConfig {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`${source}: the config must be a mapping of sections (data, backbone, compare, …)`);
  const cfg = structuredClone(raw) as Record<string, unknown>;
  if (!validate(cfg)) {
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    const first = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
    const more =
      errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    throw new UsageError(`${source}: ${first ? describe(first) : 'invalid'}${more}`);
  }
  const c = cfg as unknown as ExperimentConfig;
  const s = c.data.split;
  if (Math.abs(s.train + s.val + s.test - 1) > 1e-6)
    throw new UsageError(
      `${source}: data.split: train + val + test must be 1, got ${s.train + s.val + s.test}`,
    );
  if (!c.data.dir && !c.data.synthetic)
    throw new UsageError(`${source}: data: give 'dir' (a data set folder) or 'synthetic' (phantoms)`);
  if (c.data.dir && c.data.synthetic)
    throw new UsageError(`${source}: data: give either 'dir' or 'synthetic', not both`);
  return c;
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
