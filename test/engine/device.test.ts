import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Tensor,
  defaultDevice,
  manualSeed,
  parseDevice,
  resolveDevice,
  runtimeInfo,
  withDevice,
  withDeviceCheck,
} from '../../src/engine/index.js';
import { activations, gradCam } from '../../src/explain/index.js';
import { DenseNet, QuantumHead } from '../../src/nn/index.js';
import { fit } from '../../src/train/fit.js';

const S = 32;

test('device check: a training step and a Grad-CAM explanation touch only tensors on the configured device', () => {
  const seen = withDeviceCheck('cuda:0', () => {
    manualSeed(4);
    const net = new DenseNet({ growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, numClasses: 4 });
    const head = new QuantumHead(net.numFeatures, 4, { qubits: 3, layers: 1 });
    net.setHead(head);
    const n = 4;
    const x = Float32Array.from({ length: n * 3 * S * S }, (_, i) => Math.sin(i * 0.37));
    const set = { x, y: Int32Array.from([0, 1, 2, 3]), shape: [3, S, S] };
    fit(net, set, set, { classes: 4, epochs: 1, batchSize: 2, lr: 1e-3, seed: 1 });
    const a = activations(net, head, x.subarray(0, 3 * S * S), S, { classes: 4 });
    assert.equal(gradCam(a, S).map.length, S * S);
    const devices = new Set<string>();
    for (const p of net.parameters()) {
      devices.add(p.device);
      const g = p.grad;
      if (g) devices.add(g.device);
    }
    return devices;
  });
  assert.deepEqual([...seen], ['cuda:0']);
  assert.equal(defaultDevice(), 'cpu', 'the check restores the device');
});

test('device check: a tensor left on another device is caught, as libtorch would on a GPU', () => {
  const stray = Tensor.from([1, 2], [2]); // made before the device was set: a CPU tensor
  assert.throws(
    () => withDeviceCheck('cuda:0', () => Tensor.from([3, 4], [2]).add(stray)),
    /device check: binary\(\) mixes tensors on cuda:0 and cpu/,
  );
  withDeviceCheck('cuda:1', () => {
    const moved = stray.to('cuda:1');
    assert.equal(moved.device, 'cuda:1');
    assert.equal(Tensor.zeros([2]).add(moved).device, 'cuda:1');
  });
  assert.equal(stray.device, 'cpu');
});

test('device setting: validated, scoped, and cuda refused with a clear message on a CPU libtorch', () => {
  assert.equal(parseDevice('cuda:3'), 'cuda:3');
  assert.throws(() => parseDevice('gpu'), /unknown device 'gpu' \(expected 'cpu' or 'cuda\[:N\]'\)/);
  assert.equal(
    withDevice('cpu', () => Tensor.ones([1]).device),
    'cpu',
  );
  if (!runtimeInfo().cudaAvailable)
    assert.throws(
      () => resolveDevice('cuda'),
      /device 'cuda' requested but this libtorch has no usable CUDA/,
    );
  assert.equal(defaultDevice(), 'cpu');
});
