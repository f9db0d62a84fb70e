/**
 * Backbone training on in-memory image arrays: DenseNet (DenseNet121 unless a reduced one is asked
 * for) with its linear classifier, from scratch or from imported torchvision weights; AdamW, linear
 * warm-up + cosine decay, class-weighted cross entropy with label smoothing, early stopping on
 * validation macro-F1, optional progressive resizing (the first epochs on downscaled images, for
 * more epochs in a time budget), a progress sink with live metrics, a JSONL log, and a checkpoint written
 * atomically after every epoch. A killed run resumes from its last checkpoint and ends with the same
 * weights as an uninterrupted run of the same seed (the data order and augmentation of epoch e are
 * drawn from streams derived from (seed, e), and the optimizer and libtorch RNG states are restored).
 */
import { withRuntime } from '../engine/index.js';
import { resolveBackboneConfig, type BackboneConfig } from './backbone-config.js';
import { finishSession, openSession, timeIsUp, trainEpoch } from './backbone-session.js';
import type { BackboneData, BackboneHooks, BackboneResult } from './backbone-types.js';

export type { BackboneData, BackboneHooks, BackboneResult } from './backbone-types.js';

/** Every split has every class, and there are at least two classes (checked before any training). */
export function checkClassCoverage(data: Pick<BackboneData, 'train' | 'val' | 'test' | 'classes'>): void {
  const C = data.classes.length;
  if (C < 2)
    throw new Error(
      `the dataset has ${C} class(es) (${data.classes.join(', ') || 'none'}); at least 2 are needed`,
    );
  for (const split of ['train', 'val', 'test'] as const) {
    const set = data[split];
    const counts = new Array<number>(C).fill(0);
    for (const y of set.y) {
      if (!(y >= 0 && y < C)) throw new Error(`${split} split: label ${y} is outside 0..${C - 1}`);
      counts[y]++;
    }
    const empty = data.classes.filter((_, c) => counts[c] === 0);
    if (empty.length)
      throw new Error(
        `${split} split has no image of class ${empty.map((e) => `'${e}'`).join(', ')} (${set.y.length} images); change the split or add data`,
      );
  }
}

/**
 * Trains the backbone on in-memory splits into RUN/backbone (resuming its checkpoint); libtorch's
 * thread count and generator are set from the config (just before the network is built, where
 * seeded runs have always seeded it) and restored after the call.
 */
export function trainBackboneOnData(
  run: string,
  data: BackboneData,
  partial: Partial<BackboneConfig>,
  hooks: BackboneHooks = {},
): BackboneResult {
  const cfg = resolveBackboneConfig(partial);
  return withRuntime({}, () => trainWithin(run, data, cfg, hooks));
}

function trainWithin(
  run: string,
  data: BackboneData,
  cfg: BackboneConfig,
  hooks: BackboneHooks,
): BackboneResult {
  checkClassCoverage(data);
  const s = openSession(run, data, cfg, hooks);
  try {
    // every session trains at least one epoch, so a limit shorter than an epoch still makes progress
    const clock = { start: performance.now(), firstEpoch: s.state.epoch };
    while (s.state.stopped === null && s.state.epoch < cfg.epochs) {
      if (timeIsUp(s, clock)) break;
      trainEpoch(s);
    }
    return finishSession(s);
  } finally {
    s.weight.dispose();
    s.ema?.dispose();
    s.opt.dispose();
    s.net.dispose();
  }
}
