// The batch-mixing kinds: mixup blends each image with its partner by λ, cutmix pastes a box of
// area share 1−λ from the partner; λ follows Beta(α, α).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleBeta } from '../../src/data/augment/mix-draw.js';
import { Rng } from '../../src/util/rng.js';
import { PLANE, run, variance } from './augment-fixtures.js';

const N = 8;
/** image i is the constant i + 1 (all channels) */
const constants = () => new Float32Array(N * 3 * PLANE).map((_, k) => Math.floor(k / (3 * PLANE)) + 1);

test('cutmix: the share of each image taken from its partner is 1 − λ', () => {
  let checked = 0;
  for (let seed = 1; seed <= 6; seed++) {
    const { out, mix } = run({ kind: 'cutmix' }, constants(), seed);
    assert.ok(mix && mix.lambda >= 0 && mix.lambda <= 1);
    assert.deepEqual([...mix.perm].sort(), [...Array(N).keys()]);
    for (let i = 0; i < N; i++) {
      if (mix.perm[i] === i) continue;
      const img = out.subarray(i * 3 * PLANE, (i + 1) * 3 * PLANE);
      const fromPartner = img.filter((v) => v === mix.perm[i] + 1).length / img.length;
      assert.ok(Math.abs(fromPartner - (1 - mix.lambda)) < 1e-9, `seed ${seed} image ${i}`);
      assert.ok(img.every((v) => v === i + 1 || v === mix.perm[i] + 1));
      checked++;
    }
  }
  assert.ok(checked > 10);
});

test('mixup: image i becomes λ·x_i + (1 − λ)·x_perm[i]', () => {
  const { out, mix } = run({ kind: 'mixup', alpha: 1 }, constants(), 2);
  assert.ok(mix && mix.lambda > 0 && mix.lambda < 1);
  for (let i = 0; i < N; i++) {
    const want = mix.lambda * (i + 1) + (1 - mix.lambda) * (mix.perm[i] + 1);
    for (const v of out.subarray(i * 3 * PLANE, (i + 1) * 3 * PLANE)) assert.ok(Math.abs(v - want) < 1e-5);
  }
});

test('λ ~ Beta(α, α): mean 1/2, variance 1 / (4(2α + 1)), for α below and above 1', () => {
  for (const alpha of [0.4, 1, 3]) {
    const rng = new Rng(9);
    const draws = Array.from({ length: 20000 }, () => sampleBeta(rng, alpha));
    const mean = draws.reduce((a, v) => a + v, 0) / draws.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `α ${alpha}: mean ${mean}`);
    const want = 1 / (4 * (2 * alpha + 1));
    assert.ok(
      Math.abs(variance(draws) / want - 1) < 0.05,
      `α ${alpha}: variance ${variance(draws)} vs ${want}`,
    );
  }
});

test('a mixing step with p = 0 returns no mix (the loss stays plain)', () => {
  assert.equal(run({ kind: 'mixup', p: 0 }, constants()).mix, undefined);
});
