/**
 * Per-batch cost of each augmentation kind (p = 1, default options) and of the `true` and "scanner"
 * settings (their own p) on a 32×3×128×128 batch of z-scored phantom slices, single thread (plain
 * TypeScript). Median of REPS batches after one warm-up. Usage:
 *   node --import tsx bench/data/augment.ts [SIZE=128] [BATCH=32] [REPS=7]
 */
import {
  AUGMENTS,
  augmentPipeline,
  makePhantomSet,
  toTensorData,
  type AugmentSetting,
} from '../../src/data/index.js';
import { Rng } from '../../src/util/rng.js';

const [size, batch, reps] = [128, 32, 7].map((d, i) => Number(process.argv[2 + i] ?? d));
const x = toTensorData(makePhantomSet(batch, size, 1), size);
const masks = new Float32Array(batch * size * size);

function time(setting: AugmentSetting, withMasks: boolean): number {
  const fn = augmentPipeline(setting)!;
  const rng = new Rng(1);
  const ms: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const b = x.slice();
    const t = performance.now();
    fn(b, batch, size, rng, withMasks ? masks.slice() : undefined);
    if (r > 0) ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
}

const rows: [string, AugmentSetting][] = [
  ...AUGMENTS.map((k): [string, AugmentSetting] => [k.name, [{ kind: k.name, p: 1 }]]),
  ['augment: true', true],
  ['augment: "scanner"', 'scanner'],
];
console.log(`batch ${batch}×3×${size}×${size}, median of ${reps}, ms per batch (with masks)`);
for (const [name, setting] of rows)
  console.log(
    `${name.padEnd(20)} ${time(setting, false).toFixed(1).padStart(8)}  (${time(setting, true).toFixed(1)})`,
  );
