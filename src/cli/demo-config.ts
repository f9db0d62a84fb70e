/**
 * The embedded default experiment of `qmri demo`: synthetic phantoms written into the run folder,
 * then every stage of `qmri run` with sizes chosen to fit this 2-core machine (≤ 10 minutes;
 * `--quick` ≤ 2 minutes). The full demo also runs 3-fold grouped cross-validation (compare.folds). It is an ordinary experiment config, validated like any other.
 */
import { SWEEP_CHANNELS } from '../noise/index.js';
import { resolveConfig, type ExperimentConfig } from './config.js';

export function demoConfig(o: {
  quick?: boolean;
  out: string;
  seed?: number;
  threads?: number;
}): ExperimentConfig {
  const quick = !!o.quick;
  const seed = o.seed ?? 7;
  return resolveConfig(
    {
      out: o.out,
      seed,
      threads: o.threads ?? 2,
      data: {
        synthetic: { n: quick ? 240 : 800, size: 64, seed },
        split: { train: 0.7, val: 0.15, test: 0.15, seed, blockSize: 20 },
        preprocess: { size: 64, brainCrop: false, normalize: 'zscore' },
      },
      backbone: {
        epochs: quick ? 4 : 8,
        batchSize: 16,
        lr: 1e-3,
        patience: 0,
        labelSmoothing: 0,
        augment: !quick,
      },
      compare: {
        seeds: quick ? 3 : 10,
        epochs: quick ? 15 : 30,
        lowData: quick ? [] : [0.05, 0.1, 0.25, 0.5, 1],
        // the full demo cross-validates the whole chain over 3 grouped folds (a backbone per fold) and
        // runs the fair-comparison controls (issue 17 item 5: the same tuning search for every head kind,
        // fine-tuning for every kind); --quick keeps the one split and no controls, as fast as the
        // chaos test needs (three more backbones would make it 2–3× as long)
        ...(quick
          ? {}
          : {
              folds: 3,
              tune: { trials: 4, lr: [3e-3, 3e-2], epochs: [10, 40], weightDecay: [1e-5, 1e-3] },
              finetune: { enabled: true, epochs: 1, lr: 1e-4, batchSize: 16, seeds: 3 },
            }),
      },
      explain: { cases: quick ? 4 : 12, shapSamples: quick ? 256 : 1024, backgroundSize: quick ? 24 : 50 },
      noise: {
        channels: quick ? ['depolarizing_1q', 'amplitude_damping', 'readout'] : [...SWEEP_CHANNELS],
        levels: { from: 1e-3, to: 1e-1, count: quick ? 4 : 6 },
        profiles: quick ? ['ideal', 'heron'] : ['ideal', 'heron', 'eagle'],
        shots: quick ? [null, 1000] : [null, 100, 1000, 10000],
        mitigation: { readout: true, zne: !quick, sweeps: false },
        aware: { enabled: !quick, epochs: 2, subset: 128 },
        bootstrap: { resamples: quick ? 200 : 1000 },
        maxSamples: quick ? 48 : 400,
      },
      report: { title: quick ? 'qmri demo (quick) — synthetic phantoms' : 'qmri demo — synthetic phantoms' },
    },
    'built-in demo config',
  );
}
