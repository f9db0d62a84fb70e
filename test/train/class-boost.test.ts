/**
 * backbone.classBoost (issue #19, "class balancing for the weakest class"): the named classes'
 * cross-entropy weights are multiplied on top of the balanced (inverse-frequency) weights; the boost
 * reaches the loss of a real training run, an unknown class name is an error before any weight is
 * allocated, and a checkpoint trained without the boost does not resume with it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boostedClassWeights, classWeights } from '../../src/train/schedule.js';
import { trainBackboneOnData } from '../../src/train/index.js';
import { TINY_CLASSES, tinyConfig, tinyData } from './helpers/tiny-backbone.js';
import { scratchDirs } from './helpers/scratch.js';

const tmp = scratchDirs();

test('boostedClassWeights multiplies the balanced weights of the named classes only', () => {
  const y = [0, 0, 0, 1, 2, 2, 3, 3];
  const base = classWeights(y, 4);
  const w = boostedClassWeights(y, TINY_CLASSES, { meningioma: 3 });
  assert.ok(Math.abs(w[1] - 3 * base[1]) < 1e-6, `meningioma ${w[1]} vs 3 × ${base[1]}`);
  for (const c of [0, 2, 3]) assert.equal(w[c], base[c]);
  assert.deepEqual([...boostedClassWeights(y, TINY_CLASSES)], [...base]);
  assert.throws(
    () => boostedClassWeights(y, TINY_CLASSES, { menigioma: 2 }),
    /classBoost: no class 'menigioma'.*meningioma/,
  );
});

test('a class boost reaches the training loss; it is checked before training and kept on resume', () => {
  const cfg = tinyConfig(1);
  const plain = trainBackboneOnData(tmp('qmri-boost-plain-'), tinyData(), cfg);
  // one class weighted 50× more: the first epoch's weighted mean loss is another number, and the
  // model leans to that class on the validation images
  const boosted = trainBackboneOnData(tmp('qmri-boost-on-'), tinyData(), {
    ...cfg,
    classBoost: { notumor: 50 },
  });
  assert.notEqual(boosted.logs[0].loss, plain.logs[0].loss);
  const predicted = (conf: number[][], c: number) => conf.reduce((a, row) => a + row[c], 0);
  assert.ok(
    predicted(boosted.val.confusion, 2) > predicted(plain.val.confusion, 2),
    `notumor predicted ${predicted(boosted.val.confusion, 2)} times with the boost, ${predicted(plain.val.confusion, 2)} without`,
  );

  assert.throws(
    () => trainBackboneOnData(tmp('qmri-boost-bad-'), tinyData(), { ...cfg, classBoost: { tumour: 2 } }),
    /no class 'tumour'/,
  );

  const run = tmp('qmri-boost-resume-');
  trainBackboneOnData(run, tinyData(), { ...tinyConfig(2), timeLimitMinutes: 1e-6 });
  assert.throws(
    () => trainBackboneOnData(run, tinyData(), { ...tinyConfig(2), classBoost: { meningioma: 2 } }),
    /classBoost = unset, this run asks for \{"meningioma":2\}/,
  );
});
