/**
 * Data pipeline throughput on the shared set: decode + preprocess (cold, cache written) and from the
 * packed cache (warm), at 224 and 128 px, over all three splits. Also times prepareData (scan, decode,
 * hash, audit, split). Usage: node --import tsx bench/data/throughput.ts [DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SPLIT, SPLITS, loadSplit, prepareData, realDataDir } from '../../src/data/index.js';

const dir = resolve(process.argv[2] ?? realDataDir());
const tmp = mkdtempSync(join(tmpdir(), 'qmri-bench-data-'));
try {
  let t = performance.now();
  const m = await prepareData(join(tmp, 'run'), {
    dir,
    split: DEFAULT_SPLIT,
    preprocess: { size: 224, brainCrop: false, normalize: 'zscore' },
  });
  const prepS = (performance.now() - t) / 1000;
  console.log(
    `prepareData (scan, decode, sha256, dHash, audit, split): ${m.entries.length} images in ${prepS.toFixed(1)} s = ${(m.entries.length / prepS).toFixed(0)} img/s`,
  );
  for (const size of [224, 128]) {
    const cfg = { size, brainCrop: false, normalize: 'zscore' } as const;
    const cacheDir = join(tmp, `cache${size}`);
    for (const phase of ['cold', 'warm']) {
      t = performance.now();
      let n = 0;
      for (const s of SPLITS) n += (await loadSplit(m, s, cfg, { cacheDir })).y.length;
      const sec = (performance.now() - t) / 1000;
      console.log(`${size} px ${phase}: ${n} images in ${sec.toFixed(2)} s = ${(n / sec).toFixed(0)} img/s`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
