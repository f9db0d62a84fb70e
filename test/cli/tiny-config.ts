// The smallest whole experiment the CLI tests run: 48 synthetic phantoms at 32 px, a two-block
// DenseNet for one epoch, the linear and a 2-qubit quantum head; explain and noise off.
import { resolveConfig } from '../../src/cli/config.js';
import { TINY_DENSENET } from '../train/helpers/tiny-backbone.js';

export function tinyConfig(out: string, seeds: number) {
  return resolveConfig({
    out,
    seed: 1,
    threads: 1,
    data: {
      synthetic: { n: 48, size: 32, seed: 1 },
      split: { train: 0.5, val: 0.25, test: 0.25, seed: 0, blockSize: 4 },
      preprocess: { size: 32 },
    },
    backbone: {
      epochs: 1,
      batchSize: 8,
      augment: false,
      densenet: TINY_DENSENET,
    },
    compare: { heads: ['linear', 'quantum'], seeds, epochs: 2, qubits: 2, layers: 1, lowData: [] },
    explain: { enabled: false },
    noise: { enabled: false },
  });
}
