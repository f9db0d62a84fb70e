import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setNumThreads } from '../../src/engine/index.js';
import { headKinds } from '../../src/heads/index.js';
import { runPaths, saveFeatures } from '../../src/run/index.js';
import { compareHeads, resolveCompareConfig, sampleTrials } from '../../src/train/index.js';
import { Rng } from '../../src/util/rng.js';

setNumThreads(1);

/** Gaussian clusters in `dim` dimensions: class c is centred on +2 along every axis d ≡ c. */
function clusters(n: number, dim: number, classes: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let d = 0; d < dim; d++) x[i * dim + d] = rng.normal() * 1.2 + (d % classes === y[i] ? 1 : 0);
  }
  return { x, y, dim, files: Array.from({ length: n }, (_, i) => `s${seed}-${i}.png`) };
}

/** A feature run; `scramble` permutes the test labels (every class stays present). */
function featureRun(scramble: boolean): string {
  const run = mkdtempSync(join(tmpdir(), 'qmri-tune-'));
  saveFeatures(runPaths(run).features('train'), clusters(60, 12, 3, 1));
  saveFeatures(runPaths(run).features('val'), clusters(30, 12, 3, 2));
  const t = clusters(24, 12, 3, 3);
  if (scramble) new Rng(99).shuffle(t.y);
  saveFeatures(runPaths(run).features('test'), t);
  return run;
}

const tune = { trials: 3, lr: [1e-3, 0.1], epochs: [2, 8], weightDecay: [1e-6, 1e-2] };
const cfg = { seeds: 2, qubits: 2, layers: 1, batchSize: 16, lowData: [0.5], threads: 1, tune };

test('the search draws the same seeded points, in range, for any head kind', () => {
  const t = resolveCompareConfig({ tune }).tune!;
  const a = sampleTrials(t, 1000);
  assert.deepEqual(a, sampleTrials(t, 1000));
  assert.notDeepEqual(a, sampleTrials(t, 1001));
  assert.equal(a.length, 3);
  for (const p of a) {
    assert.ok(
      p.lr >= 1e-3 && p.lr <= 0.1 && p.weightDecay >= 1e-6 && p.weightDecay <= 1e-2,
      JSON.stringify(p),
    );
    assert.ok(Number.isInteger(p.epochs) && p.epochs >= 2 && p.epochs <= 8, JSON.stringify(p));
  }
  // off by default: no tune section, and 0 trials is off too
  assert.equal(resolveCompareConfig({}).tune, undefined);
  assert.equal(resolveCompareConfig({ tune: { trials: 0 } as never }).tune!.lr.length, 2);
});

test('every head kind gets the same budget on validation; scrambled test labels change nothing chosen', async () => {
  const r = await compareHeads(featureRun(false), cfg);
  const t = r.tuning!;
  assert.equal(t.split, 'val');
  assert.equal(t.metric, r.config.primaryMetric);
  assert.deepEqual(
    t.heads.map((h) => h.kind),
    headKinds(),
  );
  const points = sampleTrials(resolveCompareConfig({ tune }).tune!, r.config.firstSeed);
  for (const h of t.heads) {
    // the same trials (count and points) for every kind
    assert.deepEqual(
      h.trials.map(({ lr, epochs, weightDecay }) => ({ lr, epochs, weightDecay })),
      points,
    );
    const best = Math.max(...h.trials.map((x) => x.val));
    const chosen = h.trials.find((x) => x.val === best)!;
    assert.deepEqual(h.chosen, {
      trial: chosen.trial,
      lr: chosen.lr,
      epochs: chosen.epochs,
      weightDecay: chosen.weightDecay,
    });
    // every seed of the comparison trained with the chosen epochs at most (early stopping may cut)
    for (const s of r.heads.find((x) => x.kind === h.kind)!.perSeed) assert.ok(s.epochs <= h.chosen.epochs);
  }
  // the heads differ in what they choose or score: the search is per kind, not shared
  assert.ok(new Set(t.heads.map((h) => JSON.stringify(h.trials.map((x) => x.val)))).size > 1);
  const s = await compareHeads(featureRun(true), cfg);
  assert.deepEqual(s.tuning, t, 'tuning read the test split');
  assert.notDeepEqual(
    s.heads.map((h) => h.accuracy.mean),
    r.heads.map((h) => h.accuracy.mean),
  );
});
