/**
 * backbone.ema (src/train/ema.ts): the shadow's update against a hand-computed two-step average on a
 * tiny module (parameters and batch-norm buffers, with and without the decay's warm-up); through the
 * backbone session, the EMA changes the saved weights, and a run cut by its time limit and resumed
 * ends with the same weights (and shadow) as an uninterrupted one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tensor, noGrad, readSafetensors } from '../../src/engine/index.js';
import { BatchNorm2d } from '../../src/nn/index.js';
import { runPaths } from '../../src/run/index.js';
import {
  EMA_PREFIX,
  WeightEma,
  emaDecayAt,
  loadCheckpoint,
  resolveBackboneConfig,
  trainBackboneOnData,
} from '../../src/train/index.js';
import { flipHalf, tinyConfig, tinyData } from './helpers/tiny-backbone.js';
import { scratchDirs } from './helpers/scratch.js';

const tmp = scratchDirs();

/** sets every float tensor of the module to the given values (by state-dict name) */
function setState(m: BatchNorm2d, values: Record<string, number[]>): void {
  const own = m.stateDict();
  noGrad(() => {
    for (const [k, v] of Object.entries(values)) {
      const t = Tensor.from(v, [v.length]);
      own.get(k)!.copy_(t);
      t.dispose();
    }
  });
}

const STEP1 = { weight: [2, -1], bias: [0.5, 3], running_mean: [1, 1], running_var: [4, 0.25] };
const STEP2 = { weight: [-3, 5], bias: [1, -2], running_mean: [0, 2], running_var: [1, 9] };
const INIT = { weight: [1, 1], bias: [0, 0], running_mean: [0, 0], running_var: [1, 1] };

for (const warmup of [false, true]) {
  test(`EMA: two updates match the hand-computed average${warmup ? ' with the warm-up of the decay' : ''}`, () => {
    const m = new BatchNorm2d(2);
    const ema = new WeightEma(m, { decay: 0.9, warmup });
    try {
      assert.deepEqual([...ema.shadow.keys()].sort(), Object.keys(INIT).sort());
      setState(m, STEP1);
      ema.update(m, 0);
      setState(m, STEP2);
      ema.update(m, 1);
      // by hand: d0 = 0.9 or min(0.9, 1/10) = 0.1; d1 = 0.9 or min(0.9, 2/11)
      const d0 = warmup ? 0.1 : 0.9;
      const d1 = warmup ? 2 / 11 : 0.9;
      assert.equal(emaDecayAt(ema.options, 0), d0);
      assert.equal(emaDecayAt(ema.options, 1), d1);
      for (const k of Object.keys(INIT) as (keyof typeof INIT)[]) {
        const want = INIT[k].map((v0, i) => d1 * (d0 * v0 + (1 - d0) * STEP1[k][i]) + (1 - d1) * STEP2[k][i]);
        const got = [...ema.shadow.get(k)!.toFloat32Array()];
        got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-5, `${k}[${i}]: ${g} vs ${want[i]}`));
      }
      // withShadow swaps the average in for fn and puts the live weights back after it
      const inside = ema.withShadow(m, () => [...m.weight.toFloat32Array()]);
      assert.deepEqual(inside, [...ema.shadow.get('weight')!.toFloat32Array()]);
      assert.deepEqual([...m.weight.toFloat32Array()], STEP2.weight);
      assert.deepEqual([...m.runningVar.toFloat32Array()], STEP2.running_var);
    } finally {
      ema.dispose();
      m.dispose();
    }
  });
}

test('EMA config: decay in (0, 1); the warm-up needs the EMA', () => {
  assert.equal(resolveBackboneConfig({}).ema, undefined, 'off by default');
  assert.equal(resolveBackboneConfig({ ema: 0.999, emaWarmup: true }).ema, 0.999);
  assert.throws(() => resolveBackboneConfig({ ema: 1 }), /ema/);
  assert.throws(() => resolveBackboneConfig({ emaWarmup: true }), /emaWarmup: .*needs 'ema'/);
});

const saved = (run: string) => readSafetensors(runPaths(run).model).tensors;
const bytes = (e: { data: ArrayBufferView }) =>
  Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);

test('EMA on: the saved backbone is the average (it differs from the plain run); a time-limited run resumes to the same weights', () => {
  const ema = { ...tinyConfig(3), ema: 0.9, emaWarmup: true };
  const plain = tmp('qmri-ema-plain-');
  const full = tmp('qmri-ema-full-');
  const cut = tmp('qmri-ema-cut-');
  trainBackboneOnData(plain, tinyData(), tinyConfig(3), { augment: flipHalf });
  const a = trainBackboneOnData(full, tinyData(), ema, { augment: flipHalf });
  const wp = saved(plain);
  const wa = saved(full);
  assert.ok(
    [...wa].some(([k, e]) => !bytes(e).equals(bytes(wp.get(k)!))),
    'the EMA run saves other weights than the plain run',
  );
  // the checkpoint holds the shadow; when the last epoch was the best, it is what was saved
  const ck = loadCheckpoint(runPaths(full).checkpoint)!;
  const shadow = [...ck.tensors.keys()].filter((k) => k.startsWith(EMA_PREFIX));
  assert.ok(shadow.length > 0, 'the checkpoint stores the EMA');
  if (a.bestEpoch === a.epochsDone - 1)
    for (const k of shadow)
      assert.ok(bytes(ck.tensors.get(k)!).equals(bytes(wa.get(k.slice(EMA_PREFIX.length))!)));

  const c1 = trainBackboneOnData(cut, tinyData(), { ...ema, timeLimitMinutes: 1e-6 }, { augment: flipHalf });
  assert.equal(c1.stopped, 'time-limit');
  const c2 = trainBackboneOnData(cut, tinyData(), ema, { augment: flipHalf });
  assert.equal(c2.resumedFrom, 1);
  assert.deepEqual(c2.test.confusion, a.test.confusion);
  const wc = saved(cut);
  for (const [k, e] of wa)
    assert.ok(bytes(e).equals(bytes(wc.get(k)!)), `weights '${k}' differ after resume`);
  const ck2 = loadCheckpoint(runPaths(cut).checkpoint)!;
  for (const k of shadow)
    assert.ok(bytes(ck.tensors.get(k)!).equals(bytes(ck2.tensors.get(k)!)), `shadow '${k}' differs`);
  // the EMA belongs to the resume settings: the plain config does not resume an EMA checkpoint
  assert.throws(
    () => trainBackboneOnData(cut, tinyData(), tinyConfig(3), { augment: flipHalf }),
    /trained with ema = 0.9/,
  );
});
