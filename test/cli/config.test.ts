import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { didYouMean, loadConfig, resolveConfig } from '../../src/cli/config.js';
import { configHash } from '../../src/report/repro.js';

test('defaults are filled in for every section', () => {
  const c = resolveConfig({ data: { dir: '/data/x' } });
  assert.equal(c.data.preprocess.size, 224);
  assert.equal(c.data.preprocess.normalize, 'zscore');
  assert.equal(c.data.split.train, 0.7);
  assert.equal(c.backbone.batchSize, 32);
  assert.equal(c.compare.seeds, 10);
  assert.deepEqual(c.noise.profiles, ['ideal', 'heron', 'eagle']);
  assert.deepEqual(c.compare.heads, ['linear', 'bottleneck', 'quantum']);
  assert.equal(c.compare.qubits, 4);
  assert.equal(c.report.enabled, true);
  assert.equal(c.threads, 2);
});

test('an unknown or mistyped key is rejected by name, with a suggestion when close', () => {
  assert.throws(
    () => resolveConfig({ data: { dir: 'x' }, backbone: { epocs: 3 } }),
    /unknown key 'backbone\.epocs' \(did you mean 'epochs'\?\)/,
  );
  assert.throws(
    () => resolveConfig({ data: { dir: 'x' }, bakbone: {} }),
    /unknown key 'bakbone' \(did you mean 'backbone'\?\)/,
  );
  assert.throws(
    () => resolveConfig({ data: { dir: 'x', preprocess: { zzzzzzzz: 1 } } }),
    (e: Error) =>
      /unknown key 'data\.preprocess\.zzzzzzzz'; allowed here: size, brainCrop, normalize/.test(e.message) &&
      !/did you mean/.test(e.message),
  );
  assert.equal(didYouMean('qbits', ['qubits', 'layers']), 'qubits');
  assert.equal(didYouMean('banana', ['qubits', 'layers']), undefined);
});

test('wrong types, ranges and enums name the field', () => {
  assert.throws(
    () => resolveConfig({ data: { dir: 'x' }, compare: { qubits: 'four' } }),
    /compare\.qubits: must be an integer in \[2, 12\], got "four"/,
  );
  assert.throws(
    () => resolveConfig({ data: { dir: 'x' }, compare: { qubits: 40 } }),
    /compare\.qubits: must be an integer in \[2, 12\], got 40/,
  );
  assert.throws(
    () => resolveConfig({ data: { dir: 'x' }, compare: { template: 'fancy' } }),
    /compare\.template: must be one of "strong", "basic"/,
  );
  assert.throws(
    () => resolveConfig({ data: { dir: 'x', split: { train: 0.5 } } }),
    /data\.split: train \+ val \+ test must be 1/,
  );
  assert.throws(() => resolveConfig({}), /give 'dir' .* or 'synthetic'/);
  assert.throws(() => resolveConfig([1, 2]), /must be a mapping/);
});

test('config files: YAML and JSON, with clear errors for missing, corrupt and duplicate keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-config-'));
  try {
    const y = join(dir, 'e.yaml');
    writeFileSync(y, 'seed: 3\ndata:\n  synthetic: { n: 40, size: 32 }\ncompare:\n  seeds: 2\n');
    const c = loadConfig(y);
    assert.equal(c.seed, 3);
    assert.equal(c.data.synthetic?.n, 40);
    assert.equal(c.compare.seeds, 2);
    const j = join(dir, 'e.json');
    writeFileSync(j, JSON.stringify({ data: { dir: '/d' }, threads: 1 }));
    assert.equal(loadConfig(j).threads, 1);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'data: [unclosed\n');
    assert.throws(() => loadConfig(bad), new RegExp(`${bad}: not valid YAML/JSON`));
    writeFileSync(bad, 'seed: 1\nseed: 2\n');
    assert.throws(() => loadConfig(bad), /not valid YAML\/JSON.*[Mm]ap keys must be unique/);
    assert.throws(() => loadConfig(join(dir, 'none.yaml')), /none\.yaml: config file not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the config hash ignores key order and sees value changes', () => {
  assert.equal(configHash({ a: 1, b: [1, 2] }), configHash({ b: [1, 2], a: 1 }));
  assert.notEqual(configHash({ a: 1 }), configHash({ a: 2 }));
});
