/**
 * compare.encoderNorm 'batch': the hybrid heads batch-normalise their encoder's pre-activations in
 * training, and the exported head (the norm folded into `pre`) is the same function as the trained
 * module in eval mode, in the TypeScript forward and re-imported into libtorch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdamW, Tensor, crossEntropy, manualSeed, noGrad, softmax, tidy } from '../../src/engine/index.js';
import { compareSchema, resolve } from '../../src/config/index.js';
import { headDef, headKinds, type HeadExport } from '../../src/heads/index.js';
import type { HeadModule } from '../../src/nn/index.js';

const D = 12;
const C = 3;
const opts = { qubits: 3, layers: 1, encoderNorm: 'batch' as const };

/** Features far from zero mean and unit scale, so the running statistics matter. */
function batch(seed: number, B: number) {
  manualSeed(seed);
  const x = tidy(() => Tensor.randn([B, D]).mul(3).add(5));
  const y = Tensor.int64(
    Array.from({ length: B }, (_, i) => i % C),
    [B],
  );
  return { x, y };
}

function trainSteps(head: HeadModule, sizes: number[]): void {
  const opt = new AdamW(head.parameters(), { lr: 0.05 });
  head.train();
  sizes.forEach((B, i) =>
    tidy(() => {
      const { x, y } = batch(10 + i, B);
      opt.zeroGrad();
      crossEntropy(head.forward(x), y).backward();
      opt.step();
    }),
  );
  opt.dispose();
}

const probsOf = (head: HeadModule, x: Tensor) =>
  noGrad(() => tidy(() => softmax(head.forward(x), 1).toFloat32Array()));

for (const kind of ['quantum', 'bottleneck'])
  test(`${kind} head with encoderNorm 'batch': the exported head (norm folded) is the eval-mode module`, () => {
    const def = headDef(kind);
    manualSeed(1);
    const head = def.create({ inDim: D, classes: C }, opts);
    // a batch of one row in training uses the running statistics instead of failing
    trainSteps(head, [16, 16, 1, 16, 16]);
    head.eval();
    const { x } = batch(99, 7);
    const trained = probsOf(head, x);
    const e = def.export(head) as HeadExport & {
      pre?: { weight: number[] };
      dressed?: { pre: { weight: number[] } };
    };
    const exported = def.probs(e, x.toFloat32Array(), 7, {});
    trained.forEach((p, i) =>
      assert.ok(Math.abs(p - exported[i]) < 1e-5, `prob ${i}: ${p} vs ${exported[i]}`),
    );
    const back = probsOf(def.import(e), x);
    trained.forEach((p, i) => assert.ok(Math.abs(p - back[i]) < 1e-5, `re-imported prob ${i}`));
    // the fold changed pre: the exported weights are not the raw linear layer's
    const raw = (head as unknown as { pre: { weight: Tensor } }).pre.weight.toFloat32Array();
    const out = (e.pre ?? e.dressed!.pre).weight;
    assert.ok(Math.abs(out[0] - raw[0]) > 1e-4, 'the norm was not folded into the exported encoder');
  });

test("encoderNorm defaults to 'batch', and the default config builds hybrid heads with the norm", () => {
  const cfg = resolve(compareSchema(headKinds()), {});
  assert.equal(cfg.encoderNorm, 'batch');
  for (const kind of ['quantum', 'bottleneck']) {
    const keys = [...headDef(kind).create({ inDim: D, classes: C }, cfg).stateDict().keys()];
    assert.ok(keys.includes('norm.running_var'), `${kind}: ${keys.join(', ')}`);
    const plain = [
      ...headDef(kind)
        .create({ inDim: D, classes: C }, { ...cfg, encoderNorm: 'none' })
        .stateDict()
        .keys(),
    ];
    assert.ok(!plain.some((k) => k.startsWith('norm.')), `${kind} 'none': ${plain.join(', ')}`);
  }
});
