import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, linear, manualSeed, noGrad } from '../../src/engine/index.js';
import { ExternalFunction, Linear, type ExternalImpl } from '../../src/nn/index.js';

// A toy "external" layer computed in TypeScript: q_i = sin(a ⊙ z)_i with its own weight vector a.
function sinImpl(a: Tensor): ExternalImpl {
  let lastZ: Float32Array = new Float32Array(0);
  let lastShape: number[] = [];
  return {
    params: [a],
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
      return { gradInput: gz, gradParams: [ga] };
    },
  };
}
const sinLayer = (a: Tensor) => new ExternalFunction(sinImpl(a));

test('ExternalFunction: gradients through a TypeScript layer match finite differences', () => {
  manualSeed(5);
  const pre = new Linear(3, 2);
  const a = Tensor.from([0.7, -1.3], [2], { requiresGrad: true });
  const x = Tensor.randn([4, 3]);
  const post = Tensor.from([0.5, -2, 1.5, 0.25], [2, 2]);
  const lossOf = (): { loss: Tensor } => {
    const q = sinLayer(a).forward(pre.forward(x));
    return { loss: linear(q, post).pow(2).sum() };
  };
  lossOf().loss.backward(); // no extra call: the external function is an autograd node
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

test('ExternalFunction: gradients equal the two-phase computation (leaf output, VJP, z.backward) exactly', () => {
  manualSeed(7);
  const pre = new Linear(3, 2);
  const a = Tensor.from([0.4, 2.1], [2], { requiresGrad: true });
  const x = Tensor.randn([5, 3]);
  const post = Tensor.from([1.5, -0.5, 0.75, 2], [2, 2]);
  // through the autograd node, twice (gradients accumulate)
  for (let k = 0; k < 2; k++)
    linear(sinLayer(a).forward(pre.forward(x)), post)
      .pow(2)
      .sum()
      .backward();
  const node = {
    w: pre.weight.grad!.toFloat32Array(),
    b: pre.bias!.grad!.toFloat32Array(),
    a: a.grad!.toFloat32Array(),
  };
  // by hand: the output as a leaf, its gradient through the VJP, then z.backward(∂loss/∂z)
  for (const t of [pre.weight, pre.bias!, a]) t.zeroGrad();
  for (let k = 0; k < 2; k++) {
    const f = sinImpl(a);
    const z = pre.forward(x);
    const { output, outputShape } = f.forward(z.toFloat32Array(), z.shape);
    const q = Tensor.from(output, outputShape, { requiresGrad: true });
    q.retainGrad();
    linear(q, post).pow(2).sum().backward();
    const v = f.vjp(q.grad!.toFloat32Array());
    const prev = a.grad;
    const add = Tensor.from(v.gradParams![0], [2]);
    a.setGrad(prev ? prev.add(add) : add);
    z.backward(Tensor.from(v.gradInput, z.shape));
  }
  assert.deepEqual(pre.weight.grad!.toFloat32Array(), node.w);
  assert.deepEqual(pre.bias!.grad!.toFloat32Array(), node.b);
  assert.deepEqual(a.grad!.toFloat32Array(), node.a);
});

test('ExternalFunction: a failing VJP surfaces as an Error from backward(), and no graph is made under noGrad', () => {
  const a = Tensor.from([1, 1], [2], { requiresGrad: true });
  const z = Tensor.from([0.5, 0.25], [1, 2], { requiresGrad: true });
  const bad = new ExternalFunction({
    params: [a],
    forward: (v, shape) => ({ output: v, outputShape: shape }),
    vjp: () => {
      throw new Error('circuit exploded');
    },
  });
  assert.throws(() => bad.forward(z).sum().backward(), /circuit exploded/);
  const short = new ExternalFunction({
    params: [a],
    forward: (v, shape) => ({ output: v, outputShape: shape }),
    vjp: () => ({ gradInput: new Float32Array(1), gradParams: [new Float32Array(2)] }),
  });
  assert.throws(() => short.forward(z).sum().backward(), /gradInput has 1 values, expected 2/);
  assert.equal(noGrad(() => short.forward(z)).requiresGrad, false);
});
