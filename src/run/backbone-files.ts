/** RUN/backbone/arch.json + model.safetensors: the trained backbone and how to rebuild it. */
import { existsSync } from 'node:fs';
import { DenseNet, type DenseNetConfig } from '../nn/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { readJsonFile } from '../util/json-file.js';
import { runPaths } from './paths.js';

export interface BackboneArch {
  /** DenseNet configuration (DENSENET121 unless a reduced one was asked for) */
  densenet: DenseNetConfig;
  classes: string[];
  /** the preprocessing the backbone was trained with (src/data PreprocessConfig) */
  preprocess: Record<string, unknown> & { size: number };
}

export function loadArch(run: string): BackboneArch {
  const p = runPaths(run).arch;
  if (!existsSync(p)) throw new Error(`${p}: no trained backbone in this run (run 'qmri train' first)`);
  const a = readJsonFile(p) as BackboneArch;
  if (!a.densenet || !Array.isArray(a.classes) || !a.preprocess || !Number.isInteger(a.preprocess.size))
    throw new Error(`${p}: malformed backbone description (needs densenet, classes, preprocess.size)`);
  return a;
}

export function saveBackbone(run: string, net: DenseNet, arch: BackboneArch): void {
  const p = runPaths(run);
  net.save(p.model, { format: 'qmri-densenet' });
  writeJsonAtomic(p.arch, arch);
}

/** The trained backbone (with its linear classifier), in eval mode. */
export function loadBackbone(run: string): { net: DenseNet; arch: BackboneArch } {
  const arch = loadArch(run);
  const p = runPaths(run);
  if (!existsSync(p.model)) throw new Error(`${p.model}: backbone weights not found`);
  const net = new DenseNet(arch.densenet);
  try {
    net.load(p.model);
  } catch (err) {
    net.dispose();
    throw new Error(`${p.model}: does not fit the architecture in ${p.arch}: ${(err as Error).message}`);
  }
  net.eval();
  return { net, arch };
}
