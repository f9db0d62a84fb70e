/**
 * End-to-end fine-tuning of one head (CompareConfig.finetune): the run's trained backbone and one
 * trained frozen-feature head (any kind, one seed), trained together on the images (the head's
 * gradient flows back into the DenseNet), then its test probabilities. The images are read once per
 * comparison (finetuneImages); the fine-tuned head goes to RUN/compare/finetune/<kind>-seed<k>.json
 * (the fine-tuned backbones are not kept: one DenseNet per kind × seed is too much disk for a
 * control); the run's backbone is left untouched. With the run's backbone.tta, the test and validation
 * probabilities average the softmax over the views, as the backbone's own final scores do. The control
 * over every kind: finetune-control.ts.
 */
import { manualSeed, type Tensor } from '../engine/index.js';
import {
  DEFAULT_PREPROCESS,
  loadSplit,
  readManifest,
  viewsOf,
  type PreprocessConfig,
  type TtaName,
} from '../data/index.js';
import { Module, type HeadModule, type DenseNet } from '../nn/index.js';
import type { ProgressSink } from '../util/progress.js';
import type { FinetuneConfig } from './compare-config.js';
import { fit, predict, type ArraySet, type EpochLog } from './fit.js';
import { exportHead, importHead, type HeadKind } from '../heads/index.js';
import { loadArch, loadBackbone, loadHead, runPaths, runTta, saveHead } from '../run/index.js';

/** Backbone + head as one trainable model. */
class BackboneWithHead extends Module {
  constructor(
    readonly net: DenseNet,
    readonly head: HeadModule,
  ) {
    super();
    this.registerModule('net', net);
    net.setHead(head).dispose();
  }
  forward(x: Tensor): Tensor {
    return this.net.forward(x);
  }
}

export type FinetuneImages = Record<'train' | 'val' | 'test', ArraySet>;

/** The run's images of every split, preprocessed as the backbone was trained. */
export async function finetuneImages(run: string): Promise<FinetuneImages> {
  const m = readManifest(runPaths(run).manifest);
  const arch = loadArch(run);
  const pre = { ...DEFAULT_PREPROCESS, ...arch.preprocess } as PreprocessConfig;
  const sets = {} as FinetuneImages;
  for (const s of ['train', 'val', 'test'] as const) {
    const im = await loadSplit(m, s, pre);
    sets[s] = { x: im.x, y: im.y, shape: [3, im.size, im.size] };
  }
  return sets;
}

export interface FinetuneHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
  /** called after every epoch of every fine-tuning (for a shared progress bar) */
  onEpoch?: (e: EpochLog) => void;
}

/**
 * Fine-tunes backbone + the frozen head `kind` of `seed`; returns its epochs, test probabilities and
 * validation probabilities (collapse detection). `trainSeed` (default `seed`) seeds the training: the
 * collapse policy 'reinit' fine-tunes the same frozen head again from a derived seed.
 */
export function finetuneHead(
  run: string,
  sets: FinetuneImages,
  f: FinetuneConfig,
  kind: HeadKind,
  seed: number,
  hooks: FinetuneHooks = {},
  trainSeed = seed,
): { epochs: EpochLog[]; probs: Float32Array; valProbs: Float32Array; file: string } {
  const p = runPaths(run);
  const { net, arch } = loadBackbone(run);
  manualSeed(trainSeed);
  const model = new BackboneWithHead(net, importHead(loadHead(p.head(kind, seed))));
  try {
    const C = arch.classes.length;
    const epochs = fit(model, sets.train, sets.val, {
      classes: C,
      epochs: f.epochs,
      batchSize: f.batchSize,
      lr: f.lr,
      seed: trainSeed,
      onEpoch: (e) => {
        hooks.onEpoch?.(e);
        hooks.log?.(
          `fine-tune ${kind} seed ${seed} epoch ${e.epoch + 1}/${f.epochs}: loss ${e.loss.toFixed(4)}, val acc ${(100 * e.valAccuracy).toFixed(2)}%`,
        );
      },
    });
    const views = viewsOf(runTta(run) as TtaName[] | undefined);
    const probs = predict(model, sets.test, C, 32, views);
    const valProbs = predict(model, sets.val, C, 32, views);
    const file = p.finetuneHead(kind, seed);
    saveHead(file, exportHead(model.head));
    return { epochs, probs, valProbs, file };
  } finally {
    model.dispose();
  }
}
