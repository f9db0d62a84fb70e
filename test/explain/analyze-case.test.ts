import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { openRun, runPaths } from '../../src/run/index.js';
import { analyzeCase } from '../../src/explain/analyze-case.js';
import { TTA_VIEWS, viewsOf } from '../../src/data/index.js';
import { disposeHeads, explainHeads } from '../../src/explain/explain-heads.js';
import { headProbs } from '../../src/heads/index.js';
import { S, buildTinyRun, phantomCases } from './tiny-run.js';

const run = buildTinyRun();
const open = openRun(run);
const cases = phantomCases(2);
after(() => {
  open.net.dispose();
  rmSync(run, { recursive: true, force: true });
});

test('analyzeCase: both models, Grad-CAM overlays as PNG, additive Kernel SHAP, exact circuit SHAP, audit', async () => {
  const r = await analyzeCase(open, cases[0], { shapSamples: 256 });
  assert.deepEqual(
    r.models.map((m) => m.name),
    ['classical', 'hybrid'],
  );
  assert.equal(r.targetClass, r.models[0].predicted);
  for (const m of r.models) {
    assert.ok(Math.abs(m.probs.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    const png = m.maps.gradcam!.png!;
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.ok(meta.width! > meta.height!, 'legend beside the image');
    assert.ok(m.shap!.additivityError < 1e-9);
    assert.equal(m.shap!.phi.length, open.net.numFeatures);
    // Σφ of the explained class = f(x) − E f(bg)
    const s = m.shap!.phi.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(s - (m.shap!.fx - m.shap!.base)) < 1e-9);
    assert.ok(Math.abs(m.shap!.fx - m.probs[r.targetClass]) < 1e-5);
    assert.equal(m.shap!.top.length, 10);
    assert.ok(m.audit && Number.isFinite(m.audit.spearman));
    assert.equal(typeof m.audit.gradcam.pointing, 'boolean');
  }
  const hybrid = r.models[1];
  assert.equal(hybrid.circuitShap!.phi.length, 3);
  assert.ok(hybrid.circuitShap!.additivityError < 1e-12);
});

test('analyzeCase: chosen target class, earlier layer, partition SHAP and permutation SHAP on request', async () => {
  const r = await analyzeCase(open, cases[1], {
    methods: ['gradcam', 'permshap', 'shapcam', 'partition'],
    layer: 'features.denseblock2',
    targetClass: 3,
    partitionGrid: 4,
    partitionEvals: 24,
    png: false,
  });
  assert.equal(r.targetClass, 3);
  assert.equal(r.layer, 'features.denseblock2');
  for (const m of r.models) {
    assert.equal(m.shap!.method, 'permutation');
    assert.ok(m.shap!.stdErr);
    assert.ok(m.partition!.additivityError < 1e-9);
    assert.ok(m.partition!.evaluations <= 24);
    assert.equal(m.maps.gradcampp, undefined);
    assert.equal(m.maps.partition!.png, undefined);
  }
});

test('analyzeCase with Kernel and Permutation SHAP runs both and reports how far they agree', async () => {
  const r = await analyzeCase(open, cases[0], {
    methods: ['kernelshap', 'permshap'],
    shapSamples: 256,
    png: false,
  });
  for (const m of r.models) {
    assert.equal(m.shap!.method, 'kernel');
    const c = m.shapCheck!;
    assert.equal(c.method, 'permutation');
    assert.ok(c.additivityError < 1e-9, `permutation additivity ${c.additivityError}`);
    assert.ok(c.meanStdErr !== null && c.meanStdErr >= 0);
    assert.ok(c.cosineWithKernel > -1 && c.cosineWithKernel <= 1 + 1e-12);
    assert.equal(c.top.length, m.shap!.top.length);
  }
  // only one estimator asked for: no cross-check
  const k = await analyzeCase(open, cases[0], { methods: ['kernelshap'], shapSamples: 256, png: false });
  assert.equal(k.models[0].shapCheck, undefined);
});

test('analyzeCase rejects bad requests before work', async () => {
  await assert.rejects(
    analyzeCase(open, cases[0], { targetClass: 9 }),
    /target class 9 is out of range 0..3/,
  );
  await assert.rejects(analyzeCase(open, cases[0], { layer: 'classifier' }), /unknown layer 'classifier'/);
  await assert.rejects(
    analyzeCase(open, cases[0], { methods: ['lime'] }),
    /unknown explanation method 'lime'/,
  );
  await assert.rejects(analyzeCase(open, { ...cases[0], size: 64 }), /backbone expects 48 px/);
});

test('analyzeCase on a run without feature files: Grad-CAM still works, SHAP skipped with a note', async () => {
  const bare = buildTinyRun({ features: false });
  const o = openRun(bare);
  try {
    const r = await analyzeCase(o, cases[0], { png: false });
    assert.ok(r.models[0].maps.gradcam);
    assert.equal(r.models[0].shap, undefined);
    assert.match(r.notes.join(' '), /SHAP skipped: .*no feature file/);
  } finally {
    o.net.dispose();
    rmSync(bare, { recursive: true, force: true });
  }
});

test('analyzeCase with test-time augmentation: each head scores the pooled features averaged over the views', async () => {
  const views = viewsOf(['identity', 'hflip'])!;
  const opts = { methods: ['gradcam'], png: false };
  // a left–right symmetric image: the views agree, so the probabilities are the plain ones
  const sym = { ...cases[0], input: cases[0].input.slice() };
  for (let o = 0; o < sym.input.length; o += S)
    for (let c = S / 2; c < S; c++) sym.input[o + c] = sym.input[o + S - 1 - c];
  const plainSym = await analyzeCase(open, sym, opts);
  const ttaSym = await analyzeCase(open, sym, { ...opts, tta: views });
  assert.deepEqual(
    ttaSym.models.map((m) => m.probs),
    plainSym.models.map((m) => m.probs),
  );
  // any other image: the head of the mean of the two pooled feature vectors
  const img = cases[1];
  const plain = await analyzeCase(open, img, opts);
  const tta = await analyzeCase(open, img, { ...opts, tta: views });
  const mirror = { ...img, input: TTA_VIEWS.hflip.apply(img.input, 1, [3, S, S]) };
  const mirrored = await analyzeCase(open, mirror, opts);
  const pooled = plain.features.map((v, i) => (v + mirrored.features[i]) / 2);
  const heads = explainHeads(open);
  try {
    tta.models.forEach((m, k) => {
      const want = headProbs(heads[k].head, pooled);
      m.probs.forEach((p, c) =>
        assert.ok(Math.abs(p - want[c]) < 1e-5, `${m.name}[${c}]: ${p} vs ${want[c]}`),
      );
    });
  } finally {
    disposeHeads(heads);
  }
  assert.ok(
    tta.models.some((m, k) => m.probs.some((p, c) => Math.abs(p - plain.models[k].probs[c]) > 1e-6)),
    'the mirror changes the probabilities',
  );
  // the maps explain the image as it is
  assert.deepEqual(tta.models[0].maps.gradcam!.map, plain.models[0].maps.gradcam!.map);
});

test("analyzeCase defaults to the run's own backbone.tta (RUN/config.json); tta: null turns it off", async () => {
  const withTta = buildTinyRun();
  writeFileSync(runPaths(withTta).config, JSON.stringify({ backbone: { tta: ['identity', 'hflip'] } }));
  const o = openRun(withTta);
  try {
    assert.deepEqual(o.tta, ['identity', 'hflip']);
    assert.deepEqual(open.tta, [], 'a run without config.json has no TTA');
    const opts = { methods: ['gradcam'], png: false };
    const byDefault = await analyzeCase(o, cases[1], opts);
    const explicit = await analyzeCase(o, cases[1], { ...opts, tta: viewsOf(['identity', 'hflip']) });
    const off = await analyzeCase(o, cases[1], { ...opts, tta: null });
    assert.deepEqual(
      byDefault.models.map((m) => m.probs),
      explicit.models.map((m) => m.probs),
    );
    assert.match(
      byDefault.notes.join(' '),
      /averaged over the test-time augmentation views identity \+ hflip/,
    );
    assert.doesNotMatch(off.notes.join(' '), /test-time augmentation/);
    assert.ok(
      off.models.some((m, k) => m.probs.some((p, c) => Math.abs(p - byDefault.models[k].probs[c]) > 1e-6)),
      'the run-level TTA changes the probabilities',
    );
  } finally {
    o.net.dispose();
  }
  writeFileSync(runPaths(withTta).config, JSON.stringify({ backbone: { tta: 'hflip' } }));
  assert.throws(() => openRun(withTta), /config\.json: backbone\.tta must be a list of view names/);
  writeFileSync(runPaths(withTta).config, JSON.stringify({ backbone: { tta: ['rot90'] } }));
  const bad = openRun(withTta);
  try {
    await assert.rejects(
      analyzeCase(bad, cases[1], { methods: ['gradcam'], png: false }),
      /tta: unknown view "rot90"/,
    );
  } finally {
    bad.net.dispose();
    rmSync(withTta, { recursive: true, force: true });
  }
});
