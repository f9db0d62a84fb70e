/**
 * The backbone's compute options (DenseNet.setCompute): bf16 autocast gives a finite forward and
 * backward close to float32 (bf16 has an 8-bit mantissa: relative error ~2^-8 per op, compounded
 * over the layers), leaves autocast off afterwards and keeps the head and the returned features in
 * float32; channels-last gives the float32 result to float32 rounding (only the summation order of
 * the convolutions changes) and keeps the parameters' values, leaf status and optimizer working.
 * Tolerances: bf16 — logits within 5% of their largest, the whole gradient at cosine ≥ 0.97 and
 * relative L2 error ≤ 0.25 from float32, each tensor at cosine ≥ 0.95; channels-last — every
 * gradient within 1e-4 of its largest. Exception, norm0 (the batch norm after the stem): every path
 * from it passes through another batch norm, so the loss is invariant to norm0's scale and its
 * weight gradient is rounding noise about zero in every mode (its bias nearly so): left out of the
 * per-tensor checks, still in the whole-gradient ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AdamW,
  Tensor,
  autocastEnabled,
  crossEntropy,
  manualSeed,
  setNumThreads,
  tidy,
  withAutocast,
  conv2d,
} from '../../src/engine/index.js';
import { DenseNet, type ComputeOptions } from '../../src/nn/index.js';
import { Rng } from '../../src/util/rng.js';

setNumThreads(2);
const CFG = { growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, numClasses: 4 };
const N = 4;
const S = 48;
const rng = new Rng(3);
const x = Float32Array.from({ length: N * 3 * S * S }, () => rng.normal());
const y = [0, 1, 2, 3];

/** logits and every parameter's gradient after one forward/backward of a seeded model. */
function run(opts: ComputeOptions): { logits: Float32Array; grads: Float32Array[]; names: string[] } {
  manualSeed(11);
  const net = new DenseNet(CFG).setCompute(opts);
  net.train();
  try {
    return tidy(() => {
      const logits = net.forward(Tensor.from(x, [N, 3, S, S]));
      assert.equal(logits.dtype, 'float32', 'the head works in float32');
      crossEntropy(logits, Tensor.int64(y, [N])).backward();
      const named = net.namedParameters();
      return {
        logits: logits.toFloat32Array(),
        grads: named.map(([, p]) => p.grad!.toFloat32Array()),
        names: named.map(([n]) => n),
      };
    });
  } finally {
    net.dispose();
  }
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
};
const flat = (gs: Float32Array[]) => {
  const out = new Float32Array(gs.reduce((n, g) => n + g.length, 0));
  let o = 0;
  for (const g of gs) {
    out.set(g, o);
    o += g.length;
  }
  return out;
};
const scaleInvariant = (name: string) => name.startsWith('features.norm0.');

/** max |a − b| / max |b| over the tensor */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0,
    m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / (m || 1);
}

const fp32 = run({});

test('bf16 autocast: finite gradients close to float32 (tolerances in the header)', () => {
  const bf = run({ bf16: true });
  assert.equal(autocastEnabled(), false, 'autocast is off again after the forward');
  assert.ok(relErr(bf.logits, fp32.logits) < 0.05, `logits ${relErr(bf.logits, fp32.logits)}`);
  assert.ok(relErr(bf.logits, fp32.logits) > 1e-5, 'bf16 really ran (its rounding shows)');
  bf.grads.forEach((g, k) => {
    assert.ok(
      g.every((v) => Number.isFinite(v)),
      `${bf.names[k]}: finite`,
    );
    if (scaleInvariant(bf.names[k])) return;
    const c = cosine(g, fp32.grads[k]);
    assert.ok(c >= 0.95, `${bf.names[k]}: cosine ${c.toFixed(4)}`);
  });
  const [a, b] = [flat(bf.grads), flat(fp32.grads)];
  assert.ok(cosine(a, b) >= 0.97, `whole gradient: cosine ${cosine(a, b)}`);
  const l2 = Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));
  assert.ok(l2 <= 0.25, `whole gradient: relative L2 error ${l2}`);
});

test('channels-last: the float32 result to 1e-4, parameters laid out NHWC, values unchanged', () => {
  const cl = run({ channelsLast: true });
  assert.ok(relErr(cl.logits, fp32.logits) < 1e-4, `logits ${relErr(cl.logits, fp32.logits)}`);
  cl.grads.forEach((g, k) => {
    if (scaleInvariant(cl.names[k])) return;
    assert.ok(relErr(g, fp32.grads[k]) < 1e-4, `${cl.names[k]}: ${relErr(g, fp32.grads[k])}`);
  });
  assert.ok(cosine(flat(cl.grads), flat(fp32.grads)) > 0.99999);
  manualSeed(11);
  const a = new DenseNet(CFG);
  manualSeed(11);
  const b = new DenseNet(CFG);
  const w = b.features.stateDict().get('conv0.weight')!;
  const before = w.toFloat32Array();
  b.setCompute({ channelsLast: true });
  assert.ok(w.isChannelsLast, 'conv weights re-laid out in place');
  assert.ok(w.requiresGrad);
  assert.deepEqual(w.toFloat32Array(), before, 'same values');
  // an optimizer step on the channels-last model matches the contiguous one
  for (const net of [a, b]) {
    const opt = new AdamW(net.parameters(), { lr: 1e-2 });
    tidy(() => {
      crossEntropy(net.forward(Tensor.from(x, [N, 3, S, S])), Tensor.int64(y, [N])).backward();
      opt.step();
    });
  }
  const wa = a.features.stateDict().get('conv0.weight')!.toFloat32Array();
  assert.ok(relErr(w.toFloat32Array(), wa) < 1e-4);
  assert.throws(() => b.setCompute({ channelsLast: false }), /cannot be turned off/);
  a.dispose();
  b.dispose();
});

test('withAutocast: convolutions in bf16 inside, float32 outside, restored when fn throws', () => {
  tidy(() => {
    const inp = Tensor.from(x.subarray(0, 3 * S * S), [1, 3, S, S]);
    const w = Tensor.from(
      Float32Array.from({ length: 8 * 27 }, () => rng.normal()),
      [8, 3, 3, 3],
    );
    assert.equal(withAutocast('bfloat16', () => conv2d(inp, w, null)).dtype, 'bfloat16');
    assert.equal(conv2d(inp, w, null).dtype, 'float32');
    assert.throws(() =>
      withAutocast('bfloat16', () => {
        throw new Error('boom');
      }),
    );
    assert.equal(autocastEnabled(), false);
  });
});
