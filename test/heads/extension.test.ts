/**
 * Adding a head kind = one HeadDef + one registry line: a small MLP head registered at run time goes
 * through the head comparison, the explanation audit and the report of a tiny phantom run, with no
 * other change to qmri.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { prepareData, writePhantomDataset } from '../../src/data/index.js';
import { explainRun } from '../../src/explain/index.js';
import {
  checkPlain,
  comparisonPairs,
  headKinds,
  linearRows,
  plainLinear,
  registerHead,
  setLinear,
  softmaxRows,
  type HeadDef,
  type HeadExport,
  type PlainLinear,
} from '../../src/heads/index.js';
import type { Tensor } from '../../src/engine/index.js';
import { HeadModule, Linear } from '../../src/nn/index.js';
import { writeReport } from '../../src/report/index.js';
import { listHeads, loadFeatures, runPaths, saveFeatures } from '../../src/run/index.js';
import { compareHeads } from '../../src/train/index.js';
import { S, buildTinyRun } from '../explain/tiny-run.js';

const HIDDEN = 6;

class MlpHead extends HeadModule {
  readonly kind = 'mlp';
  readonly l1: Linear;
  readonly l2: Linear;
  constructor(inDim: number, classes: number) {
    super();
    this.l1 = this.registerModule('l1', new Linear(inDim, HIDDEN));
    this.l2 = this.registerModule('l2', new Linear(HIDDEN, classes));
  }
  forward(x: Tensor): Tensor {
    return this.l2.forward(this.l1.forward(x).tanh());
  }
}

interface MlpExport extends HeadExport {
  l1: PlainLinear;
  l2: PlainLinear;
}

const mlpRest = (e: MlpExport) => (pre: Float64Array, B: number) =>
  softmaxRows(linearRows(e.l2, pre.map(Math.tanh), B), e.classes);

const mlpHead: HeadDef<MlpExport> = {
  kind: 'mlp',
  explainName: 'mlp',
  create: ({ inDim, classes }) => new MlpHead(inDim, classes),
  paramCount: ({ inDim, classes }) => (inDim + 1) * HIDDEN + (HIDDEN + 1) * classes,
  export: (m) => {
    const h = m as MlpHead;
    return {
      kind: 'mlp',
      inDim: h.l1.weight.shape[1],
      classes: h.l2.weight.shape[0],
      l1: plainLinear(h.l1),
      l2: plainLinear(h.l2),
    };
  },
  import: (e) => {
    const h = new MlpHead(e.inDim, e.classes);
    setLinear(h.l1, e.l1);
    setLinear(h.l2, e.l2);
    return h;
  },
  validate: (e, source) => {
    checkPlain('l1', e.l1, source);
    checkPlain('l2', e.l2, source);
  },
  probs: (e, x, B) => mlpRest(e)(linearRows(e.l1, x, B), B),
  split: (e) => ({
    kind: e.kind,
    inDim: e.inDim,
    width: HIDDEN,
    classes: e.classes,
    W: Float64Array.from(e.l1.weight),
    b: Float64Array.from(e.l1.bias),
    rest: mlpRest(e),
  }),
};

const unregister = registerHead(mlpHead);
const run = buildTinyRun();
after(() => {
  unregister();
  rmSync(run, { recursive: true, force: true });
});

test('a registered MLP head is compared, explained and reported like the built-in heads', async () => {
  assert.deepEqual(headKinds(), ['linear', 'bottleneck', 'quantum', 'mlp']);
  assert.deepEqual(comparisonPairs(['linear', 'mlp', 'quantum']), [
    ['quantum', 'linear'],
    ['quantum', 'mlp'],
  ]);
  assert.deepEqual(comparisonPairs(['linear', 'mlp']), [['mlp', 'linear']]);

  // compare: the tiny run has train features only; the same rows serve as val and test here
  const p = runPaths(run);
  const train = loadFeatures(p.features('train'));
  for (const s of ['val', 'test']) saveFeatures(p.features(s), train);
  const r = await compareHeads(run, {
    heads: ['linear', 'mlp', 'quantum'],
    seeds: 1,
    epochs: 2,
    lowData: [],
    qubits: 3,
    layers: 1,
    threads: 1,
  });
  const mlp = r.heads.find((h) => h.kind === 'mlp')!;
  assert.equal(mlp.params, mlpHead.paramCount({ inDim: train.dim, classes: 4 }, r.config));
  assert.ok(r.comparisons.some((c) => c.head === 'quantum' && c.reference === 'mlp'));
  assert.ok(listHeads(run).some((h) => h.kind === 'mlp' && h.seed === 1000));

  // explain: the MLP gets Grad-CAM and SHAP under its registry name
  const data = join(run, 'phantoms');
  await writePhantomDataset(data, { n: 12, size: S, seed: 5 });
  await prepareData(run, {
    dir: data,
    split: { train: 0.5, val: 0.2, test: 0.3, seed: 0, blockSize: 4 },
    preprocess: { size: S, brainCrop: false, normalize: 'zscore' },
  });
  const ex = await explainRun(run, {
    split: 'test',
    cases: 1,
    shapSamples: 128,
    cacheDir: join(run, 'cache'),
  });
  const audit = JSON.parse(readFileSync(p.explainAudit, 'utf8'));
  assert.equal(ex.cases, 1);
  const models = audit.cases[0].models;
  assert.ok(models.mlp, `models: ${Object.keys(models).join(', ')}`);
  assert.ok(models.mlp.shap.additivityError < 1e-9);

  // report: the comparison and the per-head sections name it
  const html = readFileSync(await writeReport(run), 'utf8');
  assert.match(html, /mlp head/);
});
