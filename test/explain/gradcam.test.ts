import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dressedHeadForward } from '../../src/quantum/index.js';
import { circuitParams, type LinearExport } from '../../src/heads/index.js';
import { openRun } from '../../src/run/index.js';
import { activations } from '../../src/explain/cam-base.js';
import { explainHeads, disposeHeads } from '../../src/explain/explain-heads.js';
import { gradCam, gradCamPlusPlus } from '../../src/explain/cams/index.js';
import { shapCam } from '../../src/explain/shap-cam.js';
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

test('the hybrid model backpropagates through the circuit: the captured gradient equals finite differences of the plain-array head', () => {
  const hybrid = heads.find((h) => h.name === 'hybrid')!;
  const cls = 2;
  const a = activations(open.net, hybrid.module, img.input, S, {
    layer: 'features',
    targetClass: cls,
    classes: 4,
  });
  const hw = a.h * a.w;
  const p = circuitParams(hybrid.head);
  const logit = (x: Float64Array) => dressedHeadForward(p, x).logits[cls];
  const x0 = Float64Array.from(a.final.pooled);
  let checked = 0;
  let nonzero = 0;
  for (let k = 0; k < a.K; k += 3) {
    // dA at every position of channel k is (1/hw)·∂logit/∂pooled_k where the ReLU output is positive
    let g = 0;
    for (let q = 0; q < hw; q++) g += a.dA[k * hw + q];
    const eps = 1e-4;
    const xp = Float64Array.from(x0);
    const xm = Float64Array.from(x0);
    xp[k] += eps;
    xm[k] -= eps;
    const fd = (logit(xp) - logit(xm)) / (2 * eps);
    assert.ok(
      Math.abs(g - fd) <= 1e-3 * Math.max(1, Math.abs(fd)),
      `channel ${k}: autograd ${g}, finite differences ${fd}`,
    );
    checked++;
    if (Math.abs(fd) > 1e-6) nonzero++;
  }
  assert.ok(checked > 3 && nonzero > 3, 'the gradient through the circuit is not trivially zero');
});

test('Grad-CAM and Grad-CAM++ maps for both models, at the final block and an earlier layer, for every class', () => {
  for (const h of heads)
    for (const layer of ['features', 'features.denseblock1'])
      for (let cls = 0; cls < 4; cls++) {
        const a = activations(open.net, h.module, img.input, S, { layer, targetClass: cls, classes: 4 });
        assert.equal(a.targetClass, cls);
        if (layer === 'features.denseblock1') assert.ok(a.h > a.final.h, 'earlier layer has a finer grid');
        for (const m of [gradCam(a, S), gradCamPlusPlus(a, S)]) {
          assert.equal(m.map.length, S * S);
          assert.ok(m.map.every((v) => v >= 0 && v <= 1));
          const mx = m.map.reduce((x, v) => Math.max(x, v), 0);
          assert.ok(mx === 1 || mx === 0);
        }
      }
  // Grad-CAM's channel weights change with the target class
  const c = heads[0];
  const m0 = gradCam(activations(open.net, c.module, img.input, S, { targetClass: 0, classes: 4 }), S).raw;
  const m1 = gradCam(activations(open.net, c.module, img.input, S, { targetClass: 1, classes: 4 }), S).raw;
  assert.notDeepEqual(Array.from(m0), Array.from(m1));
});

test('Grad-CAM on the linear head equals the analytic class activation map (weights = W[c]/hw)', () => {
  const c = heads.find((h) => h.name === 'classical')!;
  if (c.head.kind !== 'linear') throw new Error('expected a linear head');
  const a = activations(open.net, c.module, img.input, S, { targetClass: 1, classes: 4 });
  const hw = a.h * a.w;
  const W = (c.head as LinearExport).fc.weight.slice(a.K, 2 * a.K);
  for (let k = 0; k < a.K; k++) {
    const mean = a.dA.slice(k * hw, (k + 1) * hw).reduce((s, v) => s + v, 0) / hw;
    assert.ok(Math.abs(mean - W[k] / hw) < 1e-6, `channel ${k}`);
  }
});

test('SHAP-CAM conserves the attributions: the signed map sums to Σφ', () => {
  const a = activations(open.net, heads[0].module, img.input, S, { classes: 4 });
  const phi = Float64Array.from({ length: a.final.K }, (_, k) => Math.sin(k));
  const m = shapCam(a.final, phi, S);
  let active = 0;
  const hw = a.final.h * a.final.w;
  for (let k = 0; k < a.final.K; k++)
    if (a.final.A.slice(k * hw, (k + 1) * hw).some((v) => v > 0)) active += phi[k];
  const total = m.signed.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(total - active) < 1e-5, `${total} vs ${active}`);
  assert.throws(() => shapCam(a.final, new Float64Array(3), S), /3 attributions/);
});

test('bad input: unknown layer, target class out of range, wrong input length → clear errors', () => {
  const h = heads[0];
  assert.throws(
    () => activations(open.net, h.module, img.input, S, { layer: 'features.nope', classes: 4 }),
    /unknown layer 'features.nope'/,
  );
  assert.throws(
    () => activations(open.net, h.module, img.input, S, { targetClass: 4, classes: 4 }),
    /target class 4 is out of range 0..3/,
  );
  assert.throws(
    () => activations(open.net, h.module, img.input.subarray(1), S, { classes: 4 }),
    /expected 3×48×48/,
  );
});
