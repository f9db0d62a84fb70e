/**
 * The k-fold backbone ensemble for inference (compare.folds = k, issue 19): the fold backbones
 * (RUN/folds/fold-<i>/backbone) each score one labelled split, with the test-time augmentation views
 * when asked, and their softmax probabilities are averaged; RUN/ensemble/metrics.json (written
 * atomically) holds the ensemble's metrics and probabilities beside each fold's alone. The images are
 * preprocessed as each fold's backbone was (its arch.json: histogram landmarks differ per fold).
 *
 * Leakage: a fold trains and validates on every image outside its own test fold, so the run's own
 * test split was in the training data of k − 1 of the k folds. The result counts the scored images
 * that any chosen fold trained or validated on (by content hash): only a set no fold saw (another
 * manifest, `manifest`) gives a held-out estimate.
 */
import { existsSync } from 'node:fs';
import {
  DEFAULT_PREPROCESS,
  entriesOf,
  loadSplit,
  readManifest,
  viewsOf,
  type ImageSet,
  type Manifest,
  type PreprocessConfig,
  type SplitName,
  type TtaName,
} from '../data/index.js';
import { withRuntime } from '../engine/index.js';
import { argmaxRows, classificationMetrics, type Metrics } from '../eval/index.js';
import { loadBackbone, runPaths } from '../run/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { predict } from './fit.js';

export interface EnsembleOptions {
  /** the folds to average (0-based); default every fold sub-run with a trained backbone */
  folds?: number[];
  /** the manifest whose split is scored (default RUN/data/manifest.json) */
  manifest?: string;
  /** default 'test' */
  split?: SplitName;
  /** test-time augmentation views (backbone.tta) */
  tta?: readonly TtaName[];
  batchSize?: number;
  /** libtorch threads for the call (restored after it) */
  threads?: number;
  log?: (line: string) => void;
}

export interface EnsembleResult {
  /** the folds averaged (1-based, as the sub-runs are named) */
  folds: number[];
  manifest: string;
  split: SplitName;
  classes: string[];
  images: number;
  tta: readonly TtaName[] | null;
  /** the ensemble: the mean of the folds' softmax probabilities */
  metrics: Metrics;
  /** each fold's backbone alone on the same images */
  perFold: { fold: number; metrics: Metrics }[];
  /** scored images that some averaged fold trained or validated on (by content hash), and per fold */
  seen: { images: number; byFold: number[] };
  /** N×C ensemble probabilities, in the split's order */
  probs: number[][];
}

/** Element-wise mean of equally long probability arrays (one per model). */
export function meanProbs(probs: readonly Float32Array[]): Float32Array {
  if (probs.length === 0) throw new RangeError('ensemble: no model to average');
  const out = new Float64Array(probs[0].length);
  for (const p of probs) for (let i = 0; i < out.length; i++) out[i] += p[i];
  return Float32Array.from(out, (v) => v / probs.length);
}

/** The fold sub-runs with a trained backbone (0-based), or the chosen ones (checked). */
function chosenFolds(run: string, folds: number[] | undefined): number[] {
  const p = runPaths(run);
  const trained = (i: number) => existsSync(runPaths(p.fold(i)).model);
  if (folds) {
    for (const i of folds)
      if (!trained(i)) throw new Error(`${runPaths(p.fold(i)).model}: fold ${i + 1} has no trained backbone`);
    return folds;
  }
  const out: number[] = [];
  while (trained(out.length)) out.push(out.length);
  if (out.length === 0)
    throw new Error(`${p.foldsDir}: no fold backbones (train with compare.folds = k ≥ 2 first)`);
  return out;
}

/** How many of the scored entries each fold trained or validated on (by sha256), and in any fold. */
function seenByFolds(run: string, folds: number[], scored: Manifest['entries']) {
  const seenSets = folds.map((i) => {
    const m = readManifest(runPaths(runPaths(run).fold(i)).manifest);
    return new Set(m.entries.filter((e) => e.split !== 'test').map((e) => e.sha256));
  });
  return {
    images: scored.filter((e) => seenSets.some((s) => s.has(e.sha256))).length,
    byFold: seenSets.map((s) => scored.filter((e) => s.has(e.sha256)).length),
  };
}

/** The fold backbones' averaged softmax probabilities on one split → RUN/ensemble/metrics.json. */
export function scoreFoldEnsemble(run: string, o: EnsembleOptions = {}): Promise<EnsembleResult> {
  return withRuntime({ threads: o.threads }, () => scoreWithin(run, o));
}

async function scoreWithin(run: string, o: EnsembleOptions): Promise<EnsembleResult> {
  const p = runPaths(run);
  const manifestPath = o.manifest ?? p.manifest;
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath}: manifest not found`);
  const m = readManifest(manifestPath);
  const split = o.split ?? 'test';
  const folds = chosenFolds(run, o.folds);
  const views = viewsOf(o.tta);
  const C = m.classes.length;
  const sets = new Map<string, ImageSet>();
  const probs: Float32Array[] = [];
  let y: Int32Array | null = null;
  for (const i of folds) {
    const { net, arch } = loadBackbone(p.fold(i));
    try {
      if (JSON.stringify(arch.classes) !== JSON.stringify(m.classes))
        throw new Error(
          `fold ${i + 1}: backbone classes [${arch.classes.join(', ')}] differ from ${manifestPath}'s [${m.classes.join(', ')}]`,
        );
      const pre = { ...DEFAULT_PREPROCESS, ...arch.preprocess } as PreprocessConfig;
      const key = JSON.stringify(pre);
      if (!sets.has(key)) sets.set(key, await loadSplit(m, split, pre));
      const set = sets.get(key)!;
      y = set.y;
      probs.push(
        predict(net, { x: set.x, y: set.y, shape: [3, set.size, set.size] }, C, o.batchSize ?? 32, views),
      );
    } finally {
      net.dispose();
    }
    o.log?.(`ensemble: fold ${i + 1} scored ${y!.length} ${split} images`);
  }
  const mean = meanProbs(probs);
  const score = (pr: Float32Array) => classificationMetrics(y!, argmaxRows(pr, C), C);
  const result: EnsembleResult = {
    folds: folds.map((i) => i + 1),
    manifest: manifestPath,
    split,
    classes: m.classes,
    images: y!.length,
    tta: o.tta?.length ? o.tta : null,
    metrics: score(mean),
    perFold: folds.map((i, k) => ({ fold: i + 1, metrics: score(probs[k]) })),
    seen: seenByFolds(run, folds, entriesOf(m, split)),
    probs: Array.from({ length: y!.length }, (_, r) => Array.from(mean.subarray(r * C, (r + 1) * C))),
  };
  writeJsonAtomic(p.ensembleMetrics, result);
  return result;
}
