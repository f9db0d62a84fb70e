// A tiny backbone training on phantoms, run as a child process by the resume test:
//   tsx tiny-backbone.ts RUN EPOCHS [hold]
// It prints one line per epoch; with 'hold' it sleeps after the first epoch's line (the checkpoint is
// written before it) so that the parent's SIGKILL lands at a known point, however fast the epochs are.
import { makePhantomSet, toTensorData } from '../../../src/data/index.js';
import { trainBackboneOnData, type BackboneData } from '../../../src/train/index.js';
import type { ArraySet } from '../../../src/train/index.js';
import { Rng } from '../../../src/util/rng.js';

export const TINY_DENSENET = { growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16 };
/** smaller still, for single-step checks */
export const MICRO_DENSENET = { growthRate: 4, blockConfig: [1, 1], numInitFeatures: 8, bnSize: 2 };
export const TINY_CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'];

function set(n: number, size: number, seed: number): ArraySet {
  const ph = makePhantomSet(n, size, seed);
  return { x: toTensorData(ph, size), y: Int32Array.from(ph.map((p) => p.label)), shape: [3, size, size] };
}

export function tinyData(size = 32): BackboneData {
  return {
    train: set(48, size, 1),
    val: set(16, size, 2),
    test: set(16, size, 3),
    classes: TINY_CLASSES,
    preprocess: { size, brainCrop: false, normalize: 'zscore' },
  };
}

/** a simple seeded augmentation (horizontal flip of half the images) standing in for the data module's */
export function flipHalf(x: Float32Array, m: number, size: number, rng: Rng): void {
  const plane = size * size;
  for (let i = 0; i < m; i++) {
    if (rng.next() < 0.5) continue;
    for (let c = 0; c < 3; c++) {
      const o = (i * 3 + c) * plane;
      for (let r = 0; r < size; r++) x.subarray(o + r * size, o + (r + 1) * size).reverse();
    }
  }
}

export const tinyConfig = (epochs: number) => ({
  epochs,
  batchSize: 16,
  lr: 3e-3,
  patience: 0,
  seed: 11,
  threads: 1,
  augment: true,
  densenet: TINY_DENSENET,
});

if (process.argv[1]?.endsWith('tiny-backbone.ts')) {
  const [run, epochs, hold] = process.argv.slice(2);
  trainBackboneOnData(run, tinyData(), tinyConfig(Number(epochs)), {
    augment: flipHalf,
    log: (l) => {
      process.stdout.write(l + '\n');
      if (hold === 'hold' && l.startsWith('epoch 1/'))
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    },
  });
}
