import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/report/index.js';
import { runPaths } from '../../src/run/index.js';
import { resolveBackboneConfig } from '../../src/train/index.js';
import { writeJsonAtomic } from '../../src/util/atomic.js';
import { writeFixtureRun } from './fixture-run.js';

test('the report states the backbone recipe, the tuning search of every head and that fine-tuning was off', async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-fair-'));
  await writeFixtureRun(run, { tune: { trials: 2 } });
  const p = runPaths(run);
  const backbone = resolveBackboneConfig({ epochs: 3, lr: 2e-3, labelSmoothing: 0.1, augment: true });
  writeJsonAtomic(p.config, { ...JSON.parse(readFileSync(p.config, 'utf8')), backbone });
  const html = readFileSync(await writeReport(run), 'utf8');
  const res = JSON.parse(readFileSync(p.compare, 'utf8'));
  const fair = html.slice(
    html.indexOf('How the comparison was made fair'),
    html.indexOf('Verdicts (every comparison'),
  );
  assert.ok(fair.length > 0, 'the fairness block sits before the verdict table');
  assert.match(
    fair,
    /with its own linear classifier \(16 features → 4 classes\) for 3 epochs \(best epoch 3/,
  );
  assert.match(fair, /learning rate 0\.0020, .*label smoothing 0\.10, augmentation on/);
  assert.match(fair, /the same 2 trials over learning rate \[0\.01000, 0\.10000\]/);
  for (const h of res.tuning.heads) {
    const c = h.chosen;
    assert.ok(
      fair.includes(`<td>${h.kind}</td><td>${c.trial}</td><td>${c.lr.toFixed(5)}</td><td>${c.epochs}</td>`),
      h.kind,
    );
  }
  assert.match(fair, /Search table \(6 trainings\)/);
  assert.match(fair, /fine-tuning control.*Not run \(compare\.finetune off\)/);
});

test('the recipe names an augmentation list by its steps', async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-fair-'));
  await writeFixtureRun(run);
  const p = runPaths(run);
  const backbone = resolveBackboneConfig({ augment: [{ kind: 'flip' }, { kind: 'mixup', alpha: 0.2 }] });
  writeJsonAtomic(p.config, { ...JSON.parse(readFileSync(p.config, 'utf8')), backbone });
  const html = readFileSync(await writeReport(run), 'utf8');
  assert.match(html, /augmentation flip → mixup, early-stopping/);
});
