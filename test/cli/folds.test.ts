import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../src/cli/config.js';
import { entryHashes, foldDataStage } from '../../src/cli/folds.js';
import { runExperiment } from '../../src/cli/pipeline.js';
import { nullProgress } from '../../src/util/progress.js';
import {
  duplicateSettings,
  manifestHashes,
  nearDuplicatePairs,
  readManifest,
  writeManifest,
  type Manifest,
} from '../../src/data/index.js';
import { runPaths } from '../../src/run/index.js';
import { tinyConfig } from './tiny-config.js';

const qmri = fileURLToPath(new URL('../../bin/qmri', import.meta.url));
const K = 3;

/** The tiny experiment with 3 grouped folds, 2 backbone epochs (so a fold can be cut mid-training). */
function foldConfig(run: string) {
  const base = tinyConfig(run, 2);
  return resolveConfig({
    ...base,
    backbone: { ...base.backbone, epochs: 2 },
    compare: { ...base.compare, folds: K },
  });
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

function checkLabel(v: { label: string; ci: [number, number] | null; margin: number }) {
  assert.ok(v.ci, 'a fold-level verdict over 3 folds × 2 seeds has an interval');
  const [lo, hi] = v.ci!;
  const want =
    lo > 0 ? 'better' : hi < 0 ? 'worse' : -v.margin < lo && hi < v.margin ? 'equivalent' : 'inconclusive';
  assert.equal(v.label, want);
}

test('compare.folds = 3: three fold sub-runs with their own backbone, verdicts over the folds, an interrupted fold resumes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-folds-'));
  const run = join(dir, 'run');
  const p = runPaths(run);
  try {
    // cut the run in fold 2's backbone, right after its first epoch (the checkpoint is written before the line)
    await assert.rejects(
      runExperiment(foldConfig(run), {
        log: (l) => {
          if (/^fold 2\/3: epoch 1\/2/.test(l)) throw new Error('interrupted in fold 2');
        },
      }),
      /interrupted in fold 2/,
    );
    assert.ok(existsSync(runPaths(p.fold(0)).compare), 'fold 1 finished before the cut');
    assert.ok(existsSync(runPaths(p.fold(1)).checkpoint), "fold 2's first epoch checkpointed");
    assert.ok(!existsSync(runPaths(p.fold(1)).backboneMetrics), 'fold 2 not finished');

    const lines: string[] = [];
    const out = await runExperiment(foldConfig(run), { log: (l) => lines.push(l) });
    const has = (re: RegExp) =>
      assert.ok(
        lines.some((l) => re.test(l)),
        `${re}\n${lines.join('\n')}`,
      );
    has(/^fold 1\/3: backbone: up to date, skipped/);
    has(/^fold 1\/3: compare: up to date, skipped/);
    has(/^fold 2\/3: backbone: resuming/);
    has(/^fold 2\/3: resuming from .*checkpoint\.safetensors: epoch 2\/2/);
    has(/^fold 3\/3: backbone: running/);
    assert.equal(out.stages.find((s) => s.stage === 'compare')!.state, 'done');

    // three fold backbones; the fold test sets partition the data, whole groups each
    const parent = readManifest(p.manifest);
    const hashes = await manifestHashes(parent);
    const testedIn = new Map<string, number>();
    for (let i = 0; i < K; i++) {
      const f = runPaths(p.fold(i));
      for (const file of [f.model, f.arch, f.backboneMetrics, f.compare]) assert.ok(existsSync(file), file);
      const m = readManifest(f.manifest);
      // data.removeDuplicates (default on): the fold is checked for near-duplicates across its splits
      const removed = m.split.fold!.removedDuplicates!;
      assert.deepEqual(m.split.fold, { index: i, of: K, removedDuplicates: removed });
      assert.equal(m.entries.length + removed, parent.entries.length);
      const dist = duplicateSettings(foldConfig(run).data).duplicateDistance;
      for (const [a, b] of nearDuplicatePairs(
        m.entries.map((e) => hashes.get(e.file) ?? null),
        dist,
      ))
        assert.equal(m.entries[a].split, m.entries[b].split, `fold ${i + 1}: near-duplicates across splits`);

      const splitOfGroup = new Map<string, string>();
      for (const e of m.entries) {
        assert.equal(splitOfGroup.get(e.group) ?? e.split, e.split, `group ${e.group} straddles splits`);
        splitOfGroup.set(e.group, e.split);
        if (e.split === 'test') {
          assert.ok(!testedIn.has(e.file), `${e.file} tested in two folds`);
          testedIn.set(e.file, i);
        }
      }
    }
    // every image is tested exactly once (the fold keeps the test copy of a near-duplicate pair)
    assert.equal(testedIn.size, parent.entries.length);
    has(new RegExp(`near-duplicate\\(s\\) across its splits removed`));
    const weights = new Set(
      Array.from({ length: K }, (_, i) => readFileSync(runPaths(p.fold(i)).model).toString('base64')),
    );
    assert.equal(weights.size, K, 'one backbone per fold');

    // the run's verdicts are decided over the folds; the one-split ones are kept
    const res = json(p.compare);
    assert.equal(res.folds.k, K);
    assert.equal(res.folds.folds.length, K);
    const c = res.comparisons[0];
    assert.equal(c.verdict.method, 'nadeau-bengio');
    assert.equal(c.verdict.n.folds, K);
    assert.equal(c.verdict.n.seeds, 2);
    checkLabel(c.verdict);
    assert.match(c.sentence, /3 folds × 2 seeds, Nadeau–Bengio corrected t/);
    assert.equal(c.oneSplit.verdict.n.folds, 1);
    assert.equal(c.oneSplit.verdict.method, 'hierarchical-bootstrap');
    for (const v of c.secondary) assert.equal(v.n.folds, K);
    assert.equal(res.folds.pairs[0].perFold.length, K);
    const mean = res.folds.pairs[0].perFold.reduce((a: number, b: number) => a + b, 0) / K;
    assert.ok(Math.abs(mean - c.verdict.diff) < 1e-9, 'the fold-level difference is the mean of the folds');
    assert.equal(res.folds.pairs[0].bootstrap.method, 'hierarchical-bootstrap');
    assert.equal(res.folds.pairs[0].bootstrap.n.folds, K);
    assert.ok(c.verdict.pHolm !== null && c.verdict.pHolm >= c.verdict.p);

    // the CLI: qmri compare --json carries the fold verdicts (every finished fold is skipped)
    const r = spawnSync(qmri, ['compare', '--run', run, '--threads', '1', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.folds.k, K);
    assert.equal(s.comparisons[0].verdict.method, 'nadeau-bengio');
    assert.deepEqual(s.comparisons[0].verdict, json(p.compare).comparisons[0].verdict);
    assert.equal(s.comparisons[0].oneSplit.verdict.n.folds, 1);
    const report = readFileSync(p.report, 'utf8');
    assert.match(report, /Cross-validation: 3 grouped folds/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A one-split manifest of `groups` groups per class (3 slices each), every 4th group in test. */
function splitManifest(groups: number): Manifest {
  const classes = ['glioma', 'meningioma', 'notumor', 'pituitary'];
  const entries: Manifest['entries'] = [];
  for (let c = 0; c < classes.length; c++)
    for (let g = 0; g < groups; g++)
      for (let s = 0; s < 3; s++)
        entries.push({
          file: `${classes[c]}/p${g}-s${s}.png`,
          label: c,
          className: classes[c],
          group: `${classes[c]}/p${g}`,
          split: g % 4 === 0 ? 'test' : g % 4 === 1 ? 'val' : 'train',
          sha256: (c * 1000 + g * 10 + s).toString(16).padStart(64, '0'),
          box: null,
        });
  const split = {
    train: 0.5,
    val: 0.25,
    test: 0.25,
    seed: 0,
    blockSize: 4,
    layout: 'folders',
    grouping: 'patient',
  };
  return { version: 1, root: '/data', classes, entries, split } as Manifest;
}

test("compare.foldScope 'trainval': the fold data stage re-splits train + val, the run's test split is in no fold", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-foldscope-'));
  try {
    const parent = splitManifest(12);
    const parentPath = join(dir, 'manifest.json');
    writeManifest(parentPath, parent);
    const base = tinyConfig(join(dir, 'run'), 1);
    const cfg = resolveConfig({ ...base, data: { ...base.data, removeDuplicates: false } });
    const heldOut = new Set(parent.entries.filter((e) => e.split === 'test').map((e) => e.file));
    const tested = new Set<string>();
    for (let i = 0; i < K; i++) {
      const sub = join(dir, `fold-${i}`);
      const paths = runPaths(sub);
      const stage = foldDataStage(parentPath, { k: K, i, scope: 'trainval' }, entryHashes(parent));
      const note = await stage.run({ run: sub, cfg, paths, log: () => {}, progress: nullProgress });
      assert.match(String(note), /re-split from train \+ val; the run’s test split held out/);
      for (const e of readManifest(paths.manifest).entries) {
        assert.ok(!heldOut.has(e.file), `${e.file}: the run's test split in fold ${i + 1}`);
        if (e.split === 'test') tested.add(e.file);
      }
    }
    assert.equal(tested.size, parent.entries.length - heldOut.size, 'every train/val image tested once');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
