import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor, crossEntropy, noGrad, readSafetensors, tidy } from '../../src/engine/index.js';
import { DenseNet, densenet121 } from '../../src/nn/index.js';

const dir = fileURLToPath(new URL('../fixtures/densenet/', import.meta.url));
const f32 = (name: string) => {
  const b = readFileSync(dir + name);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const meta = JSON.parse(readFileSync(dir + 'meta.json', 'utf8'));
const maxAbs = (a: Float32Array, b: Float32Array) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

// measured differences are ≤ 1e-6 of the reference's largest magnitude (float32 rounding of a
// different summation order); a wrong epsilon, padding or concatenation order is far above it
const close = (a: Float32Array, ref: Float32Array, what = '') => {
  const scale = Math.max(1, ...Array.from(ref, Math.abs));
  const d = maxAbs(a, ref);
  assert.ok(d <= 1e-6 * scale, `${what}: max |diff| ${d} > ${1e-6 * scale}`);
};

function fixtureModel(): DenseNet {
  const net = new DenseNet(meta.config);
  net.loadWeights(dir + 'weights.safetensors');
  return net;
}

test('reduced DenseNet matches torchvision: pooled features and logits (eval)', () => {
  const net = fixtureModel().eval();
  const x = Tensor.from(f32('input.f32'), [2, 3, 32, 32]);
  const { pooled, logits } = noGrad(() => net.forwardAll(x));
  close(pooled.toFloat32Array(), f32('embed.f32'), 'embed.f32');
  close(logits.toFloat32Array(), f32('logits.f32'), 'logits.f32');
});

test('reduced DenseNet matches torchvision: loss, input gradient and parameter gradients', () => {
  const net = fixtureModel().eval();
  const x = Tensor.from(f32('input.f32'), [2, 3, 32, 32], { requiresGrad: true });
  const loss = crossEntropy(net.forward(x), Tensor.int64(meta.target, [2]));
  assert.ok(Math.abs(loss.item() - meta.loss) < 1e-5);
  loss.backward();
  close(x.grad!.toFloat32Array(), f32('grad_input.f32'), 'grad_input.f32');
  const expected = readSafetensors(dir + 'grads.safetensors').tensors;
  const params = net.stateDict();
  assert.equal(expected.size, 3);
  for (const [k, e] of expected) {
    const g = params.get(k)!.grad!;
    close(g.toFloat32Array(), e.data as Float32Array, k);
  }
});

test('reduced DenseNet matches torchvision: BN running statistics after a train-mode forward', () => {
  const net = fixtureModel().train();
  noGrad(() => tidy(() => net.forward(Tensor.from(f32('input.f32'), [2, 3, 32, 32]))));
  const expected = readSafetensors(dir + 'bn_after_train.safetensors').tensors;
  const own = net.stateDict();
  assert.ok(expected.size > 10);
  for (const [k, e] of expected) close(own.get(k)!.toFloat32Array(), e.data as Float32Array, k);
});

test('DenseNet121 has torchvision parameter names, shapes and 6,953,856 feature parameters', () => {
  const ref = JSON.parse(readFileSync(dir + 'densenet121_keys.json', 'utf8')) as {
    featureParameters: number;
    keys: [string, number[]][];
  };
  const net = densenet121(1000);
  const own = net.stateDict();
  const refKeys = ref.keys.filter(([k]) => !k.endsWith('num_batches_tracked'));
  assert.equal(own.size, refKeys.length);
  for (const [k, shape] of refKeys) assert.deepEqual(own.get(k)?.shape, shape, k);
  const feat = net
    .namedParameters()
    .filter(([k]) => k.startsWith('features.'))
    .reduce((a, [, p]) => a + p.numel, 0);
  assert.equal(feat, ref.featureParameters);
  assert.equal(feat, 6_953_856);
  net.dispose();
});

test('Grad-CAM capture: retained gradient of the final map and of a named earlier layer', () => {
  const net = fixtureModel().eval();
  const x = Tensor.from(f32('input.f32'), [2, 3, 32, 32]);
  const r = net.forwardAll(x, { capture: ['features', 'features.denseblock1'] });
  r.logits.narrow(1, 1, 1).sum().backward();
  const g = r.captured.get('features')!.grad!;
  assert.deepEqual(g.shape, r.featureMap.shape);
  assert.ok(g.toFloat32Array().some((v) => v !== 0));
  assert.ok(
    r.captured
      .get('features.denseblock1')!
      .grad!.toFloat32Array()
      .some((v) => v !== 0),
  );
  assert.throws(
    () => net.forwardAll(x, { capture: ['features.denseblock9'] }),
    /unknown layer 'features.denseblock9'.*valid layers/,
  );
});
