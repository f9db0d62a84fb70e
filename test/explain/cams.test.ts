import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import sharp from 'sharp';
import { Tensor, tidy, withStableTanhGrad } from '../../src/engine/index.js';
import { openRun } from '../../src/run/index.js';
import { activations, headPathGradient, type Activations } from '../../src/explain/cam-base.js';
import { importHead, type HeadExport } from '../../src/heads/index.js';
import {
  CAM_METHODS,
  DEFAULT_CAM_OPTIONS,
  gradCam,
  hiResCam,
  integratedGradCam,
  integratedGradients,
  layerCam,
  scoreCam,
  type CamContext,
} from '../../src/explain/cams/index.js';
import { SHAP_EXPLAINERS } from '../../src/explain/shap/index.js';
import { analyzeCase, METHODS, resolveMethods } from '../../src/explain/analyze-case.js';
import { explainHeads, disposeHeads, type ExplainHead } from '../../src/explain/explain-heads.js';
import { localize, summarizeLocalization } from '../../src/explain/audit.js';
import { localizationCap } from '../../src/explain/localization-cap.js';
import { overlayPng } from '../../src/explain/overlay.js';
import { buildTinyRun, phantomCases, S } from './tiny-run.js';

const run = buildTinyRun();
const open = openRun(run);
const heads = explainHeads(open);
const [img] = phantomCases(1);
after(() => {
  disposeHeads(heads);
  open.net.dispose();
  rmSync(run, { recursive: true, force: true });
});

/** A synthetic capture: K channels on an h×w grid with the given activations and gradients. */
function synth(A: number[], dA: number[], K: number, h: number, w: number): Activations {
  const a = { layer: 'x', K, h, w, A: Float32Array.from(A), dA: Float32Array.from(dA) };
  return {
    ...a,
    targetClass: 0,
    logits: new Float64Array(1),
    probs: new Float64Array(1),
    final: { K, h, w, A: a.A, pooled: new Float32Array(K) },
    captured: new Map([['x', a]]),
  };
}

function ctxOf(h: ExplainHead, cls: number, options = {}): CamContext {
  const cache = new Map<string, Activations>();
  return {
    net: open.net,
    head: h.module,
    input: img.input,
    size: S,
    targetClass: cls,
    classes: 4,
    options: { ...DEFAULT_CAM_OPTIONS, layerCamLayers: ['features.denseblock1', 'features'], ...options },
    grads: (layer) => {
      if (!cache.has(layer))
        cache.set(
          layer,
          activations(open.net, h.module, img.input, S, { layer, targetClass: cls, classes: 4 }),
        );
      return cache.get(layer)!;
    },
    logits: (images, B) =>
      tidy(() => h.module.forward(open.net.embed(Tensor.from(images, [B, 3, S, S]))).toFloat32Array()),
  };
}

test('the registries name every method once; --methods and the config accept each of them', () => {
  const names = [...CAM_METHODS.map((m) => m.name), ...SHAP_EXPLAINERS.map((e) => e.name)];
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual([...METHODS], names);
  for (const n of names) assert.ok(resolveMethods([n]).includes(n), n);
  for (const m of CAM_METHODS) assert.ok(m.label && m.description && typeof m.compute === 'function');
  assert.throws(() => resolveMethods(['nope']), /unknown explanation method 'nope'; valid: gradcam/);
});

test('analytic CAMs on a 2-channel 2×2 capture: Grad-CAM averages the gradient, HiResCAM does not, LayerCAM keeps positive gradients', () => {
  // channel 0 lights the left column, channel 1 the top-right cell; gradients vary by position
  const A = [1, 0, 1, 0, 0, 2, 0, 0];
  const dA = [1, -3, 1, -3, -1, -1, -1, -1];
  const a = synth(A, dA, 2, 2, 2);
  // Grad-CAM weights: mean(dA_0) = −1, mean(dA_1) = −1 → −A_0 − A_1 < 0 everywhere → empty
  assert.deepEqual(Array.from(gradCam(a, 2).raw), [0, 0, 0, 0]);
  // HiResCAM: Σ_k dA⊙A = [1, −2, 1, 0] → ReLU
  assert.deepEqual(Array.from(hiResCam(a, 2).raw), [1, 0, 1, 0]);
  // LayerCAM: Σ_k ReLU(dA)·A = [1, 0, 1, 0]
  const l = layerCam([a.captured.get('x')!], 2);
  assert.deepEqual(Array.from(l.raw), [1, 0, 1, 0]);
  assert.deepEqual([l.h, l.w], [2, 2]);
});

test('LayerCAM fuses layers of different resolution on the finest grid', () => {
  const h = heads[0];
  const c = ctxOf(h, 1);
  const coarse = c.grads('features');
  const fine = c.grads('features.denseblock1');
  assert.ok(fine.h > coarse.h);
  const m = layerCam([coarse, fine], S);
  assert.deepEqual([m.h, m.w], [fine.h, fine.w]);
  assert.equal(m.raw.length, fine.h * fine.w);
  assert.ok(m.map.every((v) => v >= 0 && v <= 1));
});

test('Grad-CAM at any layer: every CAM method gives a [0, 1] map through every head, at the final block and a transition layer', () => {
  for (const h of heads)
    for (const layer of ['features', 'features.transition1']) {
      const c = ctxOf(h, 2, { layer, igSteps: 4, scoreCamBatch: 64 });
      for (const m of CAM_METHODS) {
        const r = m.compute(c);
        assert.equal(r.map.length, S * S, `${h.name} ${m.name}`);
        assert.equal(r.raw.length, r.h * r.w);
        assert.ok(
          r.map.every((v) => v >= 0 && v <= 1 && Number.isFinite(v)),
          `${h.name} ${m.name} ${layer}`,
        );
      }
    }
});

test('Score-CAM is gradient-free and non-empty through any head (the circuit included): weights are a softmax of masked-input logits', () => {
  for (const h of heads) {
    const m = scoreCam(ctxOf(h, 0));
    assert.ok(
      m.raw.some((v) => v > 0),
      `${h.name}: positive weights on non-negative feature maps cannot give an empty map`,
    );
  }
});

test('Integrated Gradients through the engine is complete: Σ IG ≈ logit(x) − logit(0)', () => {
  for (const h of heads) {
    const cls = 3;
    const c = ctxOf(h, cls, { igSteps: 64 });
    const ig = integratedGradients(c);
    const total = ig.reduce((s, v) => s + v, 0);
    const zero = new Float32Array(img.input.length);
    const both = new Float32Array(2 * img.input.length);
    both.set(img.input);
    both.set(zero, img.input.length);
    const l = c.logits(both, 2);
    const diff = l[cls] - l[4 + cls];
    assert.ok(
      Math.abs(total - diff) <= 0.01 * Math.abs(diff) + 1e-4,
      `${h.name}: Σ IG ${total} vs Δlogit ${diff}`,
    );
  }
});

/** log softmax(head(f))[c] of one pooled feature row, without gradients. */
function logProb(head: ExplainHead['module'], f: Float32Array, c: number): number {
  return tidy(
    () =>
      head
        .forward(Tensor.from(f, [1, f.length]))
        .logSoftmax(1)
        .toFloat32Array()[c],
  );
}

test('Integrated Grad-CAM is complete through every head: Σ_k weight_k·f_k ≈ log p(f) − log p(0)', () => {
  for (const h of heads) {
    const c = ctxOf(h, 1);
    const f = c.grads('features').final.pooled;
    const w = headPathGradient(h.module, f, 1, 256);
    const total = w.reduce((s, v, k) => s + v * f[k], 0);
    const diff = logProb(h.module, f, 1) - logProb(h.module, new Float32Array(f.length), 1);
    assert.ok(Math.abs(total - diff) <= 0.01 * Math.abs(diff) + 1e-4, `${h.name}: ${total} vs ${diff}`);
  }
});

test('a saturated tanh encoder empties Grad-CAM but not Integrated Grad-CAM', () => {
  // two pooled features on a 1×2 grid (channel k lights cell k), f = (0.5, 0.5); a bottleneck head
  // whose unit A = tanh(100·(f₀+f₁) − 50) is saturated at f and unit B = tanh(−(f₀+f₁)) is not:
  // the gradient at f is B's alone (negative), but A's switch from −1 to +1 on the way from zero
  // features raises class 1's logit 10·tanh(tanh A + tanh B) far more than B lowers it
  const lin = (inDim: number, outDim: number, weight: number[], bias: number[]) => ({
    inDim,
    outDim,
    weight,
    bias,
  });
  const e = {
    kind: 'bottleneck',
    classes: 2,
    inDim: 2,
    n: 2,
    hiddenSize: 1,
    pre: lin(2, 2, [100, 100, -1, -1], [-50, 0]),
    hidden: lin(2, 1, [1, 1], [0]),
    post: lin(1, 2, [0, 10], [0, 0]),
  } as HeadExport;
  const head = importHead(e);
  const a = { ...synth([1, 0, 0, 1], [0, 0, 0, 0], 2, 1, 2), targetClass: 1 };
  a.final = { ...a.final, pooled: Float32Array.from([0.5, 0.5]) };
  // Grad-CAM's channel weights: the stable-tanh gradient of logit 1 at f (identical per channel)
  const g = tidy(() => {
    const x = Tensor.from(a.final.pooled, [1, 2]).setRequiresGrad(true);
    withStableTanhGrad(() => head.forward(x))
      .narrow(1, 1, 1)
      .sum()
      .backward();
    return x.grad!.toFloat32Array();
  });
  assert.ok(g[0] < 0 && g[1] < 0, `the gradient at f is negative (${g})`);
  a.dA = Float32Array.from([g[0] / 2, g[0] / 2, g[1] / 2, g[1] / 2]);
  assert.ok(
    gradCam(a, 2).raw.every((v) => v === 0),
    'Grad-CAM is empty',
  );
  const ctx = { ...ctxOf(heads[0], 1), head, size: 2, classes: 2, grads: () => a } as CamContext;
  const m = integratedGradCam(ctx);
  assert.ok(
    m.raw.every((v) => v > 0),
    `Integrated Grad-CAM is positive on both cells (${Array.from(m.raw)})`,
  );
  head.dispose();
});

test('a saturated tanh unit keeps its gradient under withStableTanhGrad (float32 1 − tanh² is exactly 0)', () => {
  const grad = (stable: boolean) =>
    tidy(() => {
      const x = Tensor.from([12, -12, 0.5], [3], { requiresGrad: true });
      const y = stable ? withStableTanhGrad(() => x.tanh()) : x.tanh();
      y.sum().backward();
      return { g: Array.from(x.grad!.toFloat32Array()), y: Array.from(y.toFloat32Array()) };
    });
  const plain = grad(false);
  const stable = grad(true);
  assert.equal(plain.g[0], 0, 'libtorch float32: the saturated derivative underflows to zero');
  const sech2 = (v: number) => 1 / Math.cosh(v) ** 2;
  for (const [i, v] of [12, -12, 0.5].entries()) {
    assert.ok(Math.abs(stable.g[i] - sech2(v)) <= 1e-4 * sech2(v), `x=${v}: ${stable.g[i]} vs ${sech2(v)}`);
    assert.ok(Math.abs(stable.y[i] - Math.tanh(v)) < 1e-6);
  }
});

test('pointing takes the peak from the raw cells; tolerance and the perfect-map cap at that resolution', () => {
  const N = 8;
  // raw 2×2: the two left cells tie; upsampled, an interpolation artefact could pick either
  const raw = Float64Array.from([1, 0, 1, 0]);
  const map = new Float32Array(N * N).fill(0.1);
  map[N * N - 1] = 1; // the upsampled peak lies bottom-right, far from the raw peak
  const box: [number, number, number, number] = [0, 0, 0.4, 0.4];
  const l = localize(map, N, box, { grid: { raw, h: 2, w: 2 }, tolerance: 0.2 });
  assert.equal(l.pointing, true, 'raw cell 0 (centre 0.25, 0.25) lies in the box');
  // a box between cell centres: exact misses, tolerance catches it
  const b2: [number, number, number, number] = [0.3, 0.3, 0.45, 0.45];
  const l2 = localize(map, N, b2, { grid: { raw, h: 2, w: 2 }, tolerance: 0.1 });
  assert.equal(l2.pointing, false);
  assert.equal(l2.pointingTol, true);
  assert.equal(localize(map, N, b2, { grid: { raw, h: 2, w: 2 }, tolerance: null }).pointingTol, null);
  // the cap: no 2×2 cell centre inside b2; at pixel resolution a perfect map is all inside
  const cap = localizationCap(2, 2, N, b2, 0.1);
  assert.equal(cap.pointing, false);
  assert.equal(cap.pointingTol, true);
  assert.ok(cap.energyInBox > 0 && cap.energyInBox < 1);
  assert.equal(localizationCap(N, N, N, b2, 0).energyInBox, 1);
  const s = summarizeLocalization([l, { ...l2, cap }, { pointing: null, energyInBox: null, empty: true }]);
  assert.equal(s.empty, 1);
  assert.ok(Math.abs(s.emptyFraction! - 1 / 3) < 1e-12);
  assert.equal(s.scored, 2, 'the empty map is not scored');
  assert.equal(s.pointingGame, 0.5);
});

test('overlays draw the tumor box; analyzeCase localises every map it returns', async () => {
  const box: [number, number, number, number] = [0.25, 0.25, 0.75, 0.75];
  const map = new Float32Array(S * S);
  const plain = await overlayPng(img.display, map, S, { scale: 1 });
  const boxed = await overlayPng(img.display, map, S, { scale: 1, box });
  const px = async (png: Buffer, x: number, y: number) => {
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const o = (y * info.width + x) * info.channels;
    return [data[o], data[o + 1], data[o + 2]];
  };
  const onEdge = await px(boxed, Math.round(0.5 * S), Math.round(0.25 * S));
  assert.notDeepEqual(onEdge, await px(plain, Math.round(0.5 * S), Math.round(0.25 * S)));
  assert.ok(onEdge[1] > 150 && onEdge[0] < 100, `green outline, got ${onEdge}`);
  const a = await analyzeCase(open, img, {
    methods: ['gradcam', 'hirescam', 'layercam'],
    layerCamLayers: ['features.denseblock1', 'features'],
    png: false,
  });
  for (const m of a.models) {
    assert.deepEqual(Object.keys(m.maps), ['gradcam', 'hirescam', 'layercam']);
    for (const k of Object.keys(m.maps)) assert.ok(m.localization[k], `${m.name} ${k}`);
  }
  // LayerCAM's layers are captured in the main layer's gradient pass: the maps of a pass per layer
  const cls = a.models[0].predicted;
  a.models.forEach((m, i) => {
    assert.equal(m.name, heads[i].name);
    const passes = ['features.denseblock1', 'features'].map((layer) =>
      activations(open.net, heads[i].module, img.input, S, {
        layer,
        targetClass: cls,
        classes: heads[i].head.classes,
      }),
    );
    const ref = layerCam(passes, S).raw;
    const got = m.maps.layercam.raw;
    assert.equal(got.length, ref.length);
    ref.forEach((v, p) => assert.ok(Math.abs(v - got[p]) <= 1e-6 * (1 + Math.abs(v)), `${m.name} cell ${p}`));
  });
});
