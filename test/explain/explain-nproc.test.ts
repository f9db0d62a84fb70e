import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareData, writePhantomDataset } from '../../src/data/index.js';
import { runPaths } from '../../src/run/index.js';
import { buildTinyRun, S } from './tiny-run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QMRI = join(ROOT, 'bin', 'qmri');
const run = buildTinyRun();
after(() => rmSync(run, { recursive: true, force: true }));

/** `qmri explain --split test` with extra flags; returns its JSON and moves RUN/explain to `to`. */
function explain(extra: string[], to: string) {
  const r = spawnSync(
    QMRI,
    ['explain', '--run', run, '--split', 'test', '--cases', '3', '--samples', '128', '--threads', '1'].concat(
      ['--methods', 'gradcam,hirescam,shap', '--json', ...extra],
    ),
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  renameSync(runPaths(run).explainDir, to);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** A JSON value without its timings (ms per image / per map), which differ between runs. */
function withoutTimings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimings);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'msPerImage' && k !== 'mapMs' && k !== 'ms')
        .map(([k, x]) => [k, withoutTimings(x)]),
    );
  return v;
}

test('explain --split --nproc 2: two workers give the audit, case files and JSON of one process', async () => {
  const data = join(run, 'phantoms');
  await writePhantomDataset(data, { n: 16, size: S, seed: 5 });
  await prepareData(run, {
    dir: data,
    split: { train: 0.5, val: 0.2, test: 0.3, seed: 0, blockSize: 4 },
    preprocess: { size: S, brainCrop: false, normalize: 'zscore' },
  });
  const one = explain(['--nproc', '1'], join(run, 'e1'));
  const two = explain(['--nproc', '2'], join(run, 'e2'));
  const audit = (d: string) =>
    JSON.parse(readFileSync(join(run, d, 'audit.json'), 'utf8')) as { cases: unknown[] };
  const a1 = audit('e1');
  assert.equal(a1.cases.length, 3);
  assert.deepEqual(withoutTimings(audit('e2')), withoutTimings(a1));
  assert.deepEqual(withoutTimings(two.results), withoutTimings(one.results));
  const files = (d: string) => readdirSync(join(run, d, 'cases')).sort();
  assert.ok(files('e1').length > 0);
  assert.deepEqual(files('e2'), files('e1'));
  for (const f of files('e1').filter((f) => f.endsWith('.png')))
    assert.ok(readFileSync(join(run, 'e2', 'cases', f)).equals(readFileSync(join(run, 'e1', 'cases', f))), f);
});
