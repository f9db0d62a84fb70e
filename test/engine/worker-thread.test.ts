import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { AdamW, Tensor, crossEntropy, tidy } from '../../src/engine/index.js';

// A worker trains a small net with the engine while the main thread keeps using it: the addon keeps
// its class constructors per environment, so both isolates work, and the main thread goes on after
// the worker's environment is torn down.
const workerSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  import(workerData.tsxApi).then((api) => { api.register(); return import(workerData.engine); }).then((e) => {
    const w = e.Tensor.randn([6, 3]).mul(0.1);
    w.setRequiresGrad(true);
    const opt = new e.AdamW([w], { lr: 0.05 });
    const x = e.Tensor.randn([32, 6]);
    const y = e.Tensor.int64(Array.from({ length: 32 }, (_, i) => i % 3), [32]);
    const losses = [];
    for (let s = 0; s < 60; s++)
      e.tidy(() => {
        opt.zeroGrad();
        const loss = e.crossEntropy(x.matmul(w), y);
        losses.push(loss.item());
        loss.backward();
        opt.step();
      });
    parentPort.postMessage({ first: losses[0], last: losses[losses.length - 1] });
  }, (err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

function trainInMain(): number {
  const w = Tensor.randn([4, 2]).mul(0.1);
  w.setRequiresGrad(true);
  const opt = new AdamW([w], { lr: 0.05 });
  const x = Tensor.randn([16, 4]);
  const y = Tensor.int64(
    Array.from({ length: 16 }, (_, i) => i % 2),
    [16],
  );
  let last = 0;
  for (let s = 0; s < 30; s++)
    tidy(() => {
      opt.zeroGrad();
      const loss = crossEntropy(x.matmul(w), y);
      last = loss.item();
      loss.backward();
      opt.step();
    });
  return last;
}

test('the engine works in a worker thread and in the main thread at the same time', async () => {
  const engine = new URL('../../src/engine/index.ts', import.meta.url).href;
  const before = trainInMain();
  const tsxApi = new URL('../../node_modules/tsx/dist/esm/api/index.mjs', import.meta.url).href;
  const worker = new Worker(workerSource, { eval: true, workerData: { engine, tsxApi } });
  const during = trainInMain();
  const msg = await new Promise<{ first?: number; last?: number; error?: string }>((res, rej) => {
    worker.once('message', res);
    worker.once('error', rej);
  });
  await worker.terminate();
  assert.equal(msg.error, undefined, msg.error);
  assert.ok(msg.last! < msg.first!, `worker loss went from ${msg.first} to ${msg.last}`);
  // main thread still fine after the worker's environment is gone
  const after = trainInMain();
  for (const v of [before, during, after]) assert.ok(Number.isFinite(v), `main-thread loss ${v}`);
  const t = Tensor.from([1, 2, 3], [3]);
  assert.deepEqual(Array.from(t.mul(2).toFloat32Array()), [2, 4, 6]);
});
