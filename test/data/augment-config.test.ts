// backbone.augment: its forms (true, false, "scanner", a list of steps), the messages for a bad
// step (they name the config path and the unknown kind or option), and the resume settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPERIMENT_SCHEMA } from '../../src/cli/config.js';
import { resolveExperiment } from '../../src/config/index.js';
import { SCANNER_PRESET, resolveAugment } from '../../src/data/index.js';
import { resolveBackboneConfig, resumeSettings } from '../../src/train/index.js';

const bad = (augment: unknown) => () => resolveBackboneConfig({ augment } as never);

test('old configs keep validating and meaning what they meant: true (the default), false', () => {
  assert.equal(resolveBackboneConfig({}).augment, true);
  assert.deepEqual(
    resolveAugment(true).map((s) => s.kind),
    ['classic'],
  );
  assert.deepEqual(resolveAugment(false), []);
  assert.equal(resumeSettings(resolveBackboneConfig({})).augment, true);
  assert.equal(resumeSettings(resolveBackboneConfig({ augment: false })).augment, false);
});

test('"scanner" is the documented preset; a list fills in each kind’s defaults', () => {
  assert.deepEqual(
    resolveAugment('scanner').map((s) => s.kind),
    SCANNER_PRESET.map((s) => s.kind),
  );
  const [gamma] = resolveAugment([{ kind: 'gamma', max: 2 }]);
  assert.deepEqual(gamma, { kind: 'gamma', p: 0.5, options: { min: 0.7, max: 2 } });
  // the resume settings compare what runs, not how it was written
  const a = resumeSettings(resolveBackboneConfig({ augment: [{ kind: 'gamma' }] }));
  const b = resumeSettings(resolveBackboneConfig({ augment: [{ kind: 'gamma', p: 0.5, min: 0.7 }] }));
  const c = resumeSettings(resolveBackboneConfig({ augment: [{ kind: 'gamma', p: 0.6 }] }));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('a bad step is named by its path: unknown kind, unknown option, out of range, crossed min/max, p', () => {
  assert.throws(
    bad([{ kind: 'flip' }, { kind: 'gama' }]),
    /augment\[1\]\.kind: unknown augmentation "gama" \(did you mean 'gamma'\?\); known: classic, flip/,
  );
  assert.throws(
    bad([{ kind: 'noise', sigmaMaks: 0.2 }]),
    /unknown key 'augment\[0\]\.sigmaMaks' \(did you mean 'sigmaMax'\?\); allowed here: sigmaMin, sigmaMax/,
  );
  assert.throws(
    bad([{ kind: 'jpeg', qualityMin: 0 }]),
    /augment\[0\]\.qualityMin: must be an integer in \[1, 100\], got 0/,
  );
  assert.throws(bad([{ kind: 'gamma', min: 3, max: 2 }]), /augment\[0\]: min \(3\) must be ≤ max \(2\)/);
  assert.throws(bad([{ kind: 'blur', p: 1.5 }]), /augment\[0\]\.p: must be a number in \[0, 1\], got 1\.5/);
  assert.throws(
    bad([{ kind: 'mixup' }, { kind: 'cutmix' }]),
    /augment: at most one mixing step \(mixup or cutmix\), got mixup, cutmix/,
  );
  assert.throws(
    bad('strong'),
    /augment: must be true, false, "scanner" or a list of \{kind, p\?, \.\.\.options\}/,
  );
  assert.throws(bad([{ p: 0.5 }]), /augment: must be true, false, "scanner"/);
});

test('in an experiment config the path starts at the backbone section', () => {
  const raw = {
    data: { synthetic: { n: 8 } },
    backbone: { augment: [{ kind: 'affine', rotateDg: 5 }] },
  };
  assert.throws(
    () => resolveExperiment(EXPERIMENT_SCHEMA, raw, 'exp.json'),
    /^ConfigError: exp\.json: unknown key 'backbone\.augment\[0\]\.rotateDg' \(did you mean 'rotateDeg'\?\)/,
  );
});
