/**
 * Bounded load test of the web viewer on loopback: a fixed number of requests from a fixed number
 * of concurrent clients (127.0.0.1 only), a hard time limit, p50 / p95 latency per request kind and
 * the error count (any non-2xx or network error; none allowed: the exit code is 1 otherwise).
 *
 *   node --import tsx bench/server/load.ts [--model tiny|densenet121] [--requests 240]
 *        [--concurrency 8] [--time-limit 300] [--threads 1]
 *
 * tiny: the test suite's 64 px run (small DenseNet, trained a few steps). densenet121: the full
 * torchvision architecture at 224 px with random weights and random linear + 4-qubit heads
 * (latency does not depend on training). Request mix per client loop: upload a PNG slice, read the
 * info, run the noisy quantum head (heron, 1000 shots), and every fourth loop the full explanation
 * (Grad-CAM, Grad-CAM++, Kernel SHAP, SHAP-CAM for both heads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setNumThreads, noGrad, tidy, Tensor } from '../../src/engine/index.js';
import { DenseNet, LinearHead, QuantumHead } from '../../src/nn/index.js';
import { PHANTOM_CLASSES, makePhantomSet, toTensorData } from '../../src/data/phantoms.js';
import { serveRun } from '../../src/server/index.js';
import { exportHead } from '../../src/heads/index.js';
import { runPaths, saveBackbone, saveFeatures, saveHead } from '../../src/run/index.js';
import { buildTinyRun, phantomImage } from '../../test/server/tiny-run.js';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: 'tiny' },
    requests: { type: 'string', default: '240' },
    concurrency: { type: 'string', default: '8' },
    'time-limit': { type: 'string', default: '300' },
    threads: { type: 'string', default: '1' },
  },
});
const total = Number(a.requests);
const conc = Number(a.concurrency);
const limitMs = Number(a['time-limit']) * 1000;
setNumThreads(Number(a.threads));

function buildDenseNet121Run(): string {
  const run = mkdtempSync(join(tmpdir(), 'qmri-load-'));
  const net = new DenseNet({ numClasses: 4 });
  net.eval();
  saveBackbone(run, net, {
    densenet: net.config,
    classes: [...PHANTOM_CLASSES],
    preprocess: { size: 224, brainCrop: false, normalize: 'zscore' },
  });
  const ph = makePhantomSet(8, 224, 3);
  const x = tidy(() =>
    noGrad(() => net.embed(Tensor.from(toTensorData(ph, 224), [8, 3, 224, 224])).toFloat32Array()),
  );
  saveFeatures(runPaths(run).features('train'), {
    x,
    y: Int32Array.from(ph.map((p) => p.label)),
    dim: net.numFeatures,
    files: ph.map((_, i) => `#${i}`),
  });
  for (const h of [new LinearHead(1024, 4), new QuantumHead(1024, 4, { qubits: 4, layers: 2 })]) {
    saveHead(runPaths(run).head(h.kind, 0), exportHead(h));
    h.dispose();
  }
  net.dispose();
  return run;
}

const run = a.model === 'densenet121' ? buildDenseNet121Run() : await buildTinyRun();
const srv = await serveRun(run, { host: '127.0.0.1', port: 0, requestTimeoutMs: limitMs });
const images = await Promise.all([0, 1, 2, 3].map((s) => phantomImage('png', 256, 100 + s)));
const lat = new Map<string, number[]>();
let errors = 0;
const errorSamples: string[] = [];
let sent = 0;
const t0 = performance.now();
const deadline = t0 + limitMs;

async function timed(kind: string, url: string, init?: RequestInit): Promise<unknown> {
  sent++;
  const t = performance.now();
  try {
    const r = await fetch(url, {
      ...init,
      signal: AbortSignal.timeout(Math.max(1, Math.round(deadline - t))),
    });
    const body = r.headers.get('content-type')?.includes('json') ? await r.json() : await r.arrayBuffer();
    if (!r.ok) throw new Error(`${kind}: HTTP ${r.status} ${JSON.stringify(body).slice(0, 120)}`);
    (lat.get(kind) ?? lat.set(kind, []).get(kind)!).push(performance.now() - t);
    return body;
  } catch (err) {
    errors++;
    if (errorSamples.length < 5) errorSamples.push((err as Error).message);
    return null;
  }
}

async function client(k: number): Promise<void> {
  for (let loop = 0; sent < total && performance.now() < deadline; loop++) {
    const v = (await timed('upload', `${srv.url}api/cases`, {
      method: 'POST',
      body: images[(k + loop) % images.length],
      headers: { 'x-file-name': 'slice.png' },
    })) as { id: string } | null;
    if (sent < total) await timed('info', `${srv.url}api/info`);
    if (!v) continue;
    if (sent < total)
      await timed('quantum', `${srv.url}api/cases/${v.id}/quantum?profile=heron&shots=1000&seed=${k}`);
    if (sent < total && (k + loop) % 4 === 0) await timed('explain', `${srv.url}api/cases/${v.id}/explain`);
  }
}

await Promise.all(Array.from({ length: conc }, (_, k) => client(k)));
const seconds = (performance.now() - t0) / 1000;
await srv.close();
rmSync(run, { recursive: true, force: true });
const pct = (v: number[], p: number) => {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const rows = [...lat].map(([kind, v]) => ({
  kind,
  n: v.length,
  p50: +pct(v, 50).toFixed(1),
  p95: +pct(v, 95).toFixed(1),
}));
const all = [...lat.values()].flat();
if (!all.length) throw new Error(`no request succeeded: ${errorSamples.join(' | ')}`);
console.log(
  JSON.stringify(
    {
      model: a.model,
      requests: sent,
      concurrency: conc,
      threads: Number(a.threads),
      seconds: +seconds.toFixed(1),
      throughput: +(all.length / seconds).toFixed(1),
      errors,
      errorSamples,
      all: { p50: +pct(all, 50).toFixed(1), p95: +pct(all, 95).toFixed(1) },
      perKind: rows,
    },
    null,
    1,
  ),
);
if (errors > 0 || sent < total) process.exitCode = 1;
