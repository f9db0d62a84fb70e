import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { prepareData, writePhantomDataset } from '../../src/data/index.js';
import { explainRun, spreadIndices } from '../../src/explain/index.js';
import { runPaths } from '../../src/run/index.js';
import { writeJsonAtomic } from '../../src/util/atomic.js';
import { buildTinyRun, S } from './tiny-run.js';

const run = buildTinyRun();
const data = join(run, 'phantoms');
after(() => rmSync(run, { recursive: true, force: true }));

test('explainRun over the test split writes the audit, overlays, SHAP plots and beeswarms', async () => {
  await writePhantomDataset(data, { n: 16, size: S, seed: 5 });
  await prepareData(run, {
    dir: data,
    split: { train: 0.5, val: 0.2, test: 0.3, seed: 0, blockSize: 4 },
    preprocess: { size: S, brainCrop: false, normalize: 'zscore' },
  });
  const r = await explainRun(run, {
    split: 'test',
    cases: 3,
    shapSamples: 256,
    methods: ['gradcam', 'gradcampp', 'hirescam', 'scorecam', 'shap'],
    cacheDir: join(run, 'cache'),
  });
  assert.equal(r.cases, 3);
  // the per method × model table: every map method of every model, with caps and empty fractions
  const maps = ['gradcam', 'gradcampp', 'hirescam', 'scorecam', 'shapcam'];
  assert.deepEqual(
    r.localization.map((l) => `${l.model}/${l.method}`),
    ['classical', 'hybrid'].flatMap((m) => maps.map((k) => `${m}/${k}`)),
  );
  for (const l of r.localization) {
    assert.equal(l.cases, 3);
    assert.ok(l.emptyFraction !== null && l.emptyFraction >= 0 && l.emptyFraction <= 1);
    if (l.pointingGame !== null) {
      // a perfect map at the same resolution does at least as well, on the same images
      assert.ok(
        l.cap.pointingGame !== null && l.cap.energyInBox! >= l.energyInBox! - 1e-9,
        `${l.model}/${l.method}`,
      );
      assert.ok(l.pointingGameTol !== null, 'the source size of the phantom PNGs is known');
      assert.ok(l.pointingGameTol! >= l.pointingGame);
    }
  }
  const audit = JSON.parse(readFileSync(join(r.dir, 'audit.json'), 'utf8'));
  assert.deepEqual(audit.localization, JSON.parse(JSON.stringify(r.localization)));
  assert.equal(audit.cases.length, 3);
  assert.equal(audit.summary.cases, 3);
  assert.ok('classical.meanSpearman' in audit.summary && 'hybrid.meanSpearman' in audit.summary);
  for (const c of audit.cases) {
    assert.equal(typeof c.file, 'string');
    assert.equal(c.flagged, c.flags.length > 0);
    // boxes come from the YOLO sidecars: n/a (null) exactly where the image has none
    assert.equal(c.gradcamPointing === null, c.box === null);
    for (const rel of Object.values(c.images as Record<string, string>))
      assert.ok(existsSync(join(r.dir, rel)), rel);
    assert.ok(c.models.classical.shap.additivityError < 1e-9);
    assert.equal(c.models.hybrid.circuitShap.phi.length, 3);
  }
  assert.deepEqual(
    audit.flagged.map((f: { file: string }) => f.file),
    audit.cases.filter((c: { flagged: boolean }) => c.flagged).map((c: { file: string }) => c.file),
  );
  const files = readdirSync(r.dir);
  for (const f of ['overlay-grid.svg', 'overlay-grid.png', 'beeswarm-classical.png', 'beeswarm-hybrid.svg'])
    assert.ok(files.includes(f), f);
  assert.ok(readdirSync(join(r.dir, 'cases')).some((f) => f.endsWith('-shap-waterfall.svg')));
});

test('explainRun: empty split, missing image, wrong background width → clear errors before work', async () => {
  const empty = buildTinyRun();
  try {
    writeJsonAtomic(runPaths(empty).manifest, {
      version: 1,
      root: data,
      classes: ['glioma', 'meningioma', 'notumor', 'pituitary'],
      entries: [],
      split: {},
    });
    await assert.rejects(explainRun(empty, { split: 'test' }), /the 'test' split is empty/);
    await assert.rejects(
      explainRun(empty, { images: [join(empty, 'nope.png')] }),
      /nope.png: image file not found/,
    );
    await assert.rejects(explainRun(empty, { images: ['x'], layer: 'features.bogus' }), /unknown layer/);
    // a feature file of the wrong width as the SHAP background
    const { saveFeatures } = await import('../../src/run/index.js');
    saveFeatures(runPaths(empty).features('train'), {
      x: new Float32Array(10),
      y: new Int32Array(2),
      dim: 5,
      files: ['a', 'b'],
    });
    await assert.rejects(
      explainRun(empty, { images: ['x'] }),
      /background .* has 5 features, the linear head expects 32/,
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('qmri explain --image … --json through the CLI', () => {
  const pngs = readdirSync(join(data, 'glioma')).filter((f) => f.endsWith('.png') && !f.includes('mask'));
  const img = join(data, 'glioma', pngs[0]);
  const cli = spawnSync(
    'bin/qmri',
    [
      'explain',
      '--run',
      run,
      '--image',
      img,
      '--methods',
      'gradcam,kernelshap,shapcam',
      '--samples',
      '128',
      '--threads',
      '1',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const out = JSON.parse(cli.stdout);
  assert.equal(out.cases, 1);
  assert.equal(out.results[0].models.length, 2);
  assert.ok(out.results[0].models[0].shap.additivityError < 1e-9);
  // the localisation table (with the fraction of empty maps) per method × model
  assert.deepEqual(
    out.localization.map((l: { model: string; method: string }) => `${l.model}/${l.method}`),
    ['classical/gradcam', 'classical/shapcam', 'hybrid/gradcam', 'hybrid/shapcam'],
  );
  assert.ok(out.localization.every((l: { emptyFraction: number }) => typeof l.emptyFraction === 'number'));
  assert.ok('gradcam' in out.results[0].models[0].localization);
  const bad = spawnSync('bin/qmri', ['explain', '--run', run, '--image', img, '--methods', 'lime'], {
    encoding: 'utf8',
  });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /qmri: error: --methods: unknown explanation method 'lime'/);
  const none = spawnSync('bin/qmri', ['explain', '--run', run], { encoding: 'utf8' });
  assert.match(none.stderr, /nothing to explain/);
  // --target by name explains that class; one outside the run's classes is refused before work
  const named = spawnSync(
    'bin/qmri',
    ['explain', '--run', run, '--image', img, '--methods', 'gradcam', '--target', 'pituitary', '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(named.status, 0, named.stderr);
  assert.equal(JSON.parse(named.stdout).results[0].explainedClass, 'pituitary');
  const wrong = spawnSync('bin/qmri', ['explain', '--run', run, '--image', img, '--target', '7'], {
    encoding: 'utf8',
  });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /qmri: error: --target: '7' is not a class of this run; valid: 0=glioma/);
});

test('split cases are spread over the split, not its first images', () => {
  assert.deepEqual(spreadIndices(10, 4), [1, 3, 6, 8]);
  assert.deepEqual(spreadIndices(3, 5), [0, 1, 2]);
  const k = spreadIndices(700, 16);
  assert.equal(new Set(k).size, 16);
  assert.ok(k[0] < 700 / 16 && k[15] > 700 - 700 / 16);
});
