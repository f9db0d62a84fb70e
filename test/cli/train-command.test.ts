import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrain } from '../../src/cli/commands/train.js';
import { tinyConfig } from './tiny-config.js';

test('qmri train passes every data setting to the data stage (duplicate removal and distance included)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-train-cmd-'));
  const run = join(dir, 'run');
  try {
    const config = join(dir, 'config.json');
    const cfg = tinyConfig(run, 1);
    writeFileSync(
      config,
      JSON.stringify({ ...cfg, data: { ...cfg.data, removeDuplicates: true, duplicateDistance: 7 } }),
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

test('qmri train writes the cross-source proxy a config asks for (data.proxy) and scores the backbone on it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-train-proxy-'));
  const run = join(dir, 'run');
  try {
    const config = join(dir, 'config.json');
    const cfg = tinyConfig(run, 1);
    writeFileSync(config, JSON.stringify({ ...cfg, data: { ...cfg.data, proxy: { seed: 3 } } }));
    const out = (await runTrain({ run, config, json: true })) as { backbone: { proxyAccuracy?: number } };
    const proxy = JSON.parse(readFileSync(join(run, 'data', 'proxy', 'manifest.json'), 'utf8'));
    const metrics = JSON.parse(readFileSync(join(run, 'backbone', 'metrics.json'), 'utf8'));
    assert.ok(proxy.entries.length > 0);
    assert.equal(metrics.images.proxy, proxy.entries.length);
    assert.equal(out.backbone.proxyAccuracy, metrics.proxy.accuracy);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
