/**
 * The model-parameter randomisation check (Adebayo et al. 2018, "Sanity checks for saliency maps"):
 * a map that survives randomising the model's weights shows the image (edges, intensity), not the
 * model. Each explained model is re-drawn in two stages and every map method re-run on the same
 * image for the same class:
 *
 *   head      the head's weights re-drawn, the trained backbone kept (independent randomisation of
 *             the top layers: the decision);
 *   cascade   the head and every backbone weight re-drawn (cascading randomisation to the input).
 *
 * "Re-drawn": every weight tensor of two or more dimensions (convolutions, linear layers, the
 * circuit's rotation angles) gets fresh N(0, σ²) values, σ the trained tensor's own standard
 * deviation, from a seeded stream per tensor name; biases, batch-norm affine parameters and running
 * statistics are kept (so activations keep their scale). The rank correlation of a method is
 * Spearman's between the trained and the randomised S×S map, averaged over the images whose trained
 * map is non-empty; its `rankCorrelation` is the larger of the two stages' means, and it passes when
 * that is below the threshold (default 0.5). Spatial SHAP on the cascade stage uses the run's stored
 * background features (the trained backbone's): the randomised heads' values over that background.
 */
import { noGrad, Tensor } from '../engine/index.js';
import { exportHead, importHead } from '../heads/index.js';
import type { Module } from '../nn/index.js';
import { loadBackbone, type OpenRun } from '../run/index.js';
import { Rng } from '../util/rng.js';
import { spearman } from './audit.js';
import type { PreparedImage } from '../data/index.js';
import { analyzeWithHeads, type AnalyzeOptions, type CaseAnalysis } from './analyze-case.js';
import type { ExplainHead } from './explain-heads.js';

export const SANITY_STAGES = ['head', 'cascade'] as const;
export type SanityStage = (typeof SANITY_STAGES)[number];
export const DEFAULT_SANITY_THRESHOLD = 0.5;

/** One method × model verdict (audit.json `localization[].sanity`). */
export interface SanityResult {
  /** the larger stage mean; null when no image had a non-empty trained map */
  rankCorrelation: number | null;
  /** rankCorrelation below the threshold; null when unknown */
  passed: boolean | null;
  threshold: number;
  stages: Record<SanityStage, number | null>;
}

/** Re-draws a module's weight tensors (≥ 2 dimensions) from N(0, σ_trained²), in place. */
export function randomizeWeights(m: Module, rng: Rng, prefix = ''): void {
  noGrad(() => {
    for (const [name, p] of m.namedParameters(prefix)) {
      if (p.shape.length < 2) continue;
      const v = p.toFloat32Array();
      let s = 0;
      let s2 = 0;
      for (const x of v) {
        s += x;
        s2 += x * x;
      }
      const mean = s / v.length;
      const sd = Math.sqrt(Math.max(0, s2 / v.length - mean * mean)) || 0.01;
      const r = rng.fork(name);
      const out = Float32Array.from(v, () => r.normal(0, sd));
      const t = Tensor.from(out, p.shape);
      p.copy_(t);
      t.dispose();
    }
  });
}

/** The explained models with randomised weights at one stage (dispose() when done). */
export interface RandomizedModels {
  open: OpenRun;
  heads: ExplainHead[];
  dispose(): void;
}

export function randomizedModels(
  open: OpenRun,
  heads: ExplainHead[],
  stage: SanityStage,
  seed: number,
): RandomizedModels {
  const rng = new Rng(seed).fork(`sanity-${stage}`);
  const net = stage === 'cascade' ? loadBackbone(open.dir).net : null;
  const out: ExplainHead[] = [];
  try {
    if (net) randomizeWeights(net, rng.fork('backbone'));
    for (const h of heads) {
      const module = importHead(h.head);
      out.push({ ...h, module, head: h.head });
      randomizeWeights(module, rng.fork(h.name));
      out[out.length - 1].head = exportHead(module);
    }
  } catch (err) {
    for (const h of out) h.module.dispose();
    net?.dispose();
    throw err;
  }
  return {
    open: net ? { ...open, net } : open,
    heads: out,
    dispose: () => {
      for (const h of out) h.module.dispose();
      net?.dispose();
    },
  };
}

/** Spearman between a trained and a randomised map; null when the trained map is empty. */
export function mapRankCorrelation(trained: Float32Array, randomized: Float32Array): number | null {
  let any = false;
  for (const v of trained) if (v > 0) any = true;
  return any ? spearman(trained, randomized) : null;
}

/** Per-image correlations of one method × model, by stage → the verdict. */
export function sanityVerdict(
  perStage: Record<SanityStage, (number | null)[]>,
  threshold = DEFAULT_SANITY_THRESHOLD,
): SanityResult {
  const mean = (v: (number | null)[]) => {
    const x = v.filter((e): e is number => e !== null && Number.isFinite(e));
    return x.length ? x.reduce((a, b) => a + b, 0) / x.length : null;
  };
  const stages = Object.fromEntries(SANITY_STAGES.map((s) => [s, mean(perStage[s] ?? [])])) as Record<
    SanityStage,
    number | null
  >;
  const known = Object.values(stages).filter((v): v is number => v !== null);
  const rankCorrelation = known.length ? Math.max(...known) : null;
  return {
    rankCorrelation,
    passed: rankCorrelation === null ? null : rankCorrelation < threshold,
    threshold,
    stages,
  };
}

/** Randomised models of every stage, the per-image correlations they collect, and the verdicts. */
/** One rank correlation of one image: a model's map by a method against a randomised stage's map. */
export interface SanityCorrelation {
  model: string;
  method: string;
  stage: SanityStage;
  value: number | null;
}

/** The per-image correlations of the randomisation check, in image order, and their verdicts. */
export class SanityCorrelations {
  /** model → method → stage → per-image correlations */
  private readonly corr = new Map<string, Map<string, Record<SanityStage, (number | null)[]>>>();

  push(c: SanityCorrelation): void {
    if (!this.corr.has(c.model)) this.corr.set(c.model, new Map());
    const byMethod = this.corr.get(c.model)!;
    if (!byMethod.has(c.method)) byMethod.set(c.method, { head: [], cascade: [] });
    byMethod.get(c.method)![c.stage].push(c.value);
  }

  /** model → method → verdict. */
  verdicts(threshold = DEFAULT_SANITY_THRESHOLD): Map<string, Map<string, SanityResult>> {
    const out = new Map<string, Map<string, SanityResult>>();
    for (const [model, byMethod] of this.corr)
      out.set(model, new Map([...byMethod].map(([method, c]) => [method, sanityVerdict(c, threshold)])));
    return out;
  }
}

export class SanityCheck {
  private readonly stages: { stage: SanityStage; models: RandomizedModels }[] = [];
  readonly correlations = new SanityCorrelations();

  constructor(open: OpenRun, heads: ExplainHead[], seed: number) {
    try {
      for (const stage of SANITY_STAGES)
        this.stages.push({ stage, models: randomizedModels(open, heads, stage, seed) });
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  /**
   * Re-runs the maps of one analysed image on every stage's models (same class, no PNGs); returns
   * (and records) the image's correlations.
   */
  async add(img: PreparedImage, a: CaseAnalysis, opts: AnalyzeOptions): Promise<SanityCorrelation[]> {
    const out: SanityCorrelation[] = [];
    for (const { stage, models } of this.stages) {
      const r = await analyzeWithHeads(models.open, models.heads, img, opts.methods!, {
        ...opts,
        targetClass: a.targetClass,
        png: false,
        faithfulnessSteps: 0,
      });
      for (const m of a.models) {
        const rm = r.models.find((x) => x.name === m.name);
        for (const [method, map] of Object.entries(m.maps)) {
          const other = rm?.maps[method];
          if (other)
            out.push({ model: m.name, method, stage, value: mapRankCorrelation(map.map, other.map) });
        }
      }
    }
    for (const c of out) this.correlations.push(c);
    return out;
  }

  /** model → method → verdict. */
  verdicts(threshold = DEFAULT_SANITY_THRESHOLD): Map<string, Map<string, SanityResult>> {
    return this.correlations.verdicts(threshold);
  }

  dispose(): void {
    for (const s of this.stages) s.models.dispose();
    this.stages.length = 0;
  }
}
