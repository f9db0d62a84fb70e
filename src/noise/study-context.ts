/**
 * What every step of the noise study shares: the resolved config, the hybrid executor on the test
 * features, scoring against the test labels, and the list of points in the order they are made
 * (results.json `points` and points.csv keep that order).
 */
import type { ProgressSink } from '../util/progress.js';
import { Rng } from '../util/rng.js';
import type { NoiseConfig } from './config.js';
import type { HybridExecutor } from './executor.js';
import { clampExpvals, extrapolateLinear, extrapolateRichardson } from './mitigation.js';
import { makePoint, type Mitigation, type Point } from './points.js';
import { scorePredictions, type PointScore, type ScoreOptions } from './scoring.js';

export interface StudyContext {
  cfg: NoiseConfig;
  exec: HybridExecutor;
  labels: Int32Array;
  so: ScoreOptions;
  points: Point[];
  progress: ProgressSink;
  log: (line: string) => void;
  score(preds: Int32Array): PointScore;
  /** appends a point to the study's list and returns it */
  keep(p: Point): Point;
  /** a point from measured ⟨Z⟩: scores of its predictions and its mean |⟨Z⟩ − ⟨Z⟩ noiseless| */
  zPoint(
    section: Point['section'],
    setting: string,
    z: Float64Array,
    o?: { level?: number; shots?: number | null; mitigation?: Mitigation },
  ): { point: Point; preds: Int32Array };
  /** zero-noise extrapolation of ⟨Z⟩ measured at the configured scale factors */
  zne(expAt: (scale: number) => Float64Array): { linear: Float64Array; richardson: Float64Array };
}

/** the seed of a setting's shot sampler, derived from the study seed and a tag naming the setting */
export const shotSeed = (seed: number, tag: string) => new Rng(seed).fork(tag).seed;

function meanAbsDiff(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export function makeStudyContext(
  cfg: NoiseConfig,
  exec: HybridExecutor,
  labels: Int32Array,
  classes: number,
  hooks: { progress: ProgressSink; log: (line: string) => void },
): StudyContext {
  const so: ScoreOptions = { resamples: cfg.bootstrap.resamples, seed: cfg.seed };
  const points: Point[] = [];
  let z0: Float64Array | null = null;
  const ctx: StudyContext = {
    cfg,
    exec,
    labels,
    so,
    points,
    ...hooks,
    score: (preds) => scorePredictions(labels, preds, classes, so),
    keep: (p) => (points.push(p), p),
    zPoint: (section, setting, z, o = {}) => {
      z0 ??= exec.expvals({});
      const preds = exec.predict(z);
      const point = ctx.keep(
        makePoint(section, setting, ctx.score(preds), { ...o, zError: meanAbsDiff(z, z0) }),
      );
      return { point, preds };
    },
    zne: (expAt) => {
      const vals = cfg.mitigation.scales.map(expAt);
      return {
        linear: clampExpvals(extrapolateLinear(cfg.mitigation.scales, vals)),
        richardson: clampExpvals(extrapolateRichardson(cfg.mitigation.scales, vals)),
      };
    },
  };
  return ctx;
}
