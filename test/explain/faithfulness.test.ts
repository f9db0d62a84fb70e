import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { noGrad, Tensor, tidy } from '../../src/engine/index.js';
import { join } from 'node:path';
import { prepareData, writePhantomDataset } from '../../src/data/index.js';
import { analyzeCase, explainHeads, explainRun } from '../../src/explain/index.js';
import { blurImage } from '../../src/explain/blur-masker.js';
import { curveAuc, curveImages, faithfulness, pixelOrder } from '../../src/explain/faithfulness.js';
import {
  mapRankCorrelation,
  randomizedModels,
  sanityVerdict,
  SanityCheck,
} from '../../src/explain/sanity.js';
import { disposeHeads } from '../../src/explain/explain-heads.js';
import { openRun } from '../../src/run/index.js';
import { buildTinyRun, phantomCases, S } from './tiny-run.js';

const run = buildTinyRun();
after(() => rmSync(run, { recursive: true, force: true }));

test('curve images switch exactly the top-ranked pixels, every channel; AUC is the trapezoid', () => {
  const size = 4;
  const input = Float32Array.from({ length: 3 * 16 }, (_, i) => i + 1);
  const map = Float32Array.from({ length: 16 }, (_, p) => (p === 5 ? 9 : p === 2 ? 8 : 0.1));
  const order = pixelOrder(map)!;
  assert.deepEqual([...order.slice(0, 3)], [5, 2, 0]);
  assert.equal(pixelOrder(new Float32Array(16)), null, 'an empty map ranks nothing');
  const blurred = new Float32Array(48).fill(-1);
  const imgs = curveImages(input, size, order, 8, blurred);
  const per = 48;
  assert.equal(imgs.length, 2 * 9 * per);
  // deletion step 1 of 8: top 2 pixels (5, 2) are zero in every channel, nothing else changed
  const d1 = imgs.subarray(per, 2 * per);
  for (let c = 0; c < 3; c++)
    for (let p = 0; p < 16; p++)
      assert.equal(d1[c * 16 + p], p === 5 || p === 2 ? 0 : input[c * 16 + p], `c${c} p${p}`);
  // insertion step 1: the same pixels from the image, the rest blurred; the last step is the image
  const i1 = imgs.subarray(10 * per, 11 * per);
  for (let p = 0; p < 16; p++) assert.equal(i1[p], p === 5 || p === 2 ? input[p] : -1);
  assert.deepEqual([...imgs.subarray(17 * per, 18 * per)], [...input]);
  assert.ok(
    [...imgs.subarray(8 * per, 9 * per)].every((v) => v === 0),
    'deletion ends at the zero image',
  );
  assert.equal(curveAuc([1, 0]), 0.5);
  assert.equal(curveAuc([1, 1, 0]), 0.75);
});

test('deletion / insertion curves run through the real model: endpoints are the model on the end images', async () => {
  const open = openRun(run);
  const heads = explainHeads(open);
  try {
    const img = phantomCases(1, 43)[0];
    const a = await analyzeCase(open, img, {
      methods: ['gradcam', 'intgrad'],
      faithfulnessSteps: 4,
      png: false,
    });
    const m = a.models[0];
    const f = m.faithfulness!;
    for (const k of ['gradcam', 'intgrad'])
      if (f[k]) for (const v of [f[k]!.deletionAuc, f[k]!.insertionAuc]) assert.ok(v >= 0 && v <= 1, k);
    const h = heads[0];
    const probs = (x: Float32Array, B: number) =>
      tidy(() =>
        noGrad(() =>
          h.module
            .forward(open.net.embed(Tensor.from(x, [B, 3, S, S])))
            .softmax(1)
            .toFloat32Array(),
        ),
      );
    const r = faithfulness(m.maps.intgrad.map, img.input, S, a.targetClass, probs, { steps: 4, batch: 3 })!;
    assert.equal(r.deletion.length, 5);
    const p1 = (x: Float32Array) => probs(x, 1)[a.targetClass];
    assert.ok(Math.abs(r.deletion[0] - m.probs[a.targetClass]) < 1e-4, 'deletion starts at the image');
    assert.ok(Math.abs(r.insertion[4] - m.probs[a.targetClass]) < 1e-4, 'insertion ends at the image');
    assert.ok(Math.abs(r.deletion[4] - p1(new Float32Array(img.input.length))) < 1e-5);
    assert.ok(Math.abs(r.insertion[0] - p1(blurImage(img.input, S))) < 1e-5);
    assert.ok(Math.abs(r.deletionAuc - f.intgrad!.deletionAuc) < 1e-4 || f.intgrad === null);
    // the ranking matters: the reversed map gives other curves
    let mx = 0;
    for (const v of m.maps.intgrad.map) mx = Math.max(mx, v);
    const reversed = m.maps.intgrad.map.map((v) => mx - v + 1e-3);
    const rr = faithfulness(reversed, img.input, S, a.targetClass, probs, { steps: 4, batch: 10 })!;
    assert.notDeepEqual(rr.deletion.slice(1, 4), r.deletion.slice(1, 4));
  } finally {
    disposeHeads(heads);
    open.net.dispose();
  }
});

test('randomised models: weights re-drawn (biases kept), maps change, the trained models untouched', async () => {
  const open = openRun(run);
  const heads = explainHeads(open);
  try {
    const before = open.net.stateEntries();
    const headBefore = JSON.stringify(heads.map((h) => h.head));
    const rm = randomizedModels(open, heads, 'cascade', 0);
    const w = (net: typeof open.net, k: string) => net.stateDict().get(k)!.toFloat32Array();
    const conv = before.find(([k]) => k.endsWith('conv0.weight'))![0];
    const bn = before.find(([k]) => k.endsWith('norm0.bias'))![0];
    assert.notDeepEqual([...w(rm.open.net, conv)], [...w(open.net, conv)]);
    assert.deepEqual([...w(rm.open.net, bn)], [...w(open.net, bn)]);
    const img = phantomCases(1, 44)[0];
    const opts = { methods: ['gradcam'], png: false, targetClass: 1 };
    const { analyzeWithHeads } = await import('../../src/explain/analyze-case.js');
    const t = await analyzeWithHeads(open, heads, img, ['gradcam'], opts);
    const r = await analyzeWithHeads(rm.open, rm.heads, img, ['gradcam'], opts);
    rm.dispose();
    const c = mapRankCorrelation(t.models[0].maps.gradcam.map, r.models[0].maps.gradcam.map);
    assert.ok(c === null || c < 0.999, `rank correlation ${c}`);
    // the trained backbone and heads are as they were
    for (const [k, e] of before)
      if (e.dtype === 'F32') assert.deepEqual([...w(open.net, k)], [...(e.data as Float32Array)], k);
    assert.equal(JSON.stringify(heads.map((h) => h.head)), headBefore);
    // a map that does not depend on the model survives randomisation and fails
    const check = new SanityCheck(open, heads, 0);
    check.dispose();
    const v = sanityVerdict({ head: [1, 1], cascade: [0.2, null] });
    assert.deepEqual(v.stages, { head: 1, cascade: 0.2 });
    assert.equal(v.rankCorrelation, 1);
    assert.equal(v.passed, false);
    assert.equal(sanityVerdict({ head: [0.1], cascade: [0.3] }).passed, true);
    assert.equal(sanityVerdict({ head: [null], cascade: [] }).passed, null);
    assert.equal(mapRankCorrelation(new Float32Array(4), Float32Array.of(1, 2, 3, 4)), null);
  } finally {
    disposeHeads(heads);
    open.net.dispose();
  }
});

test('explainRun: the table gains deletion / insertion AUCs and sanity; failed methods withhold disagreement flags', async () => {
  const data = join(run, 'phantoms');
  await writePhantomDataset(data, { n: 16, size: S, seed: 5 });
  await prepareData(run, {
    dir: data,
    split: { train: 0.5, val: 0.2, test: 0.3, seed: 0, blockSize: 4 },
    preprocess: { size: S, brainCrop: false, normalize: 'zscore' },
  });
  const base = {
    split: 'test' as const,
    cases: 4,
    shapSamples: 64,
    methods: ['gradcam', 'shap'],
    faithfulnessSteps: 4,
    cacheDir: join(run, 'cache'),
  };
  const off = await explainRun(run, { ...base, sanity: false });
  assert.ok(off.localization.every((l) => l.sanity === null));
  const on = await explainRun(run, base);
  for (const l of on.localization) {
    assert.ok(l.sanity && (l.sanity.passed === null || l.sanity.passed === l.sanity.rankCorrelation! < 0.5));
    assert.ok(l.deletionAuc === null || (l.deletionAuc >= 0 && l.deletionAuc <= 1));
    assert.ok(l.insertionAuc === null || (l.insertionAuc >= 0 && l.insertionAuc <= 1));
    assert.ok(l.msPerImage !== null);
  }
  assert.ok(on.localization.some((l) => l.deletionAuc !== null && l.sanity!.rankCorrelation !== null));
  // every method fails at threshold −1: no disagreement flag counts, each is kept as unvalidated
  const strict = await explainRun(run, { ...base, sanityThreshold: -1 });
  const disagreement = (fs: string[]) => fs.filter((f) => !f.endsWith('-empty'));
  const offFlags = off.analyses.flatMap((a) => a.models.flatMap((m) => disagreement(m.audit!.flags)));
  assert.ok(offFlags.length > 0, 'the tiny run has disagreement flags to withhold');
  for (const [i, a] of strict.analyses.entries())
    for (const [j, m] of a.models.entries()) {
      assert.deepEqual(disagreement(m.audit!.flags), []);
      const was = disagreement(off.analyses[i].models[j].audit!.flags);
      assert.deepEqual(m.audit!.unvalidated?.flags ?? [], was);
    }
  for (const s of Object.values(strict.summaries)) assert.ok(!('low-agreement' in s.flagCounts));
});
