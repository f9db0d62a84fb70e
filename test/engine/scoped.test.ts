/** withRuntime sets libtorch's thread count and seed for one call and restores both after it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, getNumThreads, manualSeed, setNumThreads, withRuntime } from '../../src/engine/index.js';

const draw = () => Array.from(Tensor.randn([4]).toFloat32Array());

/** What the generator gives next without the scoped call in between. */
function expectedAfter(seed: number): number[] {
  manualSeed(seed);
  draw();
  return draw();
}

test('withRuntime restores threads and the generator after a call, a throw and a promise', async () => {
  const reference = expectedAfter(11);
  const inside = withRuntime({ seed: 5 }, draw);
  manualSeed(5);
  assert.deepEqual(inside, draw(), 'the scope seeds the generator');

  const scopes: [string, (fn: () => unknown) => unknown][] = [
    ['sync', (fn) => withRuntime({ threads: 2, seed: 5 }, fn)],
    ['throw', (fn) => assert.throws(() => withRuntime({ threads: 2, seed: 5 }, () => (fn(), fail())))],
    ['async', (fn) => withRuntime({ threads: 2, seed: 5 }, async () => fn())],
  ];
  for (const [name, scope] of scopes) {
    setNumThreads(1);
    manualSeed(11);
    draw();
    await scope(() => {
      assert.equal(getNumThreads(), 2, name);
      draw();
    });
    assert.equal(getNumThreads(), 1, `${name}: thread count restored`);
    assert.deepEqual(draw(), reference, `${name}: generator restored`);
  }
});

function fail(): never {
  throw new Error('stage failed');
}
