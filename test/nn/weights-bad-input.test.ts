import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, readSafetensors, writeSafetensors } from '../../src/engine/index.js';
import { DenseNet } from '../../src/nn/index.js';

const fixture = fileURLToPath(new URL('../fixtures/densenet/weights.safetensors', import.meta.url));
const cfg = { growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, bnSize: 2, numClasses: 3 };
const tmp = mkdtempSync(join(tmpdir(), 'qmri-weights-'));

test('missing weights file is named', () => {
  assert.throws(
    () => new DenseNet(cfg).loadWeights(join(tmp, 'nope.safetensors')),
    /nope\.safetensors: weights file not found/,
  );
});

test('garbled and truncated safetensors are rejected with the problem named', () => {
  const p = join(tmp, 'garbled.safetensors');
  writeFileSync(p, Buffer.from('this is not a weights file at all'));
  assert.throws(() => readSafetensors(p), /garbled safetensors header/);
  const full = readFileSync(fixture);
  const t = join(tmp, 'trunc.safetensors');
  writeFileSync(t, full.subarray(0, full.length - 100));
  assert.throws(() => readSafetensors(t), /truncated/);
  const e = join(tmp, 'empty.safetensors');
  writeFileSync(e, Buffer.alloc(0));
  assert.throws(() => readSafetensors(e), /too short/);
});

test('wrong keys and wrong shapes name the key', () => {
  const st = readSafetensors(fixture).tensors;
  const renamed = new Map(
    [...st].map(([k, v]) => [k === 'features.conv0.weight' ? 'features.conv0.wieght' : k, v]),
  );
  const p1 = join(tmp, 'renamed.safetensors');
  writeSafetensors(p1, renamed);
  assert.throws(() => new DenseNet(cfg).loadWeights(p1), /missing keys: features\.conv0\.weight/);
  const p2 = join(tmp, 'other-arch.safetensors');
  assert.throws(
    () => new DenseNet({ ...cfg, growthRate: 12 }).loadWeights(fixture),
    /shape mismatch for 'features\.denseblock1/,
  );
  writeSafetensors(p2, st);
  const nan = new Map(st);
  const w = nan.get('classifier.weight')!;
  const d = Float32Array.from(w.data as Float32Array);
  d[0] = NaN;
  nan.set('classifier.weight', { ...w, data: d });
  const p3 = join(tmp, 'nan.safetensors');
  writeSafetensors(p3, nan);
  assert.throws(() => new DenseNet(cfg).loadWeights(p3), /'classifier\.weight' contains NaN/);
});

test('a backbone-only file loads and keeps the head; bad input shapes are named', () => {
  const st = readSafetensors(fixture).tensors;
  const backbone = new Map([...st].filter(([k]) => !k.startsWith('classifier.')));
  const p = join(tmp, 'backbone.safetensors');
  writeSafetensors(p, backbone);
  const net = new DenseNet(cfg);
  assert.deepEqual(net.loadWeights(p), { hasClassifier: false });
  assert.throws(() => net.forward(Tensor.zeros([1, 1, 32, 32])), /N×3×H×W, got \[1, 1, 32, 32\]/);
  assert.throws(() => net.forward(Tensor.zeros([1, 3, 8, 8])), /at least 32×32/);
  const nan = new Float32Array(3 * 32 * 32);
  nan[5] = NaN;
  assert.throws(() => net.forward(Tensor.from(nan, [1, 3, 32, 32])), /NaN or infinite/);
  // save() and load() round-trip the state exactly
  const p2 = join(tmp, 'roundtrip.safetensors');
  net.save(p2);
  const other = new DenseNet(cfg);
  other.load(p2);
  for (const [k, t] of other.stateDict())
    assert.deepEqual(t.toFloat32Array(), net.stateDict().get(k)!.toFloat32Array(), k);
});
