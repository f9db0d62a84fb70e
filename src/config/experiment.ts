/**
 * The experiment config (`qmri run --config`): every section under one closed root. Head kinds and
 * explanation methods are the callers' registry names, passed in, so this layer imports no stage.
 */
import { Type, type Static } from '@sinclair/typebox';
import { BackboneSectionSchema, checkBackbone } from './backbone.js';
import { checkCompare, compareSchema } from './compare.js';
import { DataSectionSchema, checkSplitSum } from './data.js';
import { explainSchema } from './explain.js';
import { MAX_SEED, int } from './kit.js';
import { NoiseSectionSchema, finishNoise } from './noise.js';
import { ReportSchema } from './report.js';
import { ConfigError, resolve, type Where } from './validate.js';

export function experimentSchema<H extends string, M extends string>(
  heads: readonly H[],
  methods: readonly M[],
  fastMethods: readonly M[],
) {
  return Type.Object(
    {
      out: Type.String({ minLength: 1, default: 'runs/experiment' }),
      seed: int(0, MAX_SEED, 7),
      threads: int(1, 256, 2),
      /** where tensors live: 'cpu' or 'cuda[:n]' (a CUDA libtorch); --device overrides it */
      device: Type.String({ pattern: '^(cpu|cuda(:[0-9]+)?)$', default: 'cpu' }),
      data: DataSectionSchema,
      backbone: BackboneSectionSchema,
      compare: compareSchema(heads),
      explain: explainSchema(methods, fastMethods),
      noise: NoiseSectionSchema,
      report: ReportSchema,
    },
    { additionalProperties: false },
  );
}
export type ExperimentSchema<H extends string, M extends string> = ReturnType<typeof experimentSchema<H, M>>;

/** Validates an experiment config, fills in defaults (on a copy) and checks the rules across keys. */
export function resolveExperiment<S extends ExperimentSchema<string, string>>(
  schema: S,
  raw: unknown,
  source = 'config',
): Static<S> {
  const where: Where = { source };
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(`${source}: the config must be a mapping of sections (data, backbone, compare, …)`);
  const c = resolve(schema, raw, where) as Static<ExperimentSchema<string, string>>;
  try {
    checkSplitSum(c.data.split, 'data.split');
    checkBackbone(c.backbone, 'backbone');
    checkCompare(c.compare, 'compare.');
    finishNoise(c.noise, 'noise');
  } catch (e) {
    throw new ConfigError(`${source}: ${(e as Error).message}`);
  }
  if (!c.data.dir && !c.data.synthetic)
    throw new ConfigError(`${source}: data: give 'dir' (a data set folder) or 'synthetic' (phantoms)`);
  if (c.data.dir && c.data.synthetic)
    throw new ConfigError(`${source}: data: give either 'dir' or 'synthetic', not both`);
  return c as Static<S>;
}
