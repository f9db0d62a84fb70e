/**
 * The explain section: Grad-CAM / SHAP explanations and their audit (src/explain explainRun). The
 * method names are the caller's registry names (so this layer needs no explain code).
 */
import { Type, type Static, type TOptional } from '@sinclair/typebox';
import { MAX_SEED, closed, int, nameList, num, oneOf, str } from './kit.js';

/** Settings shared by the experiment section and the explain stage. */
function explainFields<M extends string>(methods: readonly M[], fast: readonly M[]) {
  return {
    /** image files to explain (instead of a split) */
    images: Type.Optional(Type.Array(str(), { minItems: 1 })),
    /** manifest split to explain when no images are given */
    split: oneOf(['train', 'val', 'test'] as const, 'test'),
    /** at most this many images of the split */
    cases: int(1, 100_000, 16),
    methods: nameList(methods, fast),
    layer: Type.Optional(str()),
    /** Kernel SHAP coalitions */
    shapSamples: int(2, 1_000_000, 2048),
    backgroundSize: int(1, 100_000, 50),
    partitionEvals: Type.Optional(int(1, 100_000_000)),
    partitionGrid: Type.Optional(int(1, 1024)),
    thresholds: closed({ minSpearman: num(-1, 1, 0.2), energyThreshold: num(0, 1, 0.5) }),
    seed: int(0, MAX_SEED, 0),
    /** pointing-game tolerance in pixels at the source image's scale (default 15) */
    tolerancePx: Type.Optional(num(0, 10_000)),
    /** LayerCAM's fused layers (default: the last dense blocks) */
    layerCamLayers: Type.Optional(Type.Array(str(), { minItems: 1 })),
    /** Score-CAM masks per forward pass */
    scoreCamBatch: Type.Optional(int(1, 4096)),
    /** Integrated Gradients steps */
    igSteps: Type.Optional(int(1, 1024)),
    /** Integrated Grad-CAM: path steps through the head alone (default 256) */
    pathSteps: Type.Optional(int(1, 4096)),
    /** deletion / insertion curve points per map (0: not measured; default 16) */
    faithfulnessSteps: Type.Optional(int(0, 1024)),
    /** the model-parameter randomisation check of every map method (default on) */
    sanity: Type.Optional(Type.Boolean()),
    /** a method whose maps keep this Spearman correlation after randomisation fails (default 0.5) */
    sanityThreshold: Type.Optional(num(-1, 1)),
  };
}

/** The experiment config's explain section over methods `M` (default: the fast ones). */
export function explainSchema<M extends string>(methods: readonly M[], fast: readonly M[]) {
  return closed({ enabled: Type.Boolean({ default: true }), ...explainFields(methods, fast) });
}
export type ExplainSection<M extends string = string> = Static<ReturnType<typeof explainSchema<M>>>;

/** The explain stage's settings (every key optional: explainRun has its own defaults). */
export function explainStageSchema<M extends string>(methods: readonly M[], fast: readonly M[]) {
  const fields = explainFields(methods, fast);
  type Fields = typeof fields;
  const optional = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof Fields]: TOptional<Fields[K]>;
  };
  return closed(
    {
      ...optional,
      /** class to explain (index); default: each image's classical prediction */
      targetClass: Type.Optional(int(0, 1000)),
      /** data cache folder for loadSplit (default: the data module's) */
      cacheDir: Type.Optional(str()),
    },
    null,
  );
}
