/**
 * The published default for real data (issue #19 item 3) has one source: examples/brain-tumor-mri.yaml.
 * The README shows it verbatim, it resolves as an experiment config, and its recipe levers are those
 * of the recipe-study arm whose figures BENCHMARKS.md reports (bench/train/recipe/combined.yaml).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/cli/config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = `${root}examples/brain-tumor-mri.yaml`;

test('the README shows examples/brain-tumor-mri.yaml verbatim', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const text = readFileSync(EXAMPLE, 'utf8');
  assert.ok(
    readme.includes('```yaml\n' + text + '```\n'),
    'README.md does not hold the example file as it is',
  );
});

test('the published recipe resolves and carries the levers of the measured combined arm', () => {
  const ex = loadConfig(EXAMPLE);
  const arm = loadConfig(`${root}bench/train/recipe/combined.yaml`);
  const levers = [
    'augment',
    'precision',
    'channelsLast',
    'ema',
    'emaWarmup',
    'classBoost',
    'boxGuidance',
  ] as const;
  for (const k of levers) assert.deepEqual(ex.backbone[k], arm.backbone[k], `backbone.${k}`);
  for (const k of ['size', 'brainCrop', 'normalize', 'intensity'] as const)
    assert.deepEqual(ex.data.preprocess[k], arm.data.preprocess[k], `data.preprocess.${k}`);
  assert.equal(ex.data.removeDuplicates, true);
  assert.equal(ex.compare.folds, 5);
  assert.equal(ex.compare.foldScope, 'trainval');
  assert.ok(ex.data.dir, 'real data (a folder), not phantoms');
});
