import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrain } from '../../src/cli/commands/train.js';

test('qmri train passes every data setting to the data stage (duplicate removal and distance included)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-train-cmd-'));
  const run = join(dir, 'run');
  try {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        out: run,
        seed: 1,
        threads: 1,
        data: {
          synthetic: { n: 32, size: 32, seed: 1 },
          removeDuplicates: true,
          duplicateDistance: 7,
          split: { train: 0.5, val: 0.25, test: 0.25, seed: 0, blockSize: 4 },
          preprocess: { size: 32 },
        },
        backbone: {
          epochs: 1,
          batchSize: 8,
          augment: false,
          densenet: { growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16 },
        },
      }),
    );
    const out = await runTrain({ run, config, json: true });
    assert.ok(out);
    const audit = JSON.parse(readFileSync(join(run, 'data', 'audit.json'), 'utf8'));
    assert.equal(audit.nearDuplicates.maxDistance, 7);
    assert.equal(typeof audit.nearDuplicates.removed, 'number');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
