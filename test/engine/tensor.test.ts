import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adam,
  AdamW,
  SGD,
  Tensor,
  crossEntropy,
  interpolateBilinear,
  linear,
  memory,
  noGrad,
  tidy,
  keep,
  manualSeed,
  getRngState,
  setRngState,
} from '../../src/engine/index.js';

test('round trip through typed arrays keeps values and shape', () => {
  const t = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(Array.from(t.toFloat32Array()), [1, 2, 3, 4, 5, 6]);
  const i = Tensor.int64([3, -1], [2]);
  assert.deepEqual(Array.from(i.toInt64Array()), [3n, -1n]);
  assert.deepEqual(t.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
});

test('autograd: d/dx sum(x²) = 2x, and backward(gradient) gives the vector-Jacobian product', () => {
  const x = Tensor.from([1, -2, 3], [3], { requiresGrad: true });
  x.mul(x).sum().backward();
  assert.deepEqual(Array.from(x.grad!.toFloat32Array()), [2, -4, 6]);
  const z = Tensor.from([0.5, 1, 2], [3], { requiresGrad: true });
  const y = z.exp();
  y.backward(Tensor.from([1, 0, 2], [3]));
  const g = z.grad!.toFloat32Array();
  [Math.exp(0.5), 0, 2 * Math.exp(2)].forEach((v, k) => assert.ok(Math.abs(g[k] - v) < 1e-5));
});

test('softmax / cross entropy with class weights and label smoothing match the formulas', () => {
  const logits = Tensor.from([2, 0, -1, 0.5, 0.5, 3], [2, 3]);
  const target = Tensor.int64([0, 2], [2]);
  const p = logits.softmax(1).toFloat32Array();
  const lp = (r: number, c: number) => Math.log(p[r * 3 + c]);
  const plain = -(lp(0, 0) + lp(1, 2)) / 2;
  assert.ok(Math.abs(crossEntropy(logits, target).item() - plain) < 1e-6);
  const w = [2, 1, 0.5];
  const weighted = -(w[0] * lp(0, 0) + w[2] * lp(1, 2)) / (w[0] + w[2]);
  assert.ok(Math.abs(crossEntropy(logits, target, { weight: Tensor.from(w, [3]) }).item() - weighted) < 1e-6);
  const eps = 0.1;
  const smooth =
    [0, 1].reduce((acc, r) => {
      const t = r === 0 ? 0 : 2;
      let s = 0;
      for (let c = 0; c < 3; c++) s += -((c === t ? 1 - eps : 0) + eps / 3) * lp(r, c);
      return acc + s;
    }, 0) / 2;
  assert.ok(Math.abs(crossEntropy(logits, target, { labelSmoothing: eps }).item() - smooth) < 1e-6);
});

test('libtorch errors become JavaScript errors with the message; the process survives', () => {
  const a = Tensor.zeros([2, 3]);
  assert.throws(() => a.matmul(Tensor.zeros([2, 3])), /cannot be multiplied/);
  assert.throws(() => crossEntropy(a, Tensor.from([0, 1], [2])), /target must be int64/);
  assert.throws(() => Tensor.from(new Float32Array(5), [2, 3]), /5 elements but shape needs 6/);
  assert.throws(() => Tensor.from([1], [-1]), /invalid shape/);
  assert.throws(() => a.reshape([7]), /invalid for input of size 6/);
  assert.throws(() => Tensor.from([1, 2], [2]).backward(), /does not require grad/);
  a.dispose();
  assert.throws(() => a.shape, /used after dispose/);
  const nan = Tensor.from([1, NaN], [2]);
  assert.equal(nan.isFinite(), false);
  assert.equal(Tensor.from([1, 2], [2]).isFinite(), true);
});

test('tidy frees everything but the result; noGrad records no graph', () => {
  const before = memory().tensors;
  const kept = tidy(() => {
    const a = Tensor.ones([10]);
    const b = a.add(1).mul(3);
    keep(Tensor.zeros([1])).dispose();
    return { b, list: [b.sum()] };
  });
  assert.equal(memory().tensors, before + 2);
  kept.b.dispose();
  kept.list[0].dispose();
  assert.equal(memory().tensors, before);
  const x = Tensor.from([1, 2], [2], { requiresGrad: true });
  const y = noGrad(() => x.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.throws(
    () =>
      tidy(() => {
        Tensor.ones([1]);
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(memory().tensors, before + 2);
});

test('optimizers: SGD step is p − lr·g; AdamW state round-trips bit-exactly', () => {
  const p = Tensor.from([1, 2], [2], { requiresGrad: true });
  const sgd = new SGD([p], { lr: 0.5 });
  p.mul(p).sum().backward();
  sgd.step();
  assert.deepEqual(Array.from(p.toFloat32Array()), [0, 0]);

  manualSeed(3);
  const mk = () => Tensor.randn([4, 3], { requiresGrad: true });
  const x = Tensor.randn([5, 3]);
  const t = Tensor.int64([0, 1, 2, 3, 0], [5]);
  const run = (w: Tensor, opt: AdamW, steps: number) => {
    for (let i = 0; i < steps; i++)
      tidy(() => {
        opt.zeroGrad();
        crossEntropy(linear(x, w), t).backward();
        opt.step();
      });
  };
  const w0 = mk().detach().toFloat32Array();
  const a = Tensor.from(w0, [4, 3], { requiresGrad: true });
  const oa = new AdamW([a], { lr: 0.05 });
  run(a, oa, 6);
  const b = Tensor.from(w0, [4, 3], { requiresGrad: true });
  const ob = new AdamW([b], { lr: 0.05 });
  run(b, ob, 3);
  const state = ob.stateBytes();
  const c = Tensor.from(b.toFloat32Array(), [4, 3], { requiresGrad: true });
  const oc = new AdamW([c], { lr: 0.05 });
  oc.loadStateBytes(state);
  run(c, oc, 3);
  assert.deepEqual(Array.from(c.toFloat32Array()), Array.from(a.toFloat32Array()));
  assert.throws(() => new AdamW([], { lr: 0.1 }), /no parameters/);
  assert.throws(() => oa.setLr(NaN), /invalid learning rate/);
});

test('RNG state restores the same random stream', () => {
  manualSeed(11);
  const s = getRngState();
  const a = Tensor.randn([5]).toFloat32Array();
  setRngState(s);
  assert.deepEqual(Tensor.randn([5]).toFloat32Array(), a);
});

test('bilinear interpolation (align_corners = false) matches the half-pixel formula', () => {
  const x = Tensor.from([0, 1, 2, 3], [1, 1, 2, 2]);
  const y = interpolateBilinear(x, [4, 4]).toFloat32Array();
  // output pixel i samples input coordinate (i + 0.5)/2 − 0.5, clamped to [0, 1]
  const src = (i: number) => Math.min(1, Math.max(0, (i + 0.5) / 2 - 0.5));
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      const v = 2 * src(r) + src(c); // f(r, c) = 2r + c is bilinear, so interpolation is exact
      assert.ok(Math.abs(y[r * 4 + c] - v) < 1e-6, `(${r}, ${c})`);
    }
});

test('SGD with momentum and Nesterov follows the PyTorch update rule', () => {
  for (const nesterov of [false, true]) {
    const p = Tensor.from([1], [1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov });
    let v = 0;
    let ref = 1;
    for (let i = 0; i < 3; i++) {
      tidy(() => {
        opt.zeroGrad();
        p.mul(p).sum().backward(); // g = 2p
        opt.step();
      });
      const g = 2 * ref;
      v = i === 0 ? g : 0.9 * v + g;
      ref -= 0.1 * (nesterov ? g + 0.9 * v : v);
      assert.ok(Math.abs(p.item() - ref) < 1e-6, `step ${i} nesterov=${nesterov}`);
    }
  }
});

test('Adam and AdamW follow the PyTorch update rules (bias correction; L2 vs decoupled decay)', () => {
  // f(p) = p², g = 2p; PyTorch: Adam adds wd·p to g; AdamW multiplies p by (1 − lr·wd) first
  const lr = 0.1;
  const [b1, b2, eps, wd] = [0.9, 0.999, 1e-8, 0.05];
  for (const kind of ['adam', 'adamw'] as const) {
    const p = Tensor.from([1.5], [1], { requiresGrad: true });
    const opts = { lr, betas: [b1, b2] as [number, number], eps, weightDecay: wd };
    const opt = kind === 'adam' ? new Adam([p], opts) : new AdamW([p], opts);
    let ref = 1.5;
    let m = 0;
    let v = 0;
    for (let t = 1; t <= 5; t++) {
      tidy(() => {
        opt.zeroGrad();
        p.mul(p).sum().backward();
        opt.step();
      });
      let g = 2 * ref;
      if (kind === 'adam') g += wd * ref;
      else ref *= 1 - lr * wd;
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const mh = m / (1 - b1 ** t);
      const vh = v / (1 - b2 ** t);
      ref -= (lr * mh) / (Math.sqrt(vh) + eps);
      assert.ok(Math.abs(p.item() - ref) < 1e-6, `${kind} step ${t}: ${p.item()} vs ${ref}`);
    }
  }
});
