import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionShap } from '../../src/explain/partition-shap.js';
import { blurImage } from '../../src/explain/blur-masker.js';
import { auditCase, localize, spearman, summarizeAudits, topIou } from '../../src/explain/audit.js';

const S = 16;
/** an image whose pixels are all distinct, and a model reading fixed regions of it */
const img = Float32Array.from({ length: 3 * S * S }, (_, i) => Math.sin(i * 0.7) + (i % S) / S);

function regionModel(images: Float32Array, B: number): Float64Array {
  const per = 3 * S * S;
  const out = new Float64Array(B * 2);
  for (let b = 0; b < B; b++) {
    let a = 0;
    let c = 0;
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        const v = images[b * per + y * S + x];
        if (y < S / 4 && x < S / 4) a += v; // top-left corner cell
        if (y >= S / 2) c += v * v; // bottom half, nonlinear
      }
    out[2 * b] = a;
    out[2 * b + 1] = Math.tanh(c / 2000);
  }
  return out;
}

test('Partition SHAP: additive at any budget, exact Owen values of an additive region model', () => {
  for (const maxEvals of [2, 10, 40, 1000]) {
    const r = partitionShap(regionModel, img, S, { grid: 4, maxEvals });
    assert.ok(r.additivityError < 1e-9, `budget ${maxEvals}: additivity ${r.additivityError}`);
    assert.ok(r.evaluations <= Math.max(maxEvals, 2));
  }
  // output 0 depends only on cell 0 (top-left 4×4 pixels = grid cell 0) and is additive:
  // with enough budget every other cell gets exactly 0
  const r = partitionShap(regionModel, img, S, { grid: 4, maxEvals: 1000 });
  const blurred = blurImage(img, S);
  let expect = 0;
  for (let y = 0; y < S / 4; y++)
    for (let x = 0; x < S / 4; x++) expect += img[y * S + x] - blurred[y * S + x];
  assert.ok(Math.abs(r.phi[0] - expect) < 1e-5, `${r.phi[0]} vs ${expect}`);
  for (let c = 1; c < 16; c++) assert.ok(Math.abs(r.phi[c]) < 1e-9, `cell ${c}: ${r.phi[c]}`);
  // output 1 is nonlinear in the bottom half (grid rows 2–3) only: the top cells are null players
  for (let c = 0; c < 8; c++) assert.ok(Math.abs(r.phi[16 + c]) < 1e-12, `cell ${c}: ${r.phi[16 + c]}`);
  assert.ok(Array.from({ length: 8 }, (_, c) => Math.abs(r.phi[24 + c])).some((v) => v > 1e-4));
  assert.throws(() => partitionShap(regionModel, img.subarray(3), S), /expected 3×16×16/);
});

test('audit metrics: Spearman, top-20% IoU, pointing game, energy in box, n/a without a box, flags', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.equal(topIou([5, 4, 0, 0, 0], [5, 4, 0, 0, 0], 0.4), 1);
  assert.equal(topIou([5, 4, 0, 0, 0], [0, 0, 0, 4, 5], 0.4), 0);
  const N = 10;
  const left = new Float32Array(N * N);
  const right = new Float32Array(N * N);
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) {
      left[y * N + x] = x < 3 ? 1 - x / 10 : 0;
      right[y * N + x] = x > 6 ? x / 10 : 0;
    }
  const box: [number, number, number, number] = [0, 0, 0.3, 1];
  const l = localize(left, N, box);
  assert.equal(l.pointing, true);
  assert.ok(Math.abs(l.energyInBox! - 1) < 1e-12);
  assert.deepEqual(localize(left, N, null), {
    pointing: null,
    pointingTol: null,
    energyInBox: null,
    empty: false,
    cap: null,
  });
  const a = auditCase(left, right, N, box);
  assert.deepEqual(a.flags.sort(), ['gradcam-on-tumor-shap-elsewhere', 'low-agreement']);
  const b = auditCase(right, left, N, box);
  assert.ok(b.flags.includes('shap-on-tumor-gradcam-elsewhere'));
  const c = auditCase(left, left, N, null);
  assert.deepEqual(c.flags, []);
  assert.equal(c.gradcam.pointing, null);
  const s = summarizeAudits([a, b, c]);
  assert.equal(s.cases, 3);
  assert.equal(s.withBox, 2);
  assert.equal(s.flagged, 2);
  assert.equal(s.gradcamPointing, 0.5);
  assert.equal(s.flagCounts['low-agreement'], 2);
  assert.equal(summarizeAudits([c]).gradcamPointing, null);
  // an empty map (nothing positive) says nothing about place: n/a, flagged, left out of the means
  const empty = new Float32Array(N * N);
  assert.deepEqual(localize(empty, N, box), {
    pointing: null,
    pointingTol: null,
    energyInBox: null,
    empty: true,
    cap: null,
  });
  const e = auditCase(empty, left, N, box);
  assert.deepEqual(e.flags, ['gradcam-empty']);
  assert.equal(e.spearman, null);
  assert.equal(e.iouTop20, null);
  assert.equal(e.shap.pointing, true);
  const se = summarizeAudits([a, e]);
  assert.equal(se.withBox, 2);
  assert.equal(se.emptyGradcam, 1);
  assert.equal(se.gradcamPointing, 1, 'only the non-empty Grad-CAM counts');
  assert.equal(se.shapPointing, 0.5);
  assert.equal(se.meanSpearman, a.spearman);
});
