import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePhantom, makePhantomSet, toTensorData } from '../../src/data/index.js';

test('phantoms are deterministic per seed, in [0, 1], with boxes exactly for tumor classes', () => {
  const a = makePhantom(64, 0, 5);
  assert.deepEqual(a.image, makePhantom(64, 0, 5).image);
  assert.notDeepEqual(a.image, makePhantom(64, 0, 6).image);
  for (const v of a.image) assert.ok(v >= 0 && v <= 1);
  const set = makePhantomSet(40, 48, 1);
  for (const p of set) {
    if (p.label === 2) assert.equal(p.box, null);
    else {
      assert.ok(p.box, `class ${p.label} has a box`);
      const [x0, y0, x1, y1] = p.box!;
      assert.ok(0 <= x0 && x0 < x1 && x1 <= 1 && 0 <= y0 && y0 < y1 && y1 <= 1);
    }
  }
  // the tumor box is brighter or more varied than the image on average for meningioma (bright lesion)
  const m = makePhantom(96, 1, 3);
  const [x0, y0, x1, y1] = m.box!.map((v) => Math.round(v * 96));
  let inside = 0;
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      inside += m.image[y * 96 + x];
      n++;
    }
  const mean = m.image.reduce((s, v) => s + v, 0) / m.image.length;
  assert.ok(inside / n > mean, 'meningioma box is brighter than the image mean');
  const t = toTensorData(set.slice(0, 2), 48);
  assert.equal(t.length, 2 * 3 * 48 * 48);
  assert.throws(() => makePhantom(8, 0, 1), /size must be in/);
  assert.throws(() => makePhantom(64, 4, 1), /label must be 0..3/);
});
