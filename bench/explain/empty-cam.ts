/**
 * Why Grad-CAM comes out empty on the hybrid heads (issue 18 item 2), from a run's cached test
 * features alone (no backbone pass). At the final feature map A (K×h×w, after ReLU, then global
 * average pooling f = mean_p A(·,p) into the head), Grad-CAM's map is ReLU(Σ_k g_k·A_k(p)) / hw with
 * g = ∂y_c/∂f, so the map's cells sum to g·f: the head's first-order Taylor term at zero features.
 * g·f > 0 ⇒ some cell is positive ⇒ the map is not empty; an empty map needs g·f ≤ 0. For a linear
 * head g·f = y_c − bias_c. This script prints, per explained head, on the predicted class:
 *   taylor ≤ 0   the fraction with g·f ≤ 0 (a necessary condition of an empty Grad-CAM map);
 *   delta ≤ 0    the fraction with y_c(f) − y_c(0) ≤ 0 (the path-integrated version of the same sum);
 *   ls delta ≤ 0 the same for log p_c, the target of Integrated Grad-CAM (its map's cells sum to it);
 *   saturation   the median over images of min_j |u_j|, u = pre(f) the tanh pre-activations (hybrid heads);
 *   one unit     the fraction of images where one encoder unit carries > 99% of Σ_j sech²(u_j): the
 *                gradient of every class's score at f then points along that unit's weight row, so
 *                a change of target (logit → log-softmax) only rescales Grad-CAM's map;
 * split by the predicted class's softmax probability (≥ 0.99 vs < 0.99). Then Integrated Grad-CAM's
 * completeness error |Σ_k w_k·f_k − (log p(f) − log p(0))| / |log p(f) − log p(0)| at 16, 64 and 256
 * path steps (every 7th image): a saturated unit switches within a short stretch of the path.
 *   npx tsx bench/explain/empty-cam.ts --run runs/recipe-combined
 */
import { parseArgs } from 'node:util';
import { Tensor, noGrad, tidy, withStableTanhGrad } from '../../src/engine/index.js';
import { headPathGradient } from '../../src/explain/cam-base.js';
import { disposeHeads, explainHeads } from '../../src/explain/explain-heads.js';
import { runPaths, openRun } from '../../src/run/index.js';
import { loadFeatures } from '../../src/run/features.js';
import { encoderPreActivations, encoderRows, leastSaturated } from '../heads/encoder.js';

const { values } = parseArgs({
  options: { run: { type: 'string' }, split: { type: 'string', default: 'test' } },
});
if (!values.run) throw new Error('usage: empty-cam.ts --run RUN [--split test]');
const open = openRun(values.run);
const fs = loadFeatures(runPaths(values.run).features(values.split));
const N = fs.y.length;
const K = fs.dim;
const heads = explainHeads(open);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const logProb = (row: ArrayLike<number>, c: number) => {
  const xs = Array.from(row);
  const mx = Math.max(...xs);
  return xs[c] - mx - Math.log(xs.reduce((s, v) => s + Math.exp(v - mx), 0));
};
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}% (${n}/${d})` : '—');
for (const h of heads) {
  const m = h.module;
  m.eval();
  const r = tidy(() => {
    const x = Tensor.from(fs.x, [N, K]).setRequiresGrad(true);
    const logits = withStableTanhGrad(() => m.forward(x));
    const L = logits.toFloat32Array();
    const C = L.length / N;
    const pred = new Int32Array(N);
    const mask = new Float32Array(N * C);
    for (let i = 0; i < N; i++) {
      for (let c = 1; c < C; c++) if (L[i * C + c] > L[i * C + pred[i]]) pred[i] = c;
      mask[i * C + pred[i]] = 1;
    }
    logits
      .mul(Tensor.from(mask, [N, C]))
      .sum()
      .backward();
    const g = x.grad!.toFloat32Array();
    const zero = noGrad(() => m.forward(Tensor.from(new Float32Array(K), [1, K])).toFloat32Array());
    return { L, C, pred, g, zero };
  });
  m.zeroGrad();
  const enc = encoderPreActivations(m, fs.x, N, K);
  const units = enc ? encoderRows(enc) : null;
  const mins = enc ? leastSaturated(enc) : null;
  const rows = { hi: [] as number[], lo: [] as number[] };
  for (let i = 0; i < N; i++) {
    const row = r.L.subarray(i * r.C, (i + 1) * r.C);
    const mx = Math.max(...row);
    const p = 1 / row.reduce((s, v) => s + Math.exp(v - mx), 0);
    (p >= 0.99 ? rows.hi : rows.lo).push(i);
  }
  for (const [band, idx] of Object.entries(rows)) {
    let tay = 0;
    let del = 0;
    let lsDel = 0;
    const sat: number[] = [];
    let one = 0;
    for (const i of idx) {
      let t = 0;
      for (let k = 0; k < K; k++) t += r.g[i * K + k] * fs.x[i * K + k];
      if (t <= 0) tay++;
      const c = r.pred[i];
      if (r.L[i * r.C + c] - r.zero[c] <= 0) del++;
      if (logProb(r.L.subarray(i * r.C, (i + 1) * r.C), c) - logProb(r.zero, c) <= 0) lsDel++;
      if (units && mins) {
        sat.push(mins[i]);
        const d = units[i].map((v) => 1 / Math.cosh(v) ** 2);
        if (Math.max(...d) > 0.99 * d.reduce((a, b) => a + b, 0)) one++;
      }
    }
    console.log(
      `${h.name.padEnd(10)} p ${band === 'hi' ? '≥' : '<'} 0.99: taylor ≤ 0 ${pct(tay, idx.length)}, delta ≤ 0 ${pct(del, idx.length)}, ls delta ≤ 0 ${pct(lsDel, idx.length)}` +
        (enc ? `, median min|u| ${median(sat).toFixed(2)}, one unit ${pct(one, idx.length)}` : ''),
    );
  }
}
for (const h of heads)
  for (const steps of [16, 64, 256]) {
    const errs: number[] = [];
    const lp = (x: Float32Array) =>
      noGrad(() =>
        tidy(() =>
          h.module
            .forward(Tensor.from(x, [1, K]))
            .logSoftmax(1)
            .toFloat32Array(),
        ),
      );
    const l0 = lp(new Float32Array(K));
    for (let i = 0; i < N; i += 7) {
      const f = fs.x.slice(i * K, (i + 1) * K);
      const l = lp(f);
      const c = l.indexOf(Math.max(...l));
      const w = headPathGradient(h.module, f, c, steps);
      const total = w.reduce((s, v, k) => s + v * f[k], 0);
      errs.push(Math.abs(total - (l[c] - l0[c])) / Math.max(1e-9, Math.abs(l[c] - l0[c])));
    }
    errs.sort((a, b) => a - b);
    console.log(
      `${h.name.padEnd(10)} Integrated Grad-CAM, ${steps} steps: completeness error median ${(100 * median(errs)).toFixed(2)}%, max ${(100 * errs[errs.length - 1]).toFixed(1)}% (${errs.length} images)`,
    );
  }
disposeHeads(heads);
open.net.dispose();
