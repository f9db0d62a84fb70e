import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { confusionChart, intervalChart, lineChart, renderChart } from '../../src/util/charts.js';

test('a Vega-Lite line chart renders to SVG with its data and to a PNG on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-charts-'));
  try {
    const rows = [
      { epoch: 1, loss: 1.3, split: 'train' },
      { epoch: 2, loss: 0.9, split: 'train' },
      { epoch: 1, loss: 1.4, split: 'val' },
      { epoch: 2, loss: 1.1, split: 'val' },
    ];
    const r = await renderChart(
      lineChart({ rows, x: 'epoch', y: 'loss', series: 'split', title: 'curves' }),
      {
        outDir: dir,
        name: 'curves',
      },
    );
    assert.match(r.svg, /^<svg/);
    assert.match(r.svg, /curves/);
    assert.match(r.svg, /val/);
    assert.doesNotMatch(r.svg, /https?:\/\/(?!www\.w3\.org)/);
    const meta = await sharp(readFileSync(join(dir, 'curves.png'))).metadata();
    assert.equal(meta.format, 'png');
    assert.ok((meta.width ?? 0) > 200);
    assert.equal(readFileSync(join(dir, 'curves.svg'), 'utf8'), r.svg);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('confusion and interval charts show their numbers and labels', async () => {
  const c = await renderChart(
    confusionChart({
      matrix: [
        [17, 3],
        [4, 21],
      ],
      classes: ['glioma', 'none'],
    }),
  );
  for (const s of ['17', '21', 'glioma', 'none']) assert.ok(c.svg.includes(s), `missing ${s}`);
  const i = await renderChart(
    intervalChart({ rows: [{ name: 'quantum', estimate: 0.8, lo: 0.7, hi: 0.9 }], xTitle: 'accuracy' }),
  );
  assert.ok(i.svg.includes('quantum') && i.svg.includes('accuracy'));
});
