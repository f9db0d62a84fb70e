import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argmaxRows } from '../../src/eval/index.js';
import { noiseStudy, SWEEP_CHANNELS, type NoiseResults } from '../../src/noise/index.js';
import { headProbs, type LinearExport } from '../../src/heads/index.js';
import { loadFeatures, loadHead, runPaths, saveFeatures, saveHead } from '../../src/run/index.js';
import { buildNoiseRun } from './tiny-run.js';

const CFG = {
  levels: { from: 1e-3, to: 1e-1, count: 4 },
  shots: [100, null],
  bootstrap: { resamples: 200 },
  aware: { noise: 'depolarizing_2q@0.1', shots: null, epochs: 2, subset: 64, batchSize: 16, lr: 0.05 },
};

const accuracyOf = (y: Int32Array, p: Int32Array) =>
  y.reduce((a, v, i) => a + (v === p[i] ? 1 : 0), 0) / y.length;

test('noise study on a tiny run: every setting, references, mitigation, noise-aware training, files; seeded', async () => {
  const run = buildNoiseRun({ bottleneck: true });
  try {
    const r: NoiseResults = await noiseStudy(run, CFG);
    const p = runPaths(run);
    const test = loadFeatures(p.features('test'));
    // references and the noiseless hybrid agree with the plain heads run independently (statevector)
    const acc = (kind: 'linear' | 'quantum') =>
      accuracyOf(test.y, argmaxRows(headProbs(loadHead(p.head(kind, 0)), test.x), 4));
    assert.deepEqual(
      r.references.map((x) => x.setting),
      ['linear', 'bottleneck'],
    );
    assert.ok(Math.abs(r.references[0].accuracy - acc('linear')) < 1e-6);
    assert.ok(Math.abs(r.noiseless.accuracy - acc('quantum')) < 1e-6);
    for (const pt of r.points) {
      assert.ok(pt.accuracyLo <= pt.accuracy && pt.accuracy <= pt.accuracyHi, JSON.stringify(pt));
      assert.ok(pt.macroF1Lo <= pt.macroF1 && pt.macroF1 <= pt.macroF1Hi);
    }
    // six channels × four levels, each with its mitigated counterparts and a break-even per reference
    assert.deepEqual(
      r.sweeps.map((s) => s.channel),
      [...SWEEP_CHANNELS],
    );
    for (const s of r.sweeps) {
      const raw = s.points.filter((x) => x.mitigation === 'none');
      assert.deepEqual(
        raw.map((x) => x.level),
        [0.001, 0.00464159, 0.0215443, 0.1],
      );
      assert.equal(s.points.length, s.channel === 'readout' ? 8 : 12);
      assert.deepEqual(Object.keys(s.breakEven), ['linear', 'bottleneck']);
      // the break-even level gets a grouped bootstrap interval (its point value is the point estimate's)
      for (const ref of ['linear', 'bottleneck']) {
        const iv = s.breakEvenInterval[ref];
        assert.deepEqual(
          [iv.level, iv.status],
          [s.breakEven[ref].accuracy.level, s.breakEven[ref].accuracy.status],
        );
        assert.ok(iv.ci && iv.resamples > 0, JSON.stringify(iv));
        assert.equal(iv.notReached, iv.ci[1] === null);
        if (iv.ci[0] !== null && iv.ci[1] !== null) assert.ok(iv.ci[0] <= iv.ci[1]);
      }
      if (s.channel === 'readout')
        // exact readout mitigation with the true confusion restores the noiseless predictions
        for (const x of s.points.filter((q) => q.mitigation === 'readout')) {
          assert.equal(x.accuracy, r.noiseless.accuracy);
          assert.ok(x.zError! < 1e-9);
        }
      else {
        // at a moderate level ZNE brings ⟨Z⟩ closer to noiseless, Richardson more than linear
        const at = (m: string) => s.points.find((q) => q.level === 0.00464159 && q.mitigation === m)!.zError!;
        assert.ok(at('none') > 0);
        assert.ok(at('zne-linear') < at('none'), `${s.channel}: linear ${at('zne-linear')} vs ${at('none')}`);
        assert.ok(at('zne-richardson') < at('zne-linear'), `${s.channel}: richardson vs linear`);
      }
    }
    // strong gate noise hurts: depolarizing on 2q gates at 0.1 is below noiseless
    const dep = r.sweeps.find((s) => s.channel === 'depolarizing_2q')!.points;
    assert.ok(dep.find((x) => x.level === 0.1 && x.mitigation === 'none')!.accuracy < r.noiseless.accuracy);
    // device profiles × shots with mitigation; ideal exact = noiseless
    assert.deepEqual(
      r.profiles.map((x) => x.name),
      ['ideal', 'heron', 'eagle'],
    );
    const idealExact = r.profiles[0].rows.find((x) => x.shots === null)!;
    assert.equal(idealExact.dropAccuracy, 0);
    assert.equal(r.profiles[0].rows.length, 2); // nothing to mitigate without noise
    const eagle = r.profiles[2].rows.filter((x) => x.shots === null).map((x) => x.mitigation);
    assert.deepEqual(eagle, ['none', 'readout', 'zne-linear', 'zne-richardson', 'readout+zne-richardson']);
    assert.deepEqual(
      r.shots.map((x) => x.shots),
      [100, null],
    );
    // noise-aware training recovers accuracy under the noise it trained with
    assert.ok(r.aware);
    assert.equal(r.aware.epochs, 2);
    assert.ok(
      r.aware.after.accuracy > r.aware.before.accuracy,
      `aware: ${r.aware.before.accuracy} → ${r.aware.after.accuracy}`,
    );
    assert.ok(existsSync(join(p.noiseDir, r.aware.headFile)));
    // files: JSON, CSV of every point, SVG + PNG plots
    const json = readFileSync(join(p.noiseDir, 'results.json'), 'utf8');
    const csv = readFileSync(join(p.noiseDir, 'points.csv'), 'utf8');
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(r)));
    assert.equal(csv.trim().split('\n').length, r.points.length + 1);
    assert.match(csv.split('\n')[1], /^reference,linear,,,none,.*,$/);
    assert.match(csv.split('\n')[0], /,zError$/);
    for (const name of ['accuracy-vs-level', 'zerror-vs-level', 'accuracy-vs-shots', 'profiles']) {
      assert.match(readFileSync(join(p.noiseDir, 'plots', `${name}.svg`), 'utf8'), /^<svg/);
      const png = readFileSync(join(p.noiseDir, 'plots', `${name}.png`));
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    }
    // the same command twice gives identical files
    await noiseStudy(run, CFG);
    assert.equal(readFileSync(join(p.noiseDir, 'results.json'), 'utf8'), json);
    assert.equal(readFileSync(join(p.noiseDir, 'points.csv'), 'utf8'), csv);
    // a different seed draws different shots
    const other = await noiseStudy(run, { ...CFG, seed: 5, aware: { enabled: false } });
    assert.notDeepEqual(other.shots[0], r.shots[0]);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});

test('noise study: bad runs fail with the file and the problem, before any work is written', async () => {
  const base = buildNoiseRun({ qubits: 2, layers: 1, test: 16 });
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'qmri-noise-bad-'));
    cpSync(base, d, { recursive: true });
    return d;
  };
  const cases: [string, (run: string) => unknown, RegExp][] = [
    ['missing run', () => 0, /nope: run folder not found/],
    [
      'no test features',
      (run) => rmSync(runPaths(run).features('test')),
      /test\.safetensors: feature file not found/,
    ],
    [
      'truncated features',
      (run) => truncateSync(runPaths(run).features('test'), 5),
      /test\.safetensors: not a safetensors file/,
    ],
    [
      'non-finite feature',
      (run) => {
        const f = loadFeatures(runPaths(run).features('test'));
        f.x[3 * 8 + 5] = NaN;
        saveFeatures(runPaths(run).features('test'), f);
      },
      /test\.safetensors: feature 5 of row 3 is not finite/,
    ],
    ['no quantum head', (run) => rmSync(runPaths(run).head('quantum', 0)), /heads: no quantum head/],
    ['no linear head', (run) => rmSync(runPaths(run).head('linear', 0)), /heads: no linear head/],
    [
      'corrupt head',
      (run) => writeFileSync(runPaths(run).head('quantum', 0), '{"kind": "quan'),
      /quantum-seed0\.json: not valid JSON/,
    ],
    [
      'head of the wrong width',
      (run) => {
        const h = loadHead(runPaths(run).head('linear', 0)) as LinearExport;
        if (h.kind !== 'linear') throw new Error('fixture');
        const narrow: LinearExport = {
          ...h,
          inDim: 3,
          fc: { ...h.fc, inDim: 3, weight: h.fc.weight.slice(0, 12) },
        };
        saveHead(runPaths(run).head('linear', 0), narrow);
      },
      /linear-seed0\.json: head takes 3 features, .*test\.safetensors has 8/,
    ],
  ];
  try {
    for (const [name, breakIt, re] of cases) {
      const run = name === 'missing run' ? join(tmpdir(), 'nope') : fresh();
      breakIt(run);
      await assert.rejects(noiseStudy(run, { aware: { enabled: false } }), re, name);
      assert.ok(!existsSync(runPaths(run).noiseDir), `${name}: nothing written`);
      if (name !== 'missing run') rmSync(run, { recursive: true, force: true });
    }
    const run = fresh();
    const bad = join(run, 'bad-profile.json');
    writeFileSync(bad, JSON.stringify({ name: 'x', gate_error_1q: 2 }));
    await assert.rejects(
      noiseStudy(run, { profiles: ['ideal', bad] }),
      /noise\.profiles\[1\]: .*bad-profile\.json: gate_error_1q: must be a number in \[0, 1\]/,
    );
    await assert.rejects(
      noiseStudy(run, { aware: { noise: 'gamma@0.1' } }),
      /noise\.aware\.noise: unknown channel/,
    );
    await assert.rejects(noiseStudy(run, { shots: [-3] }), /noise\.shots\[0\]/);
    await assert.rejects(
      noiseStudy(run, { headSeed: 4 }),
      /noise\.headSeed: no quantum head with seed 4 .*\(seeds: 0\)/,
    );
    assert.ok(!existsSync(runPaths(run).noiseDir));
    rmSync(run, { recursive: true, force: true });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
