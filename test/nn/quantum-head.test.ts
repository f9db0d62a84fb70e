import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdamW, Tensor, crossEntropy, manualSeed, noGrad, tidy } from '../../src/engine/index.js';
import {
  BottleneckHead,
  QuantumHead,
  bottleneckParamCount,
  matchedHiddenSize,
  quantumHeadParamCount,
} from '../../src/nn/index.js';
import {
  dressedHeadForward,
  evaluateNoisy,
  loadProfile,
  profileToNoiseModel,
  type Evaluator,
} from '../../src/quantum/index.js';

const noise = profileToNoiseModel(loadProfile('eagle'));
const noisyEvaluator: Evaluator = (c, x, w, B) => evaluateNoisy(c, x, w, { noise }, B);

const D = 16;
const C = 4;

function data(seed: number, B: number) {
  manualSeed(seed);
  const x = Tensor.randn([B, D]);
  const y = Tensor.int64(
    Array.from({ length: B }, (_, i) => i % C),
    [B],
  );
  return { x, y };
}

test('quantum head: libtorch forward equals the pure-TypeScript dressed head', () => {
  manualSeed(1);
  const head = new QuantumHead(D, C, { qubits: 4, layers: 2 }).eval();
  const { x } = data(2, 5);
  const logits = noGrad(() => head.forward(x)).toFloat32Array();
  const ts = dressedHeadForward(head.toDressed(), x.toFloat32Array());
  logits.forEach((v, i) => assert.ok(Math.abs(v - ts.logits[i]) < 1e-5, `logit ${i}`));
  ts.probs.forEach((p) => assert.ok(p > 0 && p < 1));
});

for (const [gradient, evaluator] of [
  ['adjoint', undefined],
  ['parameter-shift', undefined],
  ['parameter-shift', noisyEvaluator],
] as const)
  test(`quantum head (${gradient}${evaluator ? ', Eagle-class noise' : ''}): gradients through the circuit match finite differences`, () => {
    manualSeed(3);
    const head = new QuantumHead(D, C, { qubits: 3, layers: 2, gradient, evaluator });
    const { x, y } = data(4, 6);
    const loss = () => crossEntropy(head.forward(x), y);
    head.zeroGrad();
    loss().backward();
    const params = [head.pre.weight, head.quantum.weights];
    const h = 1e-2;
    for (const p of params) {
      const g = p.grad!.toFloat32Array();
      const base = p.toFloat32Array();
      for (const i of [0, 1, base.length - 1]) {
        const num = [h, -h].map((d) => {
          const v = Float32Array.from(base);
          v[i] += d;
          p.copy_(Tensor.from(v, p.shape));
          return noGrad(() => loss().item());
        });
        p.copy_(Tensor.from(base, p.shape));
        const fd = (num[0] - num[1]) / (2 * h);
        assert.ok(
          Math.abs(fd - g[i]) < 2e-3 + 2e-2 * Math.abs(fd),
          `${gradient} param ${i}: fd ${fd} vs ${g[i]}`,
        );
      }
    }
  });

test('a hybrid head learns: AdamW steps lower the loss; bottleneck head matches the parameter count', () => {
  manualSeed(5);
  const head = new QuantumHead(D, C, { qubits: 4, layers: 2 });
  const { x, y } = data(6, 32);
  const opt = new AdamW(head.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  for (let i = 0; i < 30; i++)
    tidy(() => {
      opt.zeroGrad();
      const l = crossEntropy(head.forward(x), y);
      losses.push(l.item());
      l.backward();
      opt.step();
    });
  assert.ok(losses[losses.length - 1] < losses[0] - 0.2, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  const q = quantumHeadParamCount(1024, 4, { qubits: 4, layers: 2 });
  assert.equal(q, new QuantumHead(1024, 4, { qubits: 4, layers: 2 }).parameterCount());
  const h = matchedHiddenSize(1024, 4, 4, q);
  const b = new BottleneckHead(1024, 4, h, 4);
  assert.equal(b.parameterCount(), bottleneckParamCount(1024, 4, h, 4));
  assert.ok(
    Math.abs(b.parameterCount() - q) <= 4 + 1 + 4,
    `bottleneck ${b.parameterCount()} vs quantum ${q}`,
  );
  assert.throws(() => new QuantumHead(D, C, { qubits: 1, layers: 1 }), /qubits must be in \[2, 12\]/);
  assert.throws(() => new QuantumHead(D, C, { qubits: 13, layers: 1 }), /qubits must be in \[2, 12\]/);
});
