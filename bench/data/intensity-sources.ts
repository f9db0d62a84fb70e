// How much of the source (scanner / preparation) an image's intensity histogram gives away, before
// and after intensity standardisation (issue #19): every image of a folder-per-class set at --size px
// (brain crop on), its 32-bin intensity histogram after 'none' / 'percentile' / 'histogram'
// (landmarks learned on the training half only), and a logistic regression on those 32 numbers that
// tells the sources apart (--source-classes: the classes of source B, default notumor = Br35H in the
// shared set; the rest are source A). Halves by blocks of 20 consecutive file numbers (patients stay
// together); accuracy on the held-out half. Chance level = the larger source's share.
//   source scripts/env.sh && node --import tsx bench/data/intensity-sources.ts [--dir ../shared/data/brain-tumor-mri] [--size 128]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { learnLandmarks, standardizeIntensity, type PreprocessConfig } from '../../src/data/index.js';
import { readInputFile } from '../../src/data/decode.js';
import { resizeSource } from '../../src/data/preprocess.js';
import { mapLimit } from '../../src/data/pool.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const dir = arg('dir', '../shared/data/brain-tumor-mri');
const size = Number(arg('size', '128'));
const sourceB = new Set(arg('source-classes', 'notumor').split(','));
const pre: PreprocessConfig = { size, brainCrop: true, normalize: 'zscore' };

interface Item {
  u8: Uint8Array;
  b: number;
  half: number;
}

async function load(): Promise<Item[]> {
  const files: { path: string; b: number; half: number }[] = [];
  for (const c of readdirSync(dir).sort()) {
    let names: string[];
    try {
      names = readdirSync(join(dir, c)).filter((f) => /\.(jpe?g|png)$/i.test(f));
    } catch {
      continue;
    }
    for (const f of names) {
      const num = parseInt(f, 10);
      const block = Number.isFinite(num) ? Math.floor(num / 20) : files.length;
      files.push({ path: join(dir, c, f), b: sourceB.has(c) ? 1 : 0, half: block % 2 });
    }
  }
  return mapLimit(files, 2, async (f) => {
    const z = await resizeSource(readInputFile(f.path), f.path, pre, { box: null });
    return { u8: z.u8, b: f.b, half: f.half };
  });
}

function features(img: Uint8Array | Float32Array): Float64Array {
  const h = new Float64Array(32);
  for (let i = 0; i < img.length; i++) h[Math.min(31, Math.floor(img[i] / 8))]++;
  for (let k = 0; k < 32; k++) h[k] /= img.length;
  return h;
}

/** Logistic regression (standardised features, full-batch gradient descent) → held-out accuracy. */
function separability(x: Float64Array[], y: number[], train: boolean[]): number {
  const d = x[0].length;
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  const tr = x.filter((_, i) => train[i]);
  for (const v of tr) for (let k = 0; k < d; k++) mu[k] += v[k] / tr.length;
  for (const v of tr) for (let k = 0; k < d; k++) sd[k] += (v[k] - mu[k]) ** 2 / tr.length;
  const z = x.map((v) => Float64Array.from(v, (a, k) => (a - mu[k]) / (Math.sqrt(sd[k]) || 1)));
  const w = new Float64Array(d + 1);
  for (let it = 0; it < 500; it++) {
    const g = new Float64Array(d + 1);
    let n = 0;
    z.forEach((v, i) => {
      if (!train[i]) return;
      n++;
      let s = w[d];
      for (let k = 0; k < d; k++) s += w[k] * v[k];
      const e = 1 / (1 + Math.exp(-s)) - y[i];
      for (let k = 0; k < d; k++) g[k] += e * v[k];
      g[d] += e;
    });
    for (let k = 0; k <= d; k++) w[k] -= (0.5 * g[k]) / n + (k < d ? 1e-3 * w[k] : 0);
  }
  let ok = 0,
    n = 0;
  z.forEach((v, i) => {
    if (train[i]) return;
    let s = w[d];
    for (let k = 0; k < d; k++) s += w[k] * v[k];
    ok += Number(s > 0) === y[i] ? 1 : 0;
    n++;
  });
  return ok / n;
}

const t0 = performance.now();
const items = await load();
const per = size * size;
const y = items.map((it) => it.b);
const out: Record<string, unknown> = {
  dir,
  size,
  images: items.length,
  loadSeconds: (performance.now() - t0) / 1000,
};
for (const testHalf of [0, 1]) {
  const train = items.map((it) => it.half !== testHalf);
  const trainImgs = new Uint8Array(items.filter((_, i) => train[i]).length * per);
  let o = 0;
  items.forEach((it, i) => {
    if (train[i]) trainImgs.set(it.u8, o++ * per);
  });
  const landmarks = learnLandmarks(trainImgs, per);
  const heldOut = items.filter((_, i) => !train[i]);
  const chance =
    Math.max(heldOut.filter((it) => it.b === 1).length, heldOut.filter((it) => it.b === 0).length) /
    heldOut.length;
  const row: Record<string, number | number[]> = { chance, landmarks };
  for (const intensity of ['none', 'percentile', 'histogram'] as const) {
    const cfg = { ...pre, intensity, landmarks };
    row[intensity] = separability(
      items.map((it) => features(standardizeIntensity(it.u8, cfg))),
      y,
      train,
    );
  }
  out[`heldOutHalf${testHalf}`] = row;
}
process.stdout.write(JSON.stringify(out) + '\n');
