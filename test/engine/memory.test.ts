import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdamW, Tensor, crossEntropy, memory, tidy, manualSeed, trimMemory } from '../../src/engine/index.js';
import { Linear } from '../../src/nn/index.js';
import { exportHead, headDef, headKinds, importHead } from '../../src/heads/index.js';

// RSS must stay flat over 1,000 training steps of a small net: every step's tensors are released
// deterministically by tidy(), not by GC finalizers.
test('RSS and live tensor count stay flat over 1,000 training steps', () => {
  manualSeed(0);
  const l1 = new Linear(256, 256);
  const l2 = new Linear(256, 10);
  const opt = new AdamW([...l1.parameters(), ...l2.parameters()], { lr: 1e-3 });
  const x = Tensor.randn([64, 256]);
  const y = Tensor.int64(
    Array.from({ length: 64 }, (_, i) => i % 10),
    [64],
  );
  const step = () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = crossEntropy(l2.forward(l1.forward(x).relu()), y);
      loss.backward();
      opt.step();
    });
  for (let i = 0; i < 100; i++) step();
  const tensors = memory().tensors;
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i < 1000; i++) step();
  const grown = (process.memoryUsage().rss - rss0) / 2 ** 20;
  assert.equal(memory().tensors, tensors, 'live tensor count grew: a tensor leaks per step');
  // each step allocates ~0.5 MB of activations and gradients: a leak would add ~500 MB
  assert.ok(grown < 40, `RSS grew by ${grown.toFixed(1)} MB over 1,000 steps`);
});

// An optimizer holds the parameters, their gradients and its moments. Released only by GC, a
// process that trains model after model (folds, fine-tuning, tuning trials) kept every model's: the
// full demo reached 24 GiB. dispose() releases them at once (without it this test grows ~390 MB).
// trimMemory() (jemalloc purge, glibc malloc_trim) hands the allocator's free pages back between
// trainings; same-size models reuse those pages, so its effect shows only when sizes vary, as in the
// demo (peak 2.1 GiB with it: BENCHMARKS.md); here it must at least reach an allocator.
test('model after model: optimizer.dispose() keeps RSS at one model; trimMemory() reaches the allocator', () => {
  manualSeed(1);
  const x = Tensor.randn([256, 2048]);
  const y = Tensor.int64(
    Array.from({ length: 256 }, (_, i) => i % 10),
    [256],
  );
  const trainOne = () => {
    const l1 = new Linear(2048, 2048);
    const l2 = new Linear(2048, 10);
    const opt = new AdamW([...l1.parameters(), ...l2.parameters()], { lr: 1e-3 });
    for (let i = 0; i < 3; i++)
      tidy(() => {
        opt.zeroGrad();
        crossEntropy(l2.forward(l1.forward(x).relu()), y).backward();
        opt.step();
      });
    opt.dispose();
    assert.throws(() => opt.step(), /optimizer used after dispose/);
    l1.dispose();
    l2.dispose();
    assert.equal(trimMemory(), true, 'trimMemory found neither jemalloc nor glibc malloc');
  };
  const tensors = memory().tensors;
  trainOne();
  const rss1 = process.memoryUsage().rss;
  for (let k = 0; k < 6; k++) trainOne();
  const grown = (process.memoryUsage().rss - rss1) / 2 ** 20;
  assert.equal(memory().tensors, tensors, 'a layer or an optimizer left a live tensor');
  // each model holds 16 MB of weights, 16 of gradients and 32 of Adam moments: six models kept
  // until GC would add ~380 MB
  assert.ok(grown < 60, `RSS grew by ${grown.toFixed(1)} MB over six more models`);
  x.dispose();
  y.dispose();
});

// Loading a head (the viewer, fine-tuning, explanation) copies its weights into a new module: the
// staging tensors of that copy and the module's initial draws used to stay alive (12 tensors per
// bottleneck head, 1 per DenseNet classifier).
test('creating, exporting, importing and disposing every head kind leaves no live tensor', () => {
  manualSeed(2);
  for (const kind of headKinds()) {
    const before = memory().tensors;
    const h = headDef(kind).create({ inDim: 32, classes: 4 }, { qubits: 3, layers: 2 });
    const back = importHead(exportHead(h));
    h.dispose();
    back.dispose();
    assert.equal(memory().tensors, before, `${kind}: a tensor outlived its head`);
  }
});
