import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, linear, manualSeed } from '../../src/engine/index.js';
import { ExternalFunction, Linear } from '../../src/nn/index.js';

// A toy "external" layer computed in TypeScript: q_i = sin(a ⊙ z)_i with its own weight vector a.
function sinLayer(a: Tensor) {
  let lastZ: Float32Array = new Float32Array(0);
  let lastShape: number[] = [];
  return new ExternalFunction({
    forward(z, shape) {
      lastZ = z;
      lastShape = shape;
      const w = a.toFloat32Array();
      const d = shape[1];
      return { output: z.map((v, i) => Math.sin(w[i % d] * v)), outputShape: shape };
    },
    vjp(g) {
      const w = a.toFloat32Array();
      const d = lastShape[1];
      const gz = new Float32Array(g.length);
      const ga = new Float32Array(d);
      for (let i = 0; i < g.length; i++) {
        const c = Math.cos(w[i % d] * lastZ[i]);
        gz[i] = g[i] * c * w[i % d];
        ga[i % d] += g[i] * c * lastZ[i];
      }
      return { gradInput: gz, paramGrads: [{ param: a, grad: ga }] };
    },
  });
}

test('ExternalFunction: gradients through a TypeScript layer match finite differences', () => {
  manualSeed(5);
  const pre = new Linear(3, 2);
  const a = Tensor.from([0.7, -1.3], [2], { requiresGrad: true });
  const x = Tensor.randn([4, 3]);
  const post = Tensor.from([0.5, -2, 1.5, 0.25], [2, 2]);
  const lossOf = (): { loss: Tensor; f: ExternalFunction } => {
    const f = sinLayer(a);
    const q = f.forward(pre.forward(x));
    return { loss: linear(q, post).pow(2).sum(), f };
  };
  const { loss, f } = lossOf();
  loss.backward();
  f.backward();
  const gW = pre.weight.grad!.toFloat32Array();
  const gA = a.grad!.toFloat32Array();
  const h = 1e-2;
  const numeric = (t: Tensor, i: number) => {
    const base = t.toFloat32Array();
    const plus = Float32Array.from(base);
    plus[i] += h;
    const minus = Float32Array.from(base);
    minus[i] -= h;
    t.copy_(Tensor.from(plus, t.shape));
    const lp = lossOf().loss.item();
    t.copy_(Tensor.from(minus, t.shape));
    const lm = lossOf().loss.item();
    t.copy_(Tensor.from(base, t.shape));
    return (lp - lm) / (2 * h);
  };
  for (let i = 0; i < 6; i++)
    assert.ok(Math.abs(gW[i] - numeric(pre.weight, i)) < 2e-2 * Math.max(1, Math.abs(gW[i])), `W[${i}]`);
  for (let i = 0; i < 2; i++)
    assert.ok(Math.abs(gA[i] - numeric(a, i)) < 2e-2 * Math.max(1, Math.abs(gA[i])), `a[${i}]`);
});
