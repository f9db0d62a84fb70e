// Box-guided backbone training (issue #18) against plain training, same seed, same data, same budget:
// test accuracy and macro-F1, the cross-source proxy's accuracy (RUN/data/proxy, made here from the
// test split), Grad-CAM pointing game (exact and 15 px tolerance) and energy-in-box on the test
// images with a box (the explain code's localisation, the predicted class's map), the share of the
// true class's CAM outside the box on the test images (what the penalty lowers), and training time.
// Default data: the seeded quick-demo phantoms (240 images, 64 px, seed 7, the quick demo's split and
// backbone settings); --data DIR uses a folder-per-class data set instead (e.g. ../shared/…).
// --densenet '{"growthRate":12,"blockConfig":[4,8],"numInitFeatures":24,"bnSize":4}' trains a reduced
// DenseNet (DenseNet121 when absent): at 64 px DenseNet121's final map is 2×2 cells, a reduced
// two-block net's 8×8, and it trains in seconds where a loaded 2-core machine takes minutes per epoch.
//   source scripts/env.sh && npx tsx bench/train/box-guidance.ts [--weight 1] [--margin 0] [--epochs 4] [--lr 1e-3]
//     [--densenet JSON] [--data DIR --size 128] [--threads 2] [--out DIR] [--json]
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadSplit,
  prepareData,
  readManifest,
  writePhantomDataset,
  writeProxySet,
} from '../../src/data/index.js';
import type { PreparedImage } from '../../src/data/index.js';
import { analyzeCase, summarizeLocalization, type MapLocalization } from '../../src/explain/index.js';
import { openRun, runPaths } from '../../src/run/index.js';
import { outsideBoxShare, runPreprocess, trainBackbone, type BackboneResult } from '../../src/train/index.js';

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const num = (name: string, def: number) => Number(opt(name) ?? def);
const weight = num('weight', 1);
const margin = num('margin', 0);
const epochs = num('epochs', 4);
const lr = num('lr', 1e-3);
const size = num('size', 64);
const threads = num('threads', 2);
const seed = num('seed', 7);
const densenet = opt('densenet') ? (JSON.parse(opt('densenet')!) as Record<string, unknown>) : undefined;
const out = opt('out') ?? mkdtempSync(join(tmpdir(), 'qmri-bench-boxguide-'));
// a cache of its own, so the bench neither reads nor fills the user's
process.env.QMRI_CACHE_DIR ??= join(out, 'cache');

async function dataDir(): Promise<string> {
  const given = opt('data');
  if (given) return given;
  const dir = join(out, 'phantoms');
  await writePhantomDataset(dir, { n: 240, size: 64, seed });
  return dir;
}

/** The data prepared once (with its cross-source proxy); each arm's run folder gets a copy. */
async function prepared(dir: string): Promise<string> {
  const run = join(out, 'data-run');
  mkdirSync(run, { recursive: true });
  const m = await prepareData(run, {
    dir,
    split: { train: 0.7, val: 0.15, test: 0.15, seed, blockSize: 20 },
    preprocess: { size, brainCrop: false, normalize: 'zscore' },
  });
  await writeProxySet(run, m);
  return run;
}

/** Grad-CAM localisation of every test image with a box, as the explain stage scores it. */
async function localisation(run: string) {
  const open = openRun(run);
  const set = await loadSplit(readManifest(runPaths(run).manifest), 'test', {
    ...runPreprocess(run),
    ...open.arch.preprocess,
  });
  const per = 3 * set.size * set.size;
  const locs: MapLocalization[] = [];
  for (let i = 0; i < set.y.length; i++) {
    if (!set.boxes[i]) continue;
    const img: PreparedImage = {
      input: set.x.slice(i * per, (i + 1) * per),
      display: new Float32Array(set.size * set.size),
      size: set.size,
      box: set.boxes[i],
      source: set.files[i],
      sourceSide: opt('data') ? undefined : 64,
    };
    const a = await analyzeCase(open, img, { methods: ['gradcam'], png: false });
    locs.push(a.models[0].localization.gradcam);
  }
  const share = outsideBoxShare(open.net, {
    x: set.x,
    y: set.y,
    shape: [3, set.size, set.size],
    boxes: set.boxes,
  });
  open.net.dispose();
  return { ...summarizeLocalization(locs), camOutsideBox: share };
}

async function arm(source: string, name: string, guided: boolean) {
  const run = join(out, name);
  cpSync(source, run, { recursive: true });
  const cfg = {
    epochs,
    batchSize: 16,
    lr,
    patience: 0,
    labelSmoothing: 0,
    augment: false,
    seed,
    threads,
    ...(densenet ? { densenet } : {}),
    ...(guided ? { boxGuidance: { weight, margin } } : {}),
  };
  const t0 = performance.now();
  const r: BackboneResult = await trainBackbone(run, cfg, { log: (l) => console.error(`[${name}] ${l}`) });
  const seconds = (performance.now() - t0) / 1000;
  return {
    name,
    testAccuracy: r.test.accuracy,
    testMacroF1: r.test.macroF1,
    proxyAccuracy: r.proxy?.accuracy ?? null,
    bestEpoch: r.bestEpoch,
    trainSeconds: seconds,
    gradcam: await localisation(run),
  };
}

const source = await prepared(await dataDir());
const rows = [await arm(source, 'plain', false), await arm(source, 'guided', true)];
const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? 'n/a' : `${(100 * v).toFixed(1)}%`;
if (argv.includes('--json'))
  console.log(
    JSON.stringify({ weight, margin, epochs, size, seed, densenet: densenet ?? null, rows }, null, 2),
  );
else {
  console.log(
    `box guidance: weight ${weight}, margin ${margin} px, ${epochs} epochs, lr ${lr}, ${size} px, seed ${seed}, DenseNet ${densenet ? JSON.stringify(densenet) : '121'}`,
  );
  console.log(
    'arm     test acc  macro-F1  proxy acc  pointing  pointing±15px  energy-in-box  CAM outside box  train s',
  );
  for (const r of rows)
    console.log(
      [
        r.name.padEnd(7),
        pct(r.testAccuracy).padStart(8),
        r.testMacroF1.toFixed(3).padStart(9),
        pct(r.proxyAccuracy).padStart(10),
        pct(r.gradcam.pointingGame).padStart(9),
        pct(r.gradcam.pointingGameTol).padStart(14),
        pct(r.gradcam.energyInBox).padStart(14),
        pct(r.gradcam.camOutsideBox).padStart(16),
        r.trainSeconds.toFixed(0).padStart(8),
      ].join(' '),
    );
  console.log(`(${rows[0].gradcam.withBox} test images with a box; runs in ${out})`);
}
