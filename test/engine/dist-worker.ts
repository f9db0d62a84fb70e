// One rank of the data-parallel equivalence test (test/engine/distributed.test.ts): trains a small
// hybrid head (linear → tanh → 3-qubit circuit → linear) for a few steps with trainOneEpoch, sharded
// over WORLD_SIZE ranks (or alone when WORLD_SIZE is unset), and writes its final weights as JSON.
import { writeFileSync } from 'node:fs';
import {
  AdamW,
  ProcessGroup,
  Tensor,
  distOptionsFromEnv,
  manualSeed,
  setNumThreads,
} from '../../src/engine/index.js';
import { QuantumHead } from '../../src/nn/index.js';
import { trainOneEpoch } from '../../src/train/fit.js';

setNumThreads(1);
const dist = distOptionsFromEnv();
const pg = dist ? ProcessGroup.init(dist) : undefined;
manualSeed(dist?.rank ?? 0); // ranks start different: the broadcast must make them equal
const D = 12;
const N = 24;
const head = new QuantumHead(D, 3, { qubits: 3, layers: 1 });
pg?.broadcast(head.parameters(), 0);
const x = Float32Array.from({ length: N * D }, (_, i) => Math.sin(0.7 * i) + 0.1 * Math.cos(3.1 * i));
const set = { x, y: Int32Array.from({ length: N }, (_, i) => i % 3), shape: [D] };
const opt = new AdamW(head.parameters(), { lr: 0.05 });
const order = Int32Array.from({ length: N }, (_, i) => (i * 7) % N);
trainOneEpoch(head, opt, set, order, {
  batchSize: 8,
  weight: Tensor.ones([3]),
  labelSmoothing: 0,
  lrAt: () => 0.05,
  firstStep: 0,
  dist: pg,
});
const out = head.parameters().map((p) => Array.from(p.toFloat32Array()));
if (!pg || pg.rank === 0) writeFileSync(process.argv[2], JSON.stringify(out));
pg?.barrier();
pg?.destroy();
