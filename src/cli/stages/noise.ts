/**
 * Stage `noise`: the quantum head under NISQ noise (src/noise noiseStudy); with `qmri run --nproc N`
 * over N `qmri noise` worker processes, merged into the same files as one process.
 */
import { existsSync } from 'node:fs';
import { defaultDevice, withRuntime } from '../../engine/index.js';
import { hasCircuit } from '../../heads/index.js';
import { noiseWorkerCommand, shardedNoiseStudy } from '../commands/noise.js';
import type { StageDef } from './types.js';

export const noiseStage: StageDef = {
  name: 'noise',
  off: (cfg) =>
    !cfg.noise.enabled
      ? 'disabled'
      : cfg.compare.heads.some(hasCircuit)
        ? null
        : 'no quantum head in compare.heads',
  config: (cfg) => cfg.noise,
  outputs: (p) => [p.noiseDir],
  done: (p) => existsSync(p.noiseResults),
  async run({ run, cfg, log, progress, nproc }) {
    const { enabled: _e, ...noise } = cfg.noise;
    const worker = noiseWorkerCommand(run, noise, { threads: cfg.threads, device: defaultDevice() });
    const r = await withRuntime({ threads: cfg.threads }, () =>
      shardedNoiseStudy(run, noise, nproc, { log, progress }, worker),
    );
    if (!r) throw new Error(`noise: a worker process failed (exit code ${String(process.exitCode)})`);
  },
};
