import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/train/index.js';

test('qmri demo --quick runs end to end and writes well-formed results', () => {
  const out = mkdtempSync(join(tmpdir(), 'qmri-demo-'));
  const r = runDemo({ out, quick: true, seed: 7 });
  const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.deepEqual(
    saved.heads.map((h: { head: string }) => h.head),
    ['linear', 'bottleneck', 'quantum'],
  );
  // the backbone must learn the phantoms well above chance (25%)
  assert.ok(r.backbone.test.accuracy > 0.6, `backbone test accuracy ${r.backbone.test.accuracy}`);
  for (const h of r.heads) {
    assert.equal(h.perSeed.length, 3);
    assert.ok(h.accuracy.lo <= h.accuracy.mean && h.accuracy.mean <= h.accuracy.hi);
    assert.ok(
      h.bootstrapAccuracy.lo <= h.bootstrapAccuracy.estimate &&
        h.bootstrapAccuracy.estimate <= h.bootstrapAccuracy.hi,
    );
  }
  // parameter-matched bottleneck: within one hidden unit's worth of the quantum head
  const q = r.heads.find((h) => h.head === 'quantum')!.params;
  const b = r.heads.find((h) => h.head === 'bottleneck')!.params;
  assert.ok(Math.abs(q - b) <= 9, `quantum ${q} vs bottleneck ${b}`);
  assert.equal(r.comparisons.length, 2);
  for (const c of r.comparisons) {
    assert.match(
      c.verdict,
      /quantum head [+−]\d+\.\d accuracy points vs .* 95% CI \[.*\] over 3 seeds, McNemar p = /,
    );
    for (const m of c.mcnemar) assert.ok(m.p >= 0 && m.p <= 1);
  }
});
