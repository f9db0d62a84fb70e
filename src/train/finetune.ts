/**
 * Optional end-to-end fine-tuning (CompareConfig.finetune): the trained backbone and the first
 * seed's trained quantum head, trained together on the images (the circuit's gradient flows back
 * through the dressed head's input layer into the DenseNet), then evaluated on the test split
 * against the frozen-feature quantum head of the same seed (paired McNemar). The fine-tuned model
 * goes to RUN/compare/finetune/{model.safetensors, quantum-head.json}; the backbone of the run is
 * left untouched.
 */
import { manualSeed, type Tensor } from '../engine/index.js';
import { DEFAULT_PREPROCESS, loadSplit, readManifest, type PreprocessConfig } from '../data/index.js';
import {
  argmaxRows,
  classificationMetrics,
  mcnemarExact,
  type McNemar,
  type Metrics,
} from '../eval/index.js';
import { Module, type HeadModule, type DenseNet } from '../nn/index.js';
import type { ProgressSink } from '../util/progress.js';
import type { FinetuneConfig } from './compare-config.js';
import { fit, predict, type ArraySet, type EpochLog } from './fit.js';
import { circuitKind, exportHead, importHead } from '../heads/index.js';
import { loadBackbone, loadHead, runPaths, saveHead } from '../run/index.js';

/** Backbone + head as one trainable model. */
class BackboneWithHead extends Module {
  constructor(
    readonly net: DenseNet,
    readonly head: HeadModule,
  ) {
    super();
    this.registerModule('net', net);
    net.setHead(head);
  }
  forward(x: Tensor): Tensor {
    return this.net.forward(x);
  }
}

export interface FinetuneResult {
  seed: number;
  epochs: EpochLog[];
  test: Metrics;
  /** fine-tuned minus frozen-feature quantum head (same seed), accuracy points */
  accuracyGain: number;
  mcnemar: McNemar;
  files: { model: string; head: string };
}

export async function finetuneQuantum(
  run: string,
  f: FinetuneConfig,
  seed: number,
  frozenPred: Int32Array,
  hooks: { log?: (line: string) => void; progress?: ProgressSink } = {},
): Promise<FinetuneResult> {
  const p = runPaths(run);
  const m = readManifest(p.manifest);
  const { net, arch } = loadBackbone(run);
  const pre = { ...DEFAULT_PREPROCESS, ...arch.preprocess } as PreprocessConfig;
  const sets: Record<string, ArraySet> = {};
  for (const s of ['train', 'val', 'test'] as const) {
    const im = await loadSplit(m, s, pre);
    sets[s] = { x: im.x, y: im.y, shape: [3, im.size, im.size] };
  }
  manualSeed(seed);
  const model = new BackboneWithHead(net, importHead(loadHead(p.head(circuitKind(), seed))));
  try {
    const C = arch.classes.length;
    hooks.progress?.start(f.epochs, 'fine-tuning backbone + quantum head');
    const epochs = fit(model, sets.train, sets.val, {
      classes: C,
      epochs: f.epochs,
      batchSize: f.batchSize,
      lr: f.lr,
      seed,
      onEpoch: (e) => {
        hooks.progress?.update(e.epoch + 1, { loss: e.loss, 'val acc': e.valAccuracy });
        hooks.log?.(
          `fine-tune epoch ${e.epoch + 1}/${f.epochs}: loss ${e.loss.toFixed(4)}, val acc ${(100 * e.valAccuracy).toFixed(2)}%`,
        );
      },
    });
    hooks.progress?.stop();
    const pred = argmaxRows(predict(model, sets.test, C, 32), C);
    const test = classificationMetrics(sets.test.y, pred, C);
    const frozen = classificationMetrics(sets.test.y, frozenPred, C);
    const files = { model: p.finetuneModel, head: p.finetuneHead };
    net.save(files.model, { format: 'qmri-densenet-finetuned' });
    saveHead(files.head, exportHead(model.head));
    return {
      seed,
      epochs,
      test,
      accuracyGain: 100 * (test.accuracy - frozen.accuracy),
      mcnemar: mcnemarExact(sets.test.y, pred, frozenPred),
      files,
    };
  } finally {
    model.dispose();
  }
}
